// The fixture's real HF folder (transformers' save_pretrained: config.json, model.safetensors,
// vocab.json, ...) holds the same weights as its whisper.cpp .bin, and its tokenizer files give
// Whisper's tokenizer. Like the .bin, the 7 MB folder is not committed: it is read from
// tests/data/whisper/hf when copied there, else from the shared fixtures beside the checkout.
#include <gtest/gtest.h>

#include "runtime/models/whisper/whisper_vocab.hpp"
#include "tests/whisper/whisper_fixture.hpp"

namespace vkflow::test {
namespace {

std::filesystem::path whisper_tiny_hf_dir() {
  for (const auto& p : {data_dir() / "whisper" / "hf", source_dir() / ".." / "shared" / "fixtures" / "whisper_tiny" / "hf"})
    if (std::filesystem::exists(p / "model.safetensors")) return p;
  return {};
}

TEST(WhisperHfFolder, SameWeightsAndVocabularyAsTheBin) {
  VKFLOW_REQUIRE_WHISPER_TINY();
  const auto dir = whisper_tiny_hf_dir();
  if (dir.empty()) GTEST_SKIP() << "whisper_tiny hf/ folder not found";
  const formats::ModelFile hf = formats::ModelFile::open(dir);
  const formats::ModelFile& bin = whisper_tiny("bin");
  EXPECT_EQ(hf.detection().arch, formats::arch::kWhisper);
  size_t compared = 0;
  for (const auto& w : bin.weights()) {
    if (w.name == "mel_filters") continue;
    const formats::WeightInfo* h = hf.find(w.name);
    ASSERT_NE(h, nullptr) << w.name;
    EXPECT_EQ(h->shape, w.shape) << w.name;
    EXPECT_EQ(hf.read_f32(w.name), bin.read_f32(w.name)) << w.name;
    ++compared;
  }
  EXPECT_EQ(compared, hf.weights().size());
  const auto tok = models::whisper::tokenizer_for(hf, dir);
  EXPECT_EQ(tok->n_vocab(), 51865);
  const auto& ref = text::WhisperTokenizer::embedded(true);
  for (const char* s : {" Hello world.", " Grüße, 東京!", " <|endoftext|> 123"}) EXPECT_EQ(tok->encode(s), ref.encode(s)) << s;
}

}  // namespace
}  // namespace vkflow::test
