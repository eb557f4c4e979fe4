// The fixture's real HF folder (transformers' save_pretrained: config.json, model.safetensors,
// vocab.json, ...), rebuilt byte for byte from the committed files (tests/whisper/hf_folder.hpp),
// holds the same weights as its whisper.cpp .bin, and its tokenizer files give Whisper's tokenizer.
#include <gtest/gtest.h>

#include "runtime/models/whisper/whisper_vocab.hpp"
#include "tests/whisper/whisper_fixture.hpp"

namespace vkflow::test {
namespace {

TEST(WhisperHfFolder, SameWeightsAndVocabularyAsTheBin) {
  const formats::ModelFile& bin = whisper_tiny("bin");
  const auto dir = scratch_dir("whisper_hf_folder");
  write_whisper_tiny_hf(bin, dir);
  EXPECT_EQ(fnv1a_file(dir / "model.safetensors"), kWhisperTinyHfModelFnv1a) << "not the fixture's file";
  const formats::ModelFile hf = formats::ModelFile::open(dir);
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
