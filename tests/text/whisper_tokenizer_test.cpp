// Whisper's tiktoken BPE and special tokens against openai-whisper on the fixture prompts.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runtime/core/error.hpp"
#include "runtime/text/byte_unicode.hpp"
#include "runtime/text/whisper_tokenizer.hpp"
#include "tests/text/tokenizer_cases.hpp"

using vkflow::text::WhisperTokenizer;

TEST(WhisperTokenizer, MultilingualIdsMatchOpenaiWhisper) {
  const auto& tok = WhisperTokenizer::embedded(true);
  for (const auto& c : vkflow::test::tokenizer_cases()["cases"]) {
    const auto text = c["text"].get<std::string>();
    const auto want = c["whisper_multilingual"].get<std::vector<int32_t>>();
    EXPECT_EQ(tok.encode(text), want) << text;
    EXPECT_EQ(tok.decode(want), text) << text;  // byte-exact round trip across multi-byte tokens
  }
}

TEST(WhisperTokenizer, Gpt2IdsMatchOpenaiWhisper) {
  const auto& tok = WhisperTokenizer::embedded(false);
  for (const auto& c : vkflow::test::tokenizer_cases()["cases"]) {
    const auto text = c["text"].get<std::string>();
    EXPECT_EQ(tok.encode(text), c["whisper_gpt2"].get<std::vector<int32_t>>()) << text;
  }
}

TEST(WhisperTokenizer, SpecialTokens99Languages) {
  const auto& w = vkflow::test::tokenizer_cases()["conventions"]["whisper_special"]["multilingual_99langs"];
  const auto& tok = WhisperTokenizer::embedded(true, WhisperTokenizer::num_languages_for(51865, true));
  EXPECT_EQ(tok.num_languages(), 99);
  EXPECT_EQ(tok.n_vocab(), 51865);
  EXPECT_EQ(tok.eot(), w["eot"].get<int32_t>());
  EXPECT_EQ(tok.sot(), w["sot"].get<int32_t>());
  EXPECT_EQ(tok.language_token("en"), w["en"].get<int32_t>());
  EXPECT_EQ(tok.language_token("english"), w["en"].get<int32_t>());
  EXPECT_EQ(tok.transcribe(), w["transcribe"].get<int32_t>());
  EXPECT_EQ(tok.translate(), w["translate"].get<int32_t>());
  EXPECT_EQ(tok.sot_prev(), w["sot_prev"].get<int32_t>());
  EXPECT_EQ(tok.sot_lm(), w["sot_lm"].get<int32_t>());
  EXPECT_EQ(tok.no_speech(), w["no_speech"].get<int32_t>());
  EXPECT_EQ(tok.no_timestamps(), w["no_timestamps"].get<int32_t>());
  EXPECT_EQ(tok.timestamp_begin(), w["timestamp_begin"].get<int32_t>());
  EXPECT_EQ(tok.sot_sequence("en", "transcribe"), w["sot_sequence"].get<std::vector<int32_t>>());
  EXPECT_EQ(tok.non_speech_tokens(), w["non_speech_tokens"].get<std::vector<int32_t>>());
  EXPECT_THROW(tok.language_token("yue"), vkflow::Error);  // only large-v3 has Cantonese
}

TEST(WhisperTokenizer, SpecialTokensLargeV3) {
  const auto& w = vkflow::test::tokenizer_cases()["conventions"]["whisper_special"]["large_v3_100langs"];
  const auto& tok = WhisperTokenizer::embedded(true, WhisperTokenizer::num_languages_for(51866, true));
  EXPECT_EQ(tok.n_vocab(), 51866);
  EXPECT_EQ(tok.eot(), w["eot"].get<int32_t>());
  EXPECT_EQ(tok.sot(), w["sot"].get<int32_t>());
  EXPECT_EQ(tok.transcribe(), w["transcribe"].get<int32_t>());
  EXPECT_EQ(tok.translate(), w["translate"].get<int32_t>());
  EXPECT_EQ(tok.no_timestamps(), w["no_timestamps"].get<int32_t>());
  EXPECT_EQ(tok.timestamp_begin(), w["timestamp_begin"].get<int32_t>());
  EXPECT_EQ(tok.sot_sequence("en", "transcribe"), w["sot_sequence"].get<std::vector<int32_t>>());
  EXPECT_EQ(tok.language_token("yue"), tok.sot() + 100);
}

