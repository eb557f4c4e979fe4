#include <gtest/gtest.h>

#include "runtime/core/error.hpp"
#include "runtime/formats/model_file.hpp"
#include "runtime/formats/safetensors_sharded.hpp"
#include "tests/common/paths.hpp"
#include "tests/formats/file_builders.hpp"

using namespace vkflow;
using namespace vkflow::formats;

namespace {
void write_st(const std::filesystem::path& p, const std::string& header, const std::string& data) {
  test::Bytes b;
  b.put<uint64_t>(header.size()).raw(header).raw(data);
  test::write_file(p, b.b);
}
}  // namespace

TEST(ShardedSafetensors, JoinsShardsAndUpcastsF8) {
  auto dir = test::scratch_dir("sharded");
  // Shard 1: F8_E4M3 [4] = 1, -2, 448, 2^-9; shard 2: F8_E5M2 [2] = 1, 57344, and F32 [1].
  write_st(dir / "m-00001-of-00002.safetensors",
           R"({"text_model.encoder.layers.0.self_attn.q_proj.weight":{"dtype":"F8_E4M3","shape":[2,2],"data_offsets":[0,4]}})",
           std::string("\x38\xc0\x7e\x01", 4));
  write_st(dir / "m-00002-of-00002.safetensors",
           R"({"text_model.embeddings.token_embedding.weight":{"dtype":"F8_E5M2","shape":[1,2],"data_offsets":[0,2]},"b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}})",
           std::string("\x3c\x7b\x00\x00\x80\x3f", 6));
  test::write_file(dir / "model.safetensors.index.json",
                   R"({"metadata":{"total_size":10},"weight_map":{"text_model.encoder.layers.0.self_attn.q_proj.weight":"m-00001-of-00002.safetensors",
                     "text_model.embeddings.token_embedding.weight":"m-00002-of-00002.safetensors","b":"m-00002-of-00002.safetensors"}})");
  auto s = ShardedSafetensors::open(dir / "model.safetensors.index.json");
  EXPECT_EQ(s->tensors().size(), 3u);
  EXPECT_EQ(s->files().size(), 2u);
  EXPECT_EQ(s->read_f32(s->at("b")), std::vector<float>{1.0f});

  auto m = ModelFile::open(dir);  // the folder: finds the index
  EXPECT_EQ(m.detection().arch, arch::kClip);
  const WeightInfo& q = m.at("text_model.encoder.layers.0.self_attn.q_proj.weight");
  EXPECT_EQ(q.kind, WeightInfo::Kind::UpcastF8);
  EXPECT_EQ(q.dtype, DType::F16);
  EXPECT_EQ(m.read_f32(q.name), (std::vector<float>{1.0f, -2.0f, 448.0f, std::ldexp(1.0f, -9)}));
  EXPECT_EQ(m.read_f32("text_model.embeddings.token_embedding.weight"), (std::vector<float>{1.0f, 57344.0f}));

  // Hostile indexes: a shard outside the folder, a tensor in the wrong shard, a missing one.
  test::write_file(dir / "bad1.index.json", R"({"weight_map":{"b":"../../etc/passwd"}})");
  EXPECT_THROW(ShardedSafetensors::open(dir / "bad1.index.json"), FormatError);
  test::write_file(dir / "bad2.index.json", R"({"weight_map":{"b":"m-00001-of-00002.safetensors"}})");
  EXPECT_THROW(ShardedSafetensors::open(dir / "bad2.index.json"), FormatError);
  test::write_file(dir / "bad3.index.json", R"({"weight_map":{"zz":"m-00002-of-00002.safetensors","b":"m-00002-of-00002.safetensors","text_model.embeddings.token_embedding.weight":"m-00002-of-00002.safetensors"}})");
  EXPECT_THROW(ShardedSafetensors::open(dir / "bad3.index.json"), FormatError);
  test::write_file(dir / "bad4.index.json", R"([1])");
  EXPECT_THROW(ShardedSafetensors::open(dir / "bad4.index.json"), FormatError);
}
