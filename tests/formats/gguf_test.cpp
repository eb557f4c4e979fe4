#include <gtest/gtest.h>

#include "runtime/core/error.hpp"
#include "runtime/formats/gguf.hpp"
#include "runtime/formats/model_file.hpp"
#include "runtime/formats/safetensors.hpp"
#include "tests/common/paths.hpp"

using namespace vkflow;
using namespace vkflow::formats;

TEST(Gguf, AllBlockTypesMatchRawBytes) {
  auto g = GgufFile::open(test::data_dir() / "formats/all_types.gguf");
  auto ref = SafetensorsFile::open(test::data_dir() / "gguf_quants/io.safetensors");
  EXPECT_EQ(g->version(), 3u);
  const char* types[] = {"F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"};
  for (const char* t : types) {
    std::string lower = t;
    for (auto& c : lower) c = static_cast<char>(std::tolower(c));
    const TensorInfo* ti = g->find(std::string("q.") + t);
    if (!ti) ti = g->find("q." + lower);
    ASSERT_NE(ti, nullptr) << t;
    EXPECT_EQ(ti->shape, (Shape{4, 512})) << t;  // ggml ne [512, 4] reversed
    EXPECT_EQ(ti->dtype, parse_dtype(t).value()) << t;
    auto raw = ref.bytes(ref.at(std::string("raw_") + t));
    auto got = g->bytes(*ti);
    ASSERT_EQ(got.size(), raw.size()) << t;
    EXPECT_EQ(0, std::memcmp(got.data(), raw.data(), raw.size())) << t;
  }
}

TEST(Gguf, BothFluxStylesLoadToTheSameCanonicalNames) {
  auto city = ModelFile::open(test::data_dir() / "formats/flux_tiny-Q8_0-Q4_0.gguf");
  auto sdcpp = ModelFile::open(test::data_dir() / "formats/flux_tiny-sdcpp-q8_0.gguf");
  auto bf16 = ModelFile::open(test::data_dir() / "formats/flux_tiny_bf16.safetensors");
  for (auto* m : {&city, &sdcpp, &bf16}) {
    EXPECT_EQ(m->detection().arch, arch::kFlux) << m->describe();
    EXPECT_EQ(m->detection().variant["flavor"], "schnell");
    EXPECT_EQ(m->detection().variant["double_blocks"], 1);
    EXPECT_EQ(m->detection().variant["single_blocks"], 2);
    EXPECT_EQ(m->weights().size(), 56u);
    EXPECT_TRUE(m->ignored().empty());
  }
  EXPECT_EQ(sdcpp.detection().prefix, "model.diffusion_model.");
  EXPECT_EQ(city.metadata()["general.architecture"], "flux");
  for (auto& w : bf16.weights()) {
    for (auto* m : {&city, &sdcpp}) {
      const WeightInfo* o = m->find(w.name);
      ASSERT_NE(o, nullptr) << w.name;
      EXPECT_EQ(o->shape, w.shape) << w.name;
    }
  }
  // Types as the writers chose them (case.json gguf_types).
  EXPECT_EQ(city.at("img_in.weight").dtype, DType::F16);
  EXPECT_EQ(city.at("img_in.bias").dtype, DType::F32);
  EXPECT_EQ(city.at("double_blocks.0.img_attn.qkv.weight").dtype, DType::Q8_0);
  EXPECT_EQ(city.at("double_blocks.0.img_mlp.0.weight").dtype, DType::Q4_0);
  EXPECT_EQ(sdcpp.at("double_blocks.0.img_attn.qkv.weight").dtype, DType::Q8_0);
  EXPECT_EQ(sdcpp.at("img_in.bias").dtype, DType::BF16);
  // Unquantized tensors agree exactly with the bf16 file (bf16 values are exact in f16/f32).
  for (const char* n : {"img_in.weight", "img_in.bias", "final_layer.linear.bias"}) {
    EXPECT_EQ(city.read_f32(n), bf16.read_f32(n)) << n;
  }
  EXPECT_EQ(sdcpp.read_f32("img_in.weight"), bf16.read_f32("img_in.weight"));
}
