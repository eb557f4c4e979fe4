#include <gtest/gtest.h>

#include "runtime/core/convert.hpp"
#include "runtime/formats/model_file.hpp"
#include "runtime/formats/whisper_bin.hpp"
#include "tests/common/paths.hpp"
#include "tests/formats/file_builders.hpp"

using namespace vkflow;
using namespace vkflow::formats;

namespace {
// A tiny whisper.cpp file laid out as convert-pt-to-ggml.py writes it.
std::string tiny_whisper_bin() {
  test::Bytes b;
  b.put<uint32_t>(0x67676d6c);
  // n_vocab, audio ctx/state/head/layer, text ctx/state/head/layer, n_mels, ftype
  for (int v : {51865, 1500, 8, 2, 1, 448, 8, 2, 1, 80, 1}) b.put<int32_t>(v);
  b.put<int32_t>(80).put<int32_t>(201);
  for (int i = 0; i < 80 * 201; ++i) b.put<float>(static_cast<float>(i));
  b.put<int32_t>(3);
  for (std::string t : {"!", "\"", "\xc4\xa0the"}) b.put<uint32_t>(static_cast<uint32_t>(t.size())).raw(t);
  auto tensor = [&](const std::string& name, std::vector<int32_t> ne, int32_t type) {
    b.put<int32_t>(static_cast<int32_t>(ne.size())).put<int32_t>(static_cast<int32_t>(name.size())).put<int32_t>(type);
    int64_t n = 1;
    for (int32_t d : ne) { b.put<int32_t>(d); n *= d; }
    b.raw(name);
    for (int64_t i = 0; i < n; ++i) {
      if (type == 0) b.put<float>(0.5f * static_cast<float>(i));
      else b.put<uint16_t>(f32_to_f16(0.25f * static_cast<float>(i % 64)));
    }
  };
  tensor("encoder.conv1.weight", {3, 80, 8}, 1);  // ne order: PyTorch [8, 80, 3]
  tensor("encoder.conv1.bias", {1, 8}, 0);        // [8, 1] as whisper.cpp stores it
  tensor("decoder.token_embedding.weight", {8, 51865}, 1);
  return b.b;
}
}  // namespace

TEST(WhisperBin, ReadsHparamsMelVocabAndTensors) {
  auto p = test::scratch_dir("whisper_bin") / "ggml-tiny-test.bin";
  test::write_file(p, tiny_whisper_bin());
  auto f = WhisperBinFile::open(p);
  EXPECT_EQ(f->hparams().n_mels, 80);
  EXPECT_EQ(f->hparams().n_vocab, 51865);
  ASSERT_EQ(f->vocab().size(), 3u);
  EXPECT_EQ(f->vocab()[2], "\xc4\xa0the");
  auto mel = f->read_f32(f->at("mel_filters"));
  EXPECT_EQ(f->at("mel_filters").shape, (Shape{80, 201}));
  EXPECT_EQ(mel[201 * 3 + 7], static_cast<float>(201 * 3 + 7));
  EXPECT_EQ(f->at("encoder.conv1.weight").shape, (Shape{8, 80, 3}));
  EXPECT_EQ(f->at("encoder.conv1.weight").dtype, DType::F16);

  auto m = ModelFile::open(p);
  EXPECT_EQ(m.detection().arch, arch::kWhisper);
  EXPECT_EQ(m.detection().layout, "ggml");
  EXPECT_EQ(m.detection().variant["multilingual"], true);
  EXPECT_EQ(m.at("encoder.conv1.bias").shape, (Shape{8}));  // canonical: openai-whisper's [n]
  EXPECT_EQ(m.read_f32("encoder.conv1.bias")[3], 1.5f);
  EXPECT_EQ(m.read_f32("encoder.conv1.weight")[5], 1.25f);
}
