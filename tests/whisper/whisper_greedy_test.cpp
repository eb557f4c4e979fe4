// Greedy decoding against openai-whisper's decoding.decode on the whisper_tiny fixture
// (language en, transcribe, temperature 0, with and without timestamps).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "runtime/core/error.hpp"
#include "runtime/models/whisper/whisper_decoding.hpp"
#include "runtime/models/whisper/whisper_logit_filters.hpp"
#include "tests/common/devices.hpp"
#include "tests/whisper/whisper_fixture.hpp"

namespace vkflow::test {
namespace {

using namespace models::whisper;

const text::WhisperTokenizer& tok() { return text::WhisperTokenizer::embedded(true); }

class WhisperGreedyTest : public ::testing::TestWithParam<std::string> {
 protected:
};

TEST_P(WhisperGreedyTest, MatchesOpenaiDecode) {
  const auto mel = whisper_mel_short();
  const auto want_plain = whisper_tokens("greedy_tokens_notimestamps");
  const auto want_ts = whisper_tokens("greedy_tokens_timestamps");
  for (Device* dev : test_devices()) {
    if (GetParam() == "hf" && dev->kind() != DeviceKind::Cpu) continue;  // loading only differs
    SCOPED_TRACE(dev->name());
    const WhisperModel m = WhisperModel::load(whisper_tiny(GetParam()), *dev);
    const Tensor enc = m.encode(Tensor::from_f32(*dev, {80, 3000}, mel));
    // Off the CPU (llvmpipe in CI) a short decode keeps the test fast: the first tokens of
    // the same greedy path must match exactly.
    DecodingOptions opt;
    const size_t n = dev->kind() == DeviceKind::Cpu ? want_plain.size() : 4;
    opt.sample_len = static_cast<int>(n);
    auto head = [n](const std::vector<int32_t>& v) { return std::vector<int32_t>(v.begin(), v.begin() + n); };
    opt.without_timestamps = true;
    const DecodingResult plain = decode(m, enc, tok(), opt);
    EXPECT_EQ(plain.tokens, head(want_plain));
    EXPECT_LT(plain.avg_logprob, 0.0);
    opt.without_timestamps = false;
    EXPECT_EQ(decode(m, enc, tok(), opt).tokens, head(want_ts));
  }
}

INSTANTIATE_TEST_SUITE_P(Layouts, WhisperGreedyTest, ::testing::Values("bin", "hf"));

TEST(WhisperLogitFilters, SuppressTokensParsing) {
  const auto s = parse_suppress_tokens("-1", tok());
  const auto ns = tok().non_speech_tokens();
  EXPECT_EQ(s.size(), ns.size() + 6);
  EXPECT_TRUE(std::binary_search(s.begin(), s.end(), tok().transcribe()));
  EXPECT_TRUE(std::binary_search(s.begin(), s.end(), tok().no_speech()));
  const auto plain = parse_suppress_tokens("5, 7", tok());
  EXPECT_EQ(plain.size(), 8u);
  EXPECT_EQ(plain[0], 5);
  EXPECT_THROW(parse_suppress_tokens("abc", tok()), Error);
  EXPECT_THROW(parse_suppress_tokens("-2", tok()), Error);
  EXPECT_THROW(parse_suppress_tokens("99999999", tok()), Error);
}

TEST(WhisperLogitFilters, TimestampRules) {
  const int32_t tb = tok().timestamp_begin(), eot = tok().eot();
  LogitFilters f;
  f.tok = &tok();
  f.sample_begin = 3;
  f.suppress_blank = true;
  f.timestamps = true;
  f.max_initial_timestamp_index = 50;
  const std::vector<int32_t> sot = tok().sot_sequence("en", "transcribe");
  auto allowed = [&](std::vector<int32_t> seq, std::vector<float> logits) {
    f.apply(logits, seq);
    std::vector<int32_t> ok;
    for (size_t i = 0; i < logits.size(); ++i)
      if (logits[i] != -INFINITY) ok.push_back(static_cast<int32_t>(i));
    return ok;
  };
  const std::vector<float> flat(tok().n_vocab(), 0.0f);
  // At the start only <|0.00|> .. <|1.00|> may follow.
  auto first = allowed(sot, flat);
  ASSERT_EQ(first.size(), 51u);
  EXPECT_EQ(first.front(), tb);
  EXPECT_EQ(first.back(), tb + 50);
  // After text + a single timestamp: another timestamp (>= it) or EOT, no text.
  std::vector<float> eot_high(flat);
  eot_high[eot] = 10.0f;  // above the timestamps' summed mass, so nothing is forced
  auto after_one = allowed({sot[0], sot[1], sot[2], tb + 2, 400, tb + 7}, eot_high);
  EXPECT_EQ(after_one.front(), eot);
  EXPECT_EQ(*std::lower_bound(after_one.begin(), after_one.end(), tb), tb + 7);
  // After a timestamp pair: no timestamp; text wins unless timestamps' mass beats it.
  auto after_pair = allowed({sot[0], sot[1], sot[2], tb + 2, 400, tb + 7, tb + 7}, eot_high);
  EXPECT_LT(after_pair.back(), tb);
  // Timestamps summing above the best text token force a timestamp.
  std::vector<float> tilt(flat);
  for (int32_t t = tb; t < tok().n_vocab(); ++t) tilt[t] = -2.0f;  // 1501 * e^-2 > e^0
  auto forced = allowed({sot[0], sot[1], sot[2], tb + 2, 400}, tilt);
  EXPECT_EQ(forced.front(), tb + 3);
}

}  // namespace
}  // namespace vkflow::test