TEST(WhisperTokenizer, EnglishOnlyLayoutAndDecoding) {
  const auto& tok = WhisperTokenizer::embedded(false, WhisperTokenizer::num_languages_for(51864, false));
  EXPECT_EQ(tok.eot(), 50256);
  EXPECT_EQ(tok.n_vocab(), 51864);
  EXPECT_EQ(tok.no_timestamps(), 50362);
  EXPECT_EQ(tok.token_text(tok.timestamp_begin() + 54), "<|1.08|>");
  const auto ids = tok.encode(" hello");
  std::vector<int32_t> with_ts{tok.timestamp_begin()};
  with_ts.insert(with_ts.end(), ids.begin(), ids.end());
  with_ts.push_back(tok.timestamp_begin() + 1500);
  EXPECT_EQ(tok.decode(with_ts), " hello");
  EXPECT_EQ(tok.decode_with_timestamps(with_ts), "<|0.00|> hello<|30.00|>");
  EXPECT_THROW(tok.token_text(tok.n_vocab()), vkflow::Error);
}

TEST(WhisperTokenizer, SplitMultiByteCharactersDecodeWithReplacement) {
  const auto& tok = WhisperTokenizer::embedded(true);
  const auto ids = tok.encode("😀");  // one emoji, several byte tokens
  ASSERT_GT(ids.size(), 1u);
  EXPECT_EQ(tok.decode(ids), "😀");
  EXPECT_EQ(tok.decode({ids[0]}), "\xEF\xBF\xBD");  // a lone lead byte -> U+FFFD
}

TEST(WhisperTokenizer, FromTokenListAndBadFiles) {
  std::vector<std::string> bytes;
  for (int b = 0; b < 256; ++b) bytes.emplace_back(1, static_cast<char>(b));
  bytes.push_back("ab");
  WhisperTokenizer tok(bytes, 99);
  EXPECT_EQ(tok.encode("abc"), (std::vector<int32_t>{256, 'c'}));
  EXPECT_EQ(tok.eot(), 257);
  EXPECT_THROW(WhisperTokenizer::from_tiktoken("IQ== 5\n", 99, "x"), vkflow::FormatError);
  EXPECT_THROW(WhisperTokenizer::from_tiktoken("!!! 0\n", 99, "x"), vkflow::FormatError);
  EXPECT_THROW(WhisperTokenizer({"a"}, 99), vkflow::Error);
  EXPECT_THROW(WhisperTokenizer::num_languages_for(1000, true), vkflow::Error);
}

TEST(WhisperTokenizer, FromHfVocabAndModelVocabulary) {
  // A HF vocab.json spells bytes with GPT-2's table: byte 0x20 is "Ġ", 0x0A is "Ċ".
  nlohmann::json v;
  for (int b = 0; b < 256; ++b) v[vkflow::text::bytes_to_unicode_text(std::string(1, static_cast<char>(b)))] = b;
  v["\u0120hi"] = 256;  // " hi"
  const auto tok = WhisperTokenizer::from_hf_vocab(v.dump(), 99, "vocab.json");
  EXPECT_EQ(tok.encode(" hi\n"), (std::vector<int32_t>{256, '\n'}));
  EXPECT_EQ(tok.eot(), 257);
  EXPECT_THROW(WhisperTokenizer::from_hf_vocab(R"({"a": 3})", 99, "v"), vkflow::FormatError);

  // whisper.cpp's .bin vocabulary: the 50257 multilingual tokens, n_vocab 51866 -> large-v3.
  const auto& ref = WhisperTokenizer::embedded(true);
  std::vector<std::string> tokens;
  for (int32_t id = 0; id < ref.eot(); ++id) tokens.push_back(ref.token_text(id));
  const auto v3 = WhisperTokenizer::for_model(tokens, 51866);
  EXPECT_EQ(v3.num_languages(), 100);
  EXPECT_EQ(v3.no_timestamps(), 50364);
  EXPECT_EQ(v3.encode("hello world"), ref.encode("hello world"));
  EXPECT_THROW(WhisperTokenizer::for_model(tokens, 51864), vkflow::FormatError);
}
