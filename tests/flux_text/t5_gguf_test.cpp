// T5 from a GGUF with llama.cpp's encoder names (city96's t5-v1_1-xxl-encoder-*.gguf layout):
// the tiny fixture's weights rewritten under those names must load as the same model. Block
// matrices with 32-multiple rows go in as Q8_0 (ggml's reference quantizer, reimplemented
// below) to exercise the quantized linear path.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>

#include "runtime/core/convert.hpp"
#include "runtime/models/t5/t5_encoder.hpp"
#include "tests/flux_text/fixture.hpp"

namespace vkflow::models {
namespace {

struct GgufTensor {
  std::string name;
  std::vector<int64_t> shape;  // outermost first
  uint32_t ggml_type;          // 0 F32, 1 F16, 8 Q8_0
  std::string bytes;
};

void write_gguf(const std::filesystem::path& p, const std::vector<GgufTensor>& ts) {
  std::string b;
  auto u32 = [&](uint32_t v) { b.append(reinterpret_cast<const char*>(&v), 4); };
  auto u64 = [&](uint64_t v) { b.append(reinterpret_cast<const char*>(&v), 8); };
  auto str = [&](const std::string& s) { u64(s.size()); b += s; };
  b += "GGUF";
  u32(3);
  u64(ts.size());
  u64(1);
  str("general.architecture");
  u32(8);
  str("t5encoder");
  uint64_t off = 0;
  for (const auto& t : ts) {
    str(t.name);
    u32(static_cast<uint32_t>(t.shape.size()));
    for (auto it = t.shape.rbegin(); it != t.shape.rend(); ++it) u64(static_cast<uint64_t>(*it));
    u32(t.ggml_type);
    u64(off);
    off += (t.bytes.size() + 31) / 32 * 32;
  }
  b.resize((b.size() + 31) / 32 * 32, '\0');
  for (const auto& t : ts) {
    b += t.bytes;
    b.resize((b.size() + 31) / 32 * 32, '\0');
  }
  std::ofstream(p, std::ios::binary) << b;
}

// ggml quantize_row_q8_0_ref: per 32 values d = amax / 127 (stored f16), q = round(x / d).
std::string q8_0(const std::vector<float>& x) {
  std::string out;
  for (size_t i = 0; i < x.size(); i += 32) {
    float amax = 0;
    for (size_t j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[i + j]));
    const float d = amax / 127.0f, id = d ? 1.0f / d : 0.0f;
    const uint16_t dh = f32_to_f16(d);
    out.append(reinterpret_cast<const char*>(&dh), 2);
    for (size_t j = 0; j < 32; ++j) out.push_back(static_cast<char>(static_cast<int8_t>(std::lround(x[i + j] * id))));
  }
  return out;
}

std::string f16_bytes(const std::vector<float>& x) {
  std::string out(x.size() * 2, '\0');
  for (size_t i = 0; i < x.size(); ++i) {
    const uint16_t h = f32_to_f16(x[i]);
    std::memcpy(out.data() + 2 * i, &h, 2);
  }
  return out;
}

// The HF name of each llama.cpp name part, as ComfyUI-GGUF and llama.cpp map them.
const std::map<std::string, std::string> kHfPart = {
    {"attn_q", "layer.0.SelfAttention.q"},       {"attn_k", "layer.0.SelfAttention.k"},
    {"attn_v", "layer.0.SelfAttention.v"},       {"attn_o", "layer.0.SelfAttention.o"},
    {"attn_rel_b", "layer.0.SelfAttention.relative_attention_bias"},
    {"attn_norm", "layer.0.layer_norm"},         {"ffn_norm", "layer.1.layer_norm"},
    {"ffn_gate", "layer.1.DenseReluDense.wi_0"}, {"ffn_up", "layer.1.DenseReluDense.wi_1"},
    {"ffn_down", "layer.1.DenseReluDense.wo"},
};

std::filesystem::path llama_named_t5(bool quantize) {
  const auto& src = test::flux_t5_file();
  std::vector<GgufTensor> ts;
  auto add = [&](const std::string& llama, const std::string& hf, bool f32) {
    const formats::WeightInfo& w = src.at(hf);
    const std::vector<float> v = src.read_f32(hf);
    const bool q = quantize && !f32 && w.shape.size() == 2 && w.shape[1] % 32 == 0;
    ts.push_back({llama, w.shape, q ? 8u : f32 ? 0u : 1u, q ? q8_0(v) : f32 ? std::string(reinterpret_cast<const char*>(v.data()), v.size() * 4) : f16_bytes(v)});
  };
  add("token_embd.weight", "shared.weight", false);
  for (int b = 0; b < 2; ++b)
    for (const auto& [llama, hf] : kHfPart) {
      if (llama == "attn_rel_b" && b != 0) continue;
      const bool norm = llama.find("norm") != std::string::npos;
      add("enc.blk." + std::to_string(b) + "." + llama + ".weight",
          "encoder.block." + std::to_string(b) + "." + hf + ".weight", norm || llama == "attn_rel_b");
    }
  add("enc.output_norm.weight", "encoder.final_layer_norm.weight", true);
  const auto p = test::scratch_dir("flux_text") / (quantize ? "t5_tiny-q8_0.gguf" : "t5_tiny-f16.gguf");
  write_gguf(p, ts);
  return p;
}

TEST(T5Gguf, LlamaNamesLoadAsTheSameModel) {
  const auto m = formats::ModelFile::open(llama_named_t5(false));
  EXPECT_EQ(m.detection().arch, formats::arch::kT5);
  EXPECT_EQ(m.detection().layout, "gguf-llama");
  EXPECT_TRUE(m.ignored().empty());
  const std::vector<int64_t> ids = test::flux_ids("t5_input_ids");
  for (Device* dev : test::test_devices()) {
    SCOPED_TRACE(dev->name());
    T5Encoder t5(m, *dev, t5_prefix_in(m));
    EXPECT_EQ(t5.config().layers, 2);
    test::expect_flux_matches(t5.encode(ids, 2), "t5_last_hidden_state");
  }
}

TEST(T5Gguf, Q8_0FeedForwardStaysClose) {
  const auto m = formats::ModelFile::open(llama_named_t5(true));
  EXPECT_EQ(m.at("encoder.block.1.layer.1.DenseReluDense.wo.weight").dtype, DType::Q8_0);
  const std::vector<int64_t> ids = test::flux_ids("t5_input_ids");
  for (Device* dev : test::test_devices()) {
    SCOPED_TRACE(dev->name());
    T5Encoder t5(m, *dev);
    EXPECT_EQ(t5.weight_bytes(), T5Encoder::estimate_weight_bytes(m, *dev));
    // 8-bit weights: about 1/256 of each block's range per weight (ggml's own Q8_0 error).
    test::expect_flux_matches(t5.encode(ids, 2), "t5_last_hidden_state", 2e-2f);
  }
}

}  // namespace
}  // namespace vkflow::models
