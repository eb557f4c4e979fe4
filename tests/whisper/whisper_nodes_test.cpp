// WhisperLoader -> Transcribe -> SaveTranscript through the real executor on every test
// device, the TRANSCRIPT cache codec, bad inputs (named by node and field), the estimates the
// planner uses, and `vkflow run workflows/transcribe.json` writing every format.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

#include "nodes/media_values.hpp"
#include "nodes/node.hpp"
#include "nodes/value_codec.hpp"
#include "nodes/whisper_values.hpp"
#include "tests/common/devices.hpp"
#include "tests/exec/exec_helpers.hpp"
#include "tests/whisper/whisper_fixture.hpp"

namespace vkflow::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string read_text(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// LoadAudio -> WhisperLoader -> Transcribe -> SaveTranscript, short decodes for llvmpipe.
graph::Workflow transcribe_workflow(const std::string& model, const fs::path& audio,
                                    std::map<std::string, graph::InputValue> extra = {}) {
  graph::Workflow wf;
  add_node(wf, "audio", "LoadAudio", {{"audio", lit(audio.string())}});
  add_node(wf, "model", "WhisperLoader", {{"model", lit(model)}});
  std::map<std::string, graph::InputValue> in{{"model", from("model", "model")},
                                              {"audio", from("audio", "audio")},
                                              {"language", lit("en")},
                                              {"beam_size", lit(2)},
                                              {"temperature_increment", lit(0.0)},
                                              {"no_speech_threshold", lit(1.0)},  // random weights: never skip
                                              {"max_tokens", lit(4)}};
  for (auto& [k, v] : extra) in[k] = v;
  add_node(wf, "asr", "Transcribe", in);
  add_node(wf, "save", "SaveTranscript",
           {{"transcript", from("asr", "transcript")}, {"formats", lit("all")}, {"filename_prefix", lit("t/speech")}});
  return wf;
}

scheduler::RunReport run_on(Device& dev, const graph::Workflow& wf, const fs::path& out) {
  auto opts = exec_options(out, &wf);
  opts.device_for = [&dev](const scheduler::Placement& p) -> Device& {
    return p.node == "asr" ? dev : *test_devices().front();
  };
  return scheduler::execute(wf, plan_in_order({"audio", "model", "asr", "save"}), opts);
}

class WhisperNodes : public ::testing::Test {
 protected:
  fs::path speech = data_dir() / "media" / "speech_6s.wav";
};

TEST_F(WhisperNodes, TranscribesOnEveryDevice) {
  std::vector<int32_t> first_ids;
  for (Device* dev : test_devices()) {
    SCOPED_TRACE(dev->name());
    const fs::path out = scratch_dir("whisper_nodes_" + std::to_string(first_ids.size()));
    const auto report = run_on(*dev, transcribe_workflow(whisper_tiny_bin().string(), speech), out);
    ASSERT_EQ(report.outputs.size(), 6u);
    for (const char* ext : {"txt", "srt", "vtt", "json", "lrc", "csv"})
      EXPECT_TRUE(fs::exists(out / "t" / (std::string("speech_00001_.") + ext))) << ext;
    const json j = json::parse(read_text(out / "t" / "speech_00001_.json"));
    EXPECT_EQ(j["language"], "en");
    EXPECT_NEAR(j["duration"].get<double>(), 6.58, 0.011);
    ASSERT_EQ(j["segments"].size(), 1u);
    const json& seg = j["segments"][0];
    ASSERT_FALSE(seg["tokens"].empty());
    EXPECT_EQ(seg["token_details"].size(), seg["tokens"].size());
    // Timestamps on: the window starts with a timestamp token (at most <|1.00|>).
    const int32_t tb = text::WhisperTokenizer::embedded(true).timestamp_begin();
    EXPECT_GE(seg["tokens"][0].get<int32_t>(), tb);
    EXPECT_LE(seg["tokens"][0].get<int32_t>(), tb + 50);
    EXPECT_DOUBLE_EQ(seg["start"].get<double>(), (seg["tokens"][0].get<int32_t>() - tb) * 0.02);
    EXPECT_TRUE(read_text(out / "t" / "speech_00001_.vtt").starts_with("WEBVTT\n\n00:0"));
    EXPECT_TRUE(read_text(out / "t" / "speech_00001_.csv").starts_with("start,end,text\n"));
    EXPECT_TRUE(read_text(out / "t" / "speech_00001_.lrc").starts_with("[00:0"));
    // The devices agree on the (short) decode.
    std::vector<int32_t> ids = seg["tokens"].get<std::vector<int32_t>>();
    if (first_ids.empty())
      first_ids = ids;
    else
      EXPECT_EQ(ids, first_ids);
  }
}

TEST_F(WhisperNodes, HfFolderAndCacheCodec) {
  const fs::path hf = scratch_dir("whisper_nodes_hf_model");
  write_whisper_tiny_hf(whisper_tiny("bin"), hf);
  const fs::path out = scratch_dir("whisper_nodes_hf");
  const auto wf = transcribe_workflow(hf.string(), speech, {{"timestamps", lit(false)}, {"beam_size", lit(1)}});
  run_on(*test_devices().front(), wf, out);
  const json j = json::parse(read_text(out / "t" / "speech_00001_.json"));
  EXPECT_EQ(j["segments"][0]["tokens"].size(), 4u);

  // A TRANSCRIPT survives the cache's serialisation.
  models::whisper::Transcript t;
  t.language = "de";
  t.duration = 3.5;
  models::whisper::Segment s;
  s.start = 0.5, s.end = 2.25, s.text = " Hallo", s.tokens = {50364, 7, 50476}, s.seek = 0, s.temperature = 0.2;
  s.token_info = {{50364, "<|0.00|>", 0.5f, 0.0, 0.0}, {7, "(", 0.25f, 0.0, 2.24}, {50476, "<|2.24|>", 1.0f, 2.24, 2.24}};
  t.segments = {s};
  std::stringstream buf;
  nodes::write_value(buf, nodes::make_value<nodes::TranscriptValue>(t));
  const nodes::Value back = nodes::read_value(buf);
  const auto& got = dynamic_cast<const nodes::TranscriptValue&>(**std::get_if<std::shared_ptr<const nodes::Object>>(&back));
  EXPECT_EQ(models::whisper::render_json(got.transcript), models::whisper::render_json(t));
}

// The executor's message for a failing node of this workflow.
std::string failure(const graph::Workflow& wf) {
  try {
    run_on(*test_devices().front(), wf, scratch_dir("whisper_nodes_bad"));
  } catch (const scheduler::NodeFailed& e) {
    return e.what();
  }
  return "";
}

TEST_F(WhisperNodes, BadInputsNameNodeAndField) {
  const std::string bin = whisper_tiny_bin().string();
  auto contains = [](const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; };
  std::string e = failure(transcribe_workflow("/nonexistent/ggml-tiny.bin", speech));
  EXPECT_TRUE(contains(e, "node 'model' (WhisperLoader)") && contains(e, "input 'model'")) << e;
  e = failure(transcribe_workflow(speech.string(), speech));  // an audio file as the model
  EXPECT_TRUE(contains(e, "node 'model'") && contains(e, "speech_6s.wav") &&
              (contains(e, "not a Whisper model") || contains(e, "unrecognised model file"))) << e;
  e = failure(transcribe_workflow(bin, data_dir() / "media" / "not_audio.wav"));
  EXPECT_TRUE(contains(e, "node 'audio' (LoadAudio)") && contains(e, "not_audio.wav")) << e;
  e = failure(transcribe_workflow(bin, speech, {{"language", lit("xx")}}));
  EXPECT_TRUE(contains(e, "node 'asr' (Transcribe)") && contains(e, "input 'language'") && contains(e, "'xx'")) << e;
  e = failure(transcribe_workflow(bin, speech, {{"beam_size", lit(0)}}));
  EXPECT_TRUE(contains(e, "node 'asr'") && contains(e, "input 'beam_size'")) << e;
  auto wf = transcribe_workflow(bin, speech);
  wf.nodes["save"].inputs["formats"] = lit("txt,docx");
  e = failure(wf);
  EXPECT_TRUE(contains(e, "node 'save' (SaveTranscript)") && contains(e, "input 'formats'") && contains(e, "docx")) << e;
  EXPECT_TRUE(files_under(scratch_dir("whisper_nodes_bad")).empty());
}

TEST_F(WhisperNodes, EstimateScalesWithBeamsAndAudio) {
  const nodes::NodeDef* def = nodes::Registry::instance().find("Transcribe");
  ASSERT_NE(def, nullptr);
  graph::NodeDoc doc;
  doc.id = "asr";
  doc.type = "Transcribe";
  auto estimate = [&](int beam, double seconds) {
    nodes::EstimateContext ctx{doc, DeviceKind::Vulkan, {}, {}, nullptr, 4};
    ctx.inputs = {{"model", {{"path", whisper_tiny_bin().string()}}},
                  {"audio", {{"seconds", seconds}}},
                  {"beam_size", beam},
                  {"best_of", 1}};
    return def->estimate(ctx);
  };
  const auto one = estimate(1, 30), five = estimate(5, 30), long_clip = estimate(1, 300);
  ASSERT_FALSE(one.variants.empty());
  EXPECT_GT(one.variants[0].weight_bytes(), 7'000'000u);  // the f16 tiny model
  EXPECT_GT(five.variants[0].flops, 2 * one.variants[0].flops);  // every beam runs the decoder
  EXPECT_GT(long_clip.variants[0].flops, 9 * one.variants[0].flops);
  EXPECT_EQ(one.outputs["transcript"]["seconds"], 30.0);
}

struct Ran {
  int rc;
  std::string out;
};

Ran vkflow(const std::string& args) {
  const std::string cmd = (binary_dir() / "vkflow").string() + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  Ran r{-1, ""};
  if (!p) return r;
  std::array<char, 4096> buf;
  for (size_t n; (n = fread(buf.data(), 1, buf.size(), p)) > 0;) r.out.append(buf.data(), n);
  const int st = pclose(p);
  r.rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

TEST_F(WhisperNodes, CliRunWritesTranscriptFiles) {
  if (!fs::exists(binary_dir() / "vkflow")) GTEST_SKIP() << "build the vkflow target first";
  const fs::path out = scratch_dir("whisper_cli");
  const std::string wf = (source_dir() / "workflows" / "transcribe.json").string();
  const std::string common = wf + " --set audio=" + speech.string() + " --set model=" + whisper_tiny_bin().string() +
                             " --out " + out.string();
  // Short decodes: the inner Transcribe node is reachable after template expansion.
  const std::string fast = " --set transcribe/transcribe.max_tokens=4 --set transcribe/transcribe.temperature_increment=0";
  Ran r = vkflow("run " + common + " --set beam_size=1 --device cpu" + fast);
  ASSERT_EQ(r.rc, 0) << r.out;
  for (const char* ext : {"txt", "srt", "vtt", "json"})
    EXPECT_TRUE(fs::exists(out / "transcripts" / (std::string("transcript_00001_.") + ext))) << ext << "\n" << r.out;
  EXPECT_FALSE(fs::exists(out / "transcripts" / "transcript_00001_.lrc"));
  r = vkflow("run " + common + " --set formats=lrc,csv --set language=en --device cpu" + fast);
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_TRUE(fs::exists(out / "transcripts" / "transcript_00002_.lrc"));
  EXPECT_TRUE(fs::exists(out / "transcripts" / "transcript_00002_.csv"));
  // Bad values: caught by validation (3) or by the node (1), naming node and field.
  r = vkflow("run " + common + " --set beam_size=0");
  EXPECT_EQ(r.rc, 3) << r.out;
  EXPECT_NE(r.out.find("beam_size"), std::string::npos) << r.out;
  r = vkflow("run " + common + " --set language=klingon --device cpu" + fast);
  EXPECT_EQ(r.rc, 1) << r.out;
  EXPECT_NE(r.out.find("input 'language'"), std::string::npos) << r.out;
  // Unreadable inputs: exit 5, naming the node and the file.
  r = vkflow("run " + wf + " --set audio=" + speech.string() + " --set model=" + speech.string() + " --device cpu --out " +
             out.string());
  EXPECT_EQ(r.rc, 5) << r.out;
  EXPECT_NE(r.out.find("WhisperLoader"), std::string::npos) << r.out;
  r = vkflow("run " + wf + " --set audio=" + (data_dir() / "media" / "not_audio.wav").string() + " --set model=" +
             whisper_tiny_bin().string() + " --device cpu --out " + out.string());
  EXPECT_EQ(r.rc, 5) << r.out;
  EXPECT_NE(r.out.find("not_audio.wav"), std::string::npos) << r.out;
  r = vkflow("run " + wf + " --set audio=" + speech.string() + " --set model=/nonexistent.bin --out " + out.string());
  EXPECT_EQ(r.rc, 3) << r.out;  // model_not_found
  EXPECT_NE(r.out.find("nonexistent.bin"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace vkflow::test
