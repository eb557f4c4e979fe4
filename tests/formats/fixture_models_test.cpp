// Every kind of fixture model loads and is detected as what it is, through ModelFile and
// through `vkflow inspect --json`. Files too large to commit are rebuilt from their headers
// (tests/data/formats/fixture_heads, see make_heads.py there) with zero-filled data.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sys/wait.h>

#include "runtime/formats/model_file.hpp"
#include "runtime/formats/safetensors.hpp"
#include "tests/common/paths.hpp"
#include "tests/formats/file_builders.hpp"
#include "tests/whisper/whisper_fixture.hpp"

using namespace vkflow;
using namespace vkflow::formats;
namespace fs = std::filesystem;

namespace {

struct Expect {
  fs::path path;
  std::string arch, layout;
  nlohmann::json variant;  // entries that must match
};

// `head` rebuilt at `dst` as header + zeros up to the original size.
fs::path from_head(const std::string& head, const fs::path& dst) {
  const fs::path dir = test::data_dir() / "formats" / "fixture_heads";
  std::ifstream sz(dir / "sizes.json");
  const uint64_t size = nlohmann::json::parse(sz)[head].get<uint64_t>();
  std::ifstream in(dir / head, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  bytes.resize(size, '\0');
  fs::create_directories(dst.parent_path());
  test::write_file(dst, bytes);
  return dst;
}

std::vector<Expect> fixtures() {
  const fs::path d = test::data_dir(), f = d / "formats", tmp = test::scratch_dir("fixture_models");
  fs::create_directories(tmp / "whisper_hf");
  fs::copy_file(f / "fixture_heads" / "whisper_tiny__hf__config.json", tmp / "whisper_hf" / "config.json");
  std::vector<Expect> e = {
      {d / "sd15" / "sd15_tiny.safetensors", "sd15", "ldm", {{"family", "sd1"}, {"has_vae", true}, {"has_text_encoder", true}}},
      {f / "flux_tiny_bf16.safetensors", "flux", "bfl", {{"flavor", "schnell"}, {"double_blocks", 1}, {"single_blocks", 2}}},
      {f / "flux_tiny-Q8_0-Q4_0.gguf", "flux", "bfl", {{"flavor", "schnell"}, {"gguf_architecture", "flux"}}},
      {f / "flux_tiny-sdcpp-q8_0.gguf", "flux", "bfl-prefixed", {{"flavor", "schnell"}, {"single_blocks", 2}}},
      {from_head("flux_tiny__t5_tiny_fp16.safetensors.head", tmp / "t5_tiny_fp16.safetensors"), "t5_encoder", "hf",
       {{"d_model", 16}, {"layers", 2}, {"gated", true}}},
      {from_head("flux_tiny__clip_l_tiny_fp16.safetensors.head", tmp / "clip_l_tiny_fp16.safetensors"), "clip_text", "hf",
       {{"layers", 2}, {"hidden_size", 16}}},
      {from_head("flux_tiny__ae_tiny.safetensors.head", tmp / "ae_tiny.safetensors"), "flux_ae", "ldm",
       {{"z_channels", 16}, {"has_encoder", true}, {"has_quant_conv", false}}},
      {f / "contentvec_tiny", "hubert", "hf", {{"hidden_size", 32}, {"layers", 2}, {"final_proj_dim", 16}}},
      {f / "rmvpe_tiny.pt", "rmvpe", "rvc", {{"n_classes", 360}}},
      {f / "rvc_tiny_v1_40k.pth", "rvc", "rvc", {{"version", "v1"}, {"f0", true}, {"speakers", 4}}},
      {f / "rvc_tiny_v1_40k.safetensors", "rvc", "rvc", {{"version", "v1"}}},
      {f / "rvc_tiny_v2_40k.pth", "rvc", "rvc", {{"version", "v2"}, {"f0", true}}},
      {from_head("rvc_tiny_v2_40k__rvc_tiny_v2_40k.safetensors.head", tmp / "rvc_tiny_v2_40k.safetensors"), "rvc", "rvc",
       {{"version", "v2"}}},
  };
  from_head("whisper_tiny__hf__model.safetensors.head", tmp / "whisper_hf" / "model.safetensors");
  e.push_back({tmp / "whisper_hf", "whisper", "hf", {{"n_mels", 80}, {"multilingual", true}, {"encoder_layers", 2}}});
  e.push_back({test::whisper_tiny_bin(), "whisper", "ggml", {{"n_mels", 80}, {"d_model", 64}, {"decoder_layers", 2}}});
  return e;
}

int run(const std::string& cmd, std::string* out) {
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  std::array<char, 4096> buf;
  for (size_t n; (n = fread(buf.data(), 1, buf.size(), p)) > 0;) out->append(buf.data(), n);
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

}  // namespace

TEST(FixtureModels, EveryKindLoadsAndIsDetected) {
  const auto list = fixtures();
  std::string cmd = (test::binary_dir() / "vkflow").string() + " inspect --json";
  for (const Expect& e : list) {
    SCOPED_TRACE(e.path.string());
    auto m = ModelFile::open(e.path);
    const Detection& d = m.detection();
    EXPECT_EQ(d.arch, e.arch);
    EXPECT_EQ(d.layout, e.layout);
    EXPECT_TRUE(d.supported()) << (d.problems.empty() ? "" : d.problems.front());
    for (auto& [k, v] : e.variant.items()) EXPECT_EQ(d.variant[k], v) << k;
    EXPECT_GT(m.weights().size(), 0u);
    // Every weight's bytes are readable at its offered type.
    std::vector<uint8_t> scratch;
    for (const WeightInfo& w : m.weights()) EXPECT_EQ(m.bytes(w, scratch).size(), w.nbytes) << w.name;
    cmd += " " + e.path.string();
  }
  if (!fs::exists(test::binary_dir() / "vkflow")) GTEST_SKIP() << "build the vkflow target for the inspect half";
  std::string out;
  ASSERT_EQ(run(cmd, &out), 0) << out;
  auto j = nlohmann::json::parse(out);
  ASSERT_EQ(j.size(), list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    EXPECT_EQ(j[i]["architecture"], list[i].arch) << list[i].path;
    EXPECT_EQ(j[i]["layout"], list[i].layout) << list[i].path;
    EXPECT_EQ(j[i]["problems"].size(), 0u) << list[i].path << ": " << j[i]["problems"].dump();
  }
}

TEST(FixtureModels, WeightNormAsParametrizationsFoldsLikeWeightGV) {
  // torch.nn.utils.parametrizations.weight_norm stores original0 (g) / original1 (v): the same
  // RVC voice saved that way must offer the same folded weights.
  auto gv = SafetensorsFile::open(test::data_dir() / "formats" / "rvc_tiny_v1_40k.safetensors");
  std::vector<test::RawTensor> ts;
  for (const TensorInfo& t : gv.tensors()) {
    std::string n = t.name;
    for (auto [from, to] : {std::pair{".weight_g", ".parametrizations.weight.original0"}, {".weight_v", ".parametrizations.weight.original1"}})
      if (n.ends_with(from)) n = n.substr(0, n.size() - std::string(from).size()) + to;
    auto b = gv.bytes(t);
    ts.push_back({n, t.dtype == DType::F16 ? "F16" : t.dtype == DType::F32 ? "F32" : "I64", t.shape, std::string(b.begin(), b.end())});
  }
  const fs::path p = test::scratch_dir("parametrizations") / "rvc_v1_param.safetensors";
  test::write_file(p, test::make_safetensors(ts));
  auto a = ModelFile::open(test::data_dir() / "formats" / "rvc_tiny_v1_40k.safetensors");
  auto b = ModelFile::open(p);
  ASSERT_EQ(a.weights().size(), b.weights().size());
  size_t folded = 0;
  for (const WeightInfo& w : a.weights()) {
    const WeightInfo& x = b.at(w.name);
    EXPECT_EQ(x.kind, w.kind) << w.name;
    EXPECT_EQ(x.shape, w.shape) << w.name;
    if (w.kind != WeightInfo::Kind::FoldWeightNorm) continue;
    ++folded;
    EXPECT_EQ(a.read_f32(w.name), b.read_f32(w.name)) << w.name;
  }
  EXPECT_GT(folded, 10u);
}
