// WhisperLoader / Transcribe: a Whisper model (whisper.cpp ggml .bin of any dtype, or an HF
// folder) and speech-to-text over audio of any length (runtime/models/whisper).
#include <algorithm>
#include <cmath>

#include "nodes/inputs.hpp"
#include "nodes/media_values.hpp"
#include "nodes/model_pool.hpp"
#include "nodes/node.hpp"
#include "nodes/schema_builders.hpp"
#include "nodes/whisper_values.hpp"
#include "runtime/media/resample.hpp"
#include "runtime/models/model_header.hpp"
#include "runtime/models/whisper/whisper_transcribe.hpp"
#include "runtime/models/whisper/whisper_vocab.hpp"
#include "runtime/models/whisper_estimate.hpp"
#include "scheduler/cancel.hpp"

namespace vkflow::nodes {
namespace {

namespace T = graph::types;
namespace W = models::whisper;
using nlohmann::json;

// Errors about one input say which.
[[noreturn]] void bad_input(std::string_view name, const std::string& what) {
  throw Error("input '" + std::string(name) + "': " + what);
}

Values load_whisper(RunContext& ctx) {
  const std::string& name = input_string(ctx, "model");
  auto v = std::make_shared<WhisperModelValue>();
  v->path = resolve_input_path(ctx.env, name);
  std::error_code ec;
  if (v->path.empty() || !std::filesystem::exists(v->path, ec))
    throw FormatError(name, "input 'model': no such Whisper model file or folder");
  auto file = std::make_shared<formats::ModelFile>(formats::ModelFile::open(v->path));
  if (file->detection().arch != formats::arch::kWhisper)
    throw FormatError(file->describe(), "input 'model': not a Whisper model (detected '" + file->detection().arch + "')");
  v->tokenizer = W::tokenizer_for(*file, v->path);
  v->file = std::move(file);
  return {{"model", std::shared_ptr<const Object>(std::move(v))}};
}

Estimate estimate_whisper_loader(EstimateContext& ctx) {
  Estimate e;
  Footprint f;  // the file is memory-mapped: nothing resident until Transcribe uploads it
  f.device = ctx.target;
  e.variants.push_back(f);
  const json& m = ctx.inputs.contains("model") ? ctx.inputs["model"] : json();
  if (m.is_string()) {
    RunEnv env;
    env.workflow = ctx.workflow;
    e.outputs["model"] = {{"path", resolve_input_path(env, m.get<std::string>()).string()}};
  }
  return e;
}

std::vector<double> temperatures(double start, double increment) {
  std::vector<double> out{start};
  if (increment > 0)  // np.arange(start, 1.0 + 1e-6, increment)
    for (int i = 1; start + i * increment <= 1.0 + 1e-6; ++i) out.push_back(start + i * increment);
  return out;
}

W::TranscribeOptions transcribe_options(const RunContext& ctx, const text::WhisperTokenizer& tok) {
  W::TranscribeOptions o;
  try {
    o.decode.language = W::language_code(tok, input_string(ctx, "language"));
  } catch (const Error& e) {
    bad_input("language", e.what());
  }
  o.decode.task = input_string(ctx, "task");
  if (o.decode.task != "transcribe" && o.decode.task != "translate")
    bad_input("task", "must be transcribe or translate, not '" + o.decode.task + "'");
  if (o.decode.task == "translate" && tok.n_vocab() < 51865)
    bad_input("task", "translate needs a multilingual model; this one is English-only");
  const int64_t beam = input_int(ctx, "beam_size"), best_of = input_int(ctx, "best_of");
  if (beam < 1) bad_input("beam_size", "must be at least 1 (1 = greedy), got " + std::to_string(beam));
  if (best_of < 1) bad_input("best_of", "must be at least 1, got " + std::to_string(best_of));
  o.decode.beam_size = beam > 1 ? static_cast<int>(beam) : 0;
  o.decode.best_of = static_cast<int>(best_of);
  o.decode.without_timestamps = !input_bool(ctx, "timestamps");
  o.decode.seed = static_cast<uint64_t>(input_int(ctx, "seed"));
  const int64_t max_tokens = input_int(ctx, "max_tokens");
  if (max_tokens < 0) bad_input("max_tokens", "must be >= 0");
  o.decode.sample_len = static_cast<int>(max_tokens);
  const double t = input_float(ctx, "temperature"), inc = input_float(ctx, "temperature_increment");
  if (!(t >= 0 && t <= 1)) bad_input("temperature", "must be in [0, 1]");
  if (!(inc >= 0)) bad_input("temperature_increment", "must be >= 0");
  o.temperatures = temperatures(t, inc);
  const double cr = input_float(ctx, "compression_ratio_threshold");
  const double lp = input_float(ctx, "logprob_threshold");
  const double ns = input_float(ctx, "no_speech_threshold");
  o.compression_ratio_threshold = cr > 0 ? std::optional(cr) : std::nullopt;   // 0 = off
  o.logprob_threshold = lp > -100 ? std::optional(lp) : std::nullopt;           // -100 = off
  o.no_speech_threshold = ns < 1 ? std::optional(ns) : std::nullopt;            // 1 = off
  o.initial_prompt = input_string(ctx, "initial_prompt");
  o.condition_on_previous_text = input_bool(ctx, "condition_on_previous_text");
  return o;
}

Values transcribe(RunContext& ctx) {
  const auto& m = input_as<WhisperModelValue>(ctx, "model", T::WHISPER_MODEL);
  const media::Audio& in = input_as<AudioValue>(ctx, "audio", T::AUDIO).audio;
  W::TranscribeOptions o = transcribe_options(ctx, *m.tokenizer);
  if (in.frames() == 0 || in.channels.empty()) bad_input("audio", "the audio is empty");
  auto poll = [&](int64_t done, int64_t total) {
    ctx.progress(done, total);
    if (ctx.cancelled()) throw scheduler::Cancelled();
  };
  media::Audio mono = media::mix_to_mono(in);
  if (mono.sample_rate != 16000) mono = media::resample(mono, 16000, poll);
  // Through the model pool under the plan's identity (whisper_estimate's "<path>#whisper"), so
  // the weights stay resident, are measured as the node's weights and are freed when the
  // plan says.
  auto load = [&] { return std::make_shared<W::WhisperModel>(W::WhisperModel::load(*m.file, ctx.device)); };
  const std::shared_ptr<W::WhisperModel> model =
      ctx.models ? ctx.models->get<W::WhisperModel>(m.path.string() + "#whisper", ctx.device, load) : load();
  o.progress = poll;
  return {{"transcript", make_value<TranscriptValue>(W::transcribe(*model, *m.tokenizer, mono.channels[0], o))}};
}

Estimate estimate_transcribe(EstimateContext& ctx) {
  const json& m = ctx.inputs["model"];
  const json& a = ctx.inputs["audio"];
  const double seconds = a.is_object() && a.value("seconds", 0.0) > 0 ? a["seconds"].get<double>() : 30.0;
  models::WhisperRequest r;
  r.audio_seconds = seconds;
  // best_of samples exist only at a temperature above 0 (the first one, or a fallback).
  const bool samples = ctx.inputs.value("temperature", 0.0) > 0 || ctx.inputs.value("temperature_increment", 0.2) > 0;
  r.beam = static_cast<int>(std::max<int64_t>({1, ctx.inputs.value("beam_size", int64_t{1}),
                                               samples ? ctx.inputs.value("best_of", int64_t{1}) : 1}));
  r.act_bytes = ctx.activation_bytes;
  Estimate e;
  e.outputs["transcript"] = {{"seconds", seconds}};
  e.output_bytes = static_cast<uint64_t>(seconds * 400);  // ~3 tokens/s with their details
  auto unknown = [&] {  // nothing to plan with: WhisperLoader reports a bad file when it runs
    Footprint f;
    f.device = ctx.target;
    f.note = "model size unknown";
    e.variants.push_back(f);
    return e;
  };
  if (!m.is_object() || !m.contains("path")) return unknown();
  models::ModelHeader h;
  try {
    h = models::read_model_header(m["path"].get<std::string>());
    if (h.arch != formats::arch::kWhisper) return unknown();
  } catch (const FormatError&) {
    return unknown();
  }
  // Host: the 16 kHz mono copy, its resampling, and the clip's log-mel (100 frames/s).
  const auto dims = models::whisper_dims(h);
  const uint64_t host = static_cast<uint64_t>((seconds + 30) * (16000.0 * 4 * 2 + 100.0 * dims.n_mels * 4));
  e.variants = models::whisper_estimate(h, r, ctx.target);
  for (Footprint& f : e.variants) f.host_peak_bytes += host;  // std::vectors, not device allocations
  return e;
}

}  // namespace

VKFLOW_REGISTER_NODES(whisper) {
  NodeDef load;
  load.schema.type = "WhisperLoader";
  load.schema.category = "loaders";
  load.schema.description =
      "Opens a Whisper model: a whisper.cpp ggml .bin (f32, f16 or quantized) or an HF folder (config.json + "
      "model.safetensors); tiny to large-v3-turbo, English-only or multilingual. Weights load when Transcribe runs.";
  load.schema.inputs = {model_param("model", "whisper", "ggml-*.bin file or HF Whisper folder")};
  load.schema.outputs = {output("model", T::WHISPER_MODEL)};
  load.run = load_whisper;
  load.estimate = estimate_whisper_loader;
  reg.add(std::move(load));

  NodeDef tr;
  tr.schema.type = "Transcribe";
  tr.schema.category = "audio";
  tr.schema.description =
      "Speech to text with Whisper, as openai-whisper's transcribe(): 30-s windows with seeking, beam search or "
      "best-of sampling, temperature fallback, no-speech detection, language detection, timestamps.";
  tr.schema.inputs = {
      port("model", T::WHISPER_MODEL),
      port("audio", T::AUDIO, "any rate and channel count; mixed to mono and resampled to 16 kHz"),
      string_param("language", "auto", "language code or name (en, de, japanese, ...); auto = detect"),
      choice_param("task", "transcribe", {"transcribe", "translate"}, "translate: into English"),
      int_param("beam_size", 5, 1, 16, "beams at temperature 0 (1 = greedy)"),
      int_param("best_of", 5, 1, 16, "samples per window at temperature > 0; the most likely is kept"),
      float_param("temperature", 0.0, 0.0, 1.0, "first temperature"),
      float_param("temperature_increment", 0.2, 0.0, 1.0, "fallback step up to 1.0 (0 = no fallback)"),
      bool_param("timestamps", true, "predict timestamps (segments); off = one segment per window"),
      string_param("initial_prompt", "", "text that conditions the first window (names, spelling, style)"),
      bool_param("condition_on_previous_text", true, "each window is prompted with the text before it"),
      float_param("compression_ratio_threshold", 2.4, 0.0, 100.0, "retry hotter above this zlib ratio (0 = off)"),
      float_param("logprob_threshold", -1.0, -100.0, 0.0, "retry hotter below this average log-prob (-100 = off)"),
      float_param("no_speech_threshold", 0.6, 0.0, 1.0, "skip windows more likely silent than this (1 = off)"),
      int_param("max_tokens", 0, 0, 224, "tokens per window at most (0 = half the model's text context)"),
      int_param("seed", 0, 0, 4294967295.0, "random seed of temperature sampling")};
  tr.schema.outputs = {output("transcript", T::TRANSCRIPT, "segments with tokens, probabilities and timestamps")};
  tr.schema.devices = {"cpu", "vulkan"};
  tr.run = transcribe;
  tr.estimate = estimate_transcribe;
  reg.add(std::move(tr));
}

}  // namespace vkflow::nodes
