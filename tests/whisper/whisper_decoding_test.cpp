// Beam search, sampling, language detection, temperature fallback and seeking on the
// whisper_tiny fixture model. Its random weights make the text garbage, so these check
// behaviour: beam candidates scored exactly as a fresh decoder scores them, fallback taken
// when forced, 30-s windows advancing through a 37-s clip.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "runtime/core/error.hpp"
#include "runtime/dsp/audio_file.hpp"
#include "runtime/models/whisper/whisper_decoder.hpp"
#include "runtime/models/whisper/whisper_decoding.hpp"
#include "runtime/models/whisper/whisper_logit_filters.hpp"
#include "runtime/models/whisper/whisper_transcribe.hpp"
#include "runtime/models/whisper/whisper_vocab.hpp"
#include "tests/common/devices.hpp"
#include "tests/whisper/whisper_fixture.hpp"

namespace vkflow::test {
namespace {

using namespace models::whisper;

const text::WhisperTokenizer& tok() { return text::WhisperTokenizer::embedded(true); }

class WhisperDecodingTest : public ::testing::Test {
 protected:
  Device& cpu() { return *test_devices().front(); }
  const WhisperModel& model() {
    static const WhisperModel m = WhisperModel::load(whisper_tiny("bin"), *test_devices().front());
    return m;
  }
  const Tensor& features() {
    static const Tensor f = model().encode(Tensor::from_f32(cpu(), {80, 3000}, whisper_mel_short()));
    return f;
  }
};

// Log-probabilities of `sampled` after `initial` from one fresh decoder pass, filtered as
// decode() filters without timestamps.
std::vector<double> teacher_forced(const WhisperModel& m, const Tensor& features, const std::vector<int32_t>& initial,
                                   const std::vector<int32_t>& sampled) {
  LogitFilters f;
  f.tok = &tok();
  f.sample_begin = initial.size();
  f.suppress = parse_suppress_tokens("-1", tok());
  std::vector<int32_t> seq = initial;
  seq.insert(seq.end(), sampled.begin(), sampled.end() - 1);
  WhisperDecoder dec(m, features);
  const std::vector<float> all = dec.forward(seq).to_f32();
  const size_t V = static_cast<size_t>(m.hparams().n_vocab);
  std::vector<double> out;
  for (size_t i = 0; i < sampled.size(); ++i) {
    const size_t row = initial.size() - 1 + i;
    std::vector<float> logits(all.begin() + row * V, all.begin() + (row + 1) * V);
    f.apply(logits, std::vector<int32_t>(seq.begin(), seq.begin() + static_cast<std::ptrdiff_t>(row + 1)));
    out.push_back(log_softmax(logits)[sampled[i]]);
  }
  return out;
}

TEST_F(WhisperDecodingTest, BeamCandidatesAreScoredAsAFreshDecoderScoresThem) {
  DecodingOptions opt;
  opt.without_timestamps = true;
  opt.sample_len = 6;
  opt.beam_size = 4;
  const DecodingResult beam = decode(model(), features(), tok(), opt);
  ASSERT_EQ(beam.tokens.size(), beam.token_logprobs.size());
  ASSERT_FALSE(beam.tokens.empty());
  std::vector<int32_t> initial = tok().sot_sequence("en", "transcribe");
  initial.push_back(tok().no_timestamps());
  // Forked KV caches must give what one pass over the whole sequence gives.
  const auto want = teacher_forced(model(), features(), initial, beam.tokens);
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(beam.token_logprobs[i], want[i], 1e-4) << "token " << i;
  EXPECT_NEAR(beam.sum_logprob, std::accumulate(want.begin(), want.end(), 0.0), 1e-3);
  EXPECT_NEAR(beam.avg_logprob, beam.sum_logprob / (beam.tokens.size() + 1), 1e-9);

  // The batched beam step on the other devices (the CPU's encoder output uploaded, so no
  // slow encoder run on llvmpipe): same tokens, same scores.
  for (Device* dev : test_devices()) {
    if (dev->kind() == DeviceKind::Cpu) continue;
    SCOPED_TRACE(dev->name());
    const WhisperModel m = WhisperModel::load(whisper_tiny("bin"), *dev);
    const Tensor f = Tensor::from_f32(*dev, {1, 1500, 64}, features().to_f32());
    DecodingOptions short_opt = opt;
    short_opt.sample_len = 3;
    const DecodingResult cpu_r = decode(model(), features(), tok(), short_opt);
    const DecodingResult dev_r = decode(m, f, tok(), short_opt);
    EXPECT_EQ(dev_r.tokens, cpu_r.tokens);
    EXPECT_NEAR(dev_r.sum_logprob, cpu_r.sum_logprob, 1e-2);
  }

  // Greedy through the same code path is still openai-whisper's greedy decode.
  opt.beam_size = 0;
  const auto want_greedy = whisper_tokens("greedy_tokens_notimestamps");
  EXPECT_EQ(decode(model(), features(), tok(), opt).tokens, std::vector<int32_t>(want_greedy.begin(), want_greedy.begin() + 6));
}

TEST_F(WhisperDecodingTest, BestOfSamplingIsReproducibleAndRanked) {
  DecodingOptions opt;
  opt.without_timestamps = true;
  opt.sample_len = 5;
  opt.temperature = 1.0;
  opt.best_of = 3;
  opt.seed = 11;
  const DecodingResult a = decode(model(), features(), tok(), opt);
  const DecodingResult b = decode(model(), features(), tok(), opt);
  EXPECT_EQ(a.tokens, b.tokens);
  EXPECT_DOUBLE_EQ(a.temperature, 1.0);
  std::vector<int32_t> initial = tok().sot_sequence("en", "transcribe");
  initial.push_back(tok().no_timestamps());
  const auto want = teacher_forced(model(), features(), initial, a.tokens);
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(a.token_logprobs[i], want[i], 1e-4);
}

TEST_F(WhisperDecodingTest, LanguageDetectionAndPrompt) {
  const auto langs = detect_language(model(), features(), tok());
  ASSERT_EQ(langs.size(), 99u);
  double total = 0;
  for (const auto& [code, p] : langs) total += p;
  EXPECT_NEAR(total, 1.0, 1e-6);
  EXPECT_GE(langs[0].second, langs[1].second);
  DecodingOptions opt;
  opt.language = "";
  opt.sample_len = 2;
  opt.prompt = std::vector<int32_t>(500, tok().encode(" hello").front());  // only the last 223 are used
  const DecodingResult r = decode(model(), features(), tok(), opt);
  EXPECT_EQ(r.language, langs[0].first);
  EXPECT_GE(r.no_speech_prob, 0.0);
  EXPECT_LE(r.no_speech_prob, 1.0);
  opt.language = "german";
  EXPECT_EQ(decode(model(), features(), tok(), opt).language, "de");
}

TEST_F(WhisperDecodingTest, FallbackRaisesTheTemperatureWhenForced) {
  TranscribeOptions o;
  o.decode.without_timestamps = true;
  o.decode.sample_len = 6;
  o.decode.best_of = 2;
  o.logprob_threshold.reset();
  o.no_speech_threshold.reset();
  o.compression_ratio_threshold = 1e9;  // nothing is that repetitive: the first temperature stands
  EXPECT_DOUBLE_EQ(decode_with_fallback(model(), features(), tok(), o).temperature, 0.0);
  o.compression_ratio_threshold = 1e-9;  // every non-empty text is "too repetitive"
  const DecodingResult r = decode_with_fallback(model(), features(), tok(), o);
  ASSERT_FALSE(r.text.empty());
  EXPECT_GT(r.compression_ratio, 0.0);
  EXPECT_DOUBLE_EQ(r.temperature, 1.0);  // every temperature tried; the last result kept
}

TEST(WhisperFallback, Rules) {
  TranscribeOptions o;  // 2.4, -1, 0.6 as openai-whisper
  DecodingResult r;
  r.compression_ratio = 1.5;
  r.avg_logprob = -0.5;
  r.no_speech_prob = 0.1;
  EXPECT_FALSE(needs_fallback(r, o));
  EXPECT_FALSE(is_silent(r, o));
  r.compression_ratio = 2.5;
  EXPECT_TRUE(needs_fallback(r, o));
  r.compression_ratio = 1.5;
  r.avg_logprob = -1.5;
  EXPECT_TRUE(needs_fallback(r, o));
  r.no_speech_prob = 0.7;  // silent with a low logprob: no retry, and the window is skipped
  EXPECT_FALSE(needs_fallback(r, o));
  EXPECT_TRUE(is_silent(r, o));
  r.avg_logprob = -0.5;  // confident text is never silence
  EXPECT_FALSE(is_silent(r, o));
  EXPECT_NEAR(compression_ratio(std::string(1000, 'a')), 1000.0 / 17.0, 1e-9);  // python: len(zlib.compress(b"a" * 1000)) == 17
  EXPECT_EQ(compression_ratio(""), 0.0);
}

TEST(WhisperSeek, AdvancesToTheLastTimestampPair) {
  const int32_t tb = tok().timestamp_begin();
  const auto text = tok().encode(" hi");
  auto cat = [](std::initializer_list<std::vector<int32_t>> parts) {
    std::vector<int32_t> out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
  };
  // Mid-speech: the next window starts at the last pair's time (<|5.00|> = 250 x 2 frames).
  EXPECT_EQ(seek_advance(cat({{tb}, text, {tb + 250, tb + 250}, text}), tok(), 3000), 500);
  // A single timestamp at the end, or no pair at all: the whole window.
  EXPECT_EQ(seek_advance(cat({{tb}, text, {tb + 250, tb + 250}, text, {tb + 400}}), tok(), 3000), 3000);
  EXPECT_EQ(seek_advance(cat({{tb}, text}), tok(), 2500), 2500);
}

TEST_F(WhisperDecodingTest, LongAudioIsTranscribedInWindows) {
  const std::vector<float> audio = dsp::load_audio_16k_mono(data_dir() / "dsp" / "speech_35s.wav");
  TranscribeOptions o;
  o.decode.without_timestamps = true;  // each window then advances by its full length
  o.decode.sample_len = 4;
  o.temperatures = {0.0};
  o.no_speech_threshold.reset();
  // openai: frames of the clip padded with 30 s, less the 3000 of the padding (36.96 s here).
  const int64_t frames = static_cast<int64_t>((audio.size() + 480000) / 160) - 3000;
  ASSERT_EQ(frames, 3696);
  std::vector<int64_t> progress;
  o.progress = [&](int64_t done, int64_t total) {
    progress.push_back(done);
    EXPECT_EQ(total, frames);
  };
  const Transcript t = transcribe(model(), tok(), audio, o);
  EXPECT_EQ(progress, (std::vector<int64_t>{3000, frames}));
  ASSERT_EQ(t.segments.size(), 2u);
  EXPECT_EQ(t.segments[0].seek, 0);
  EXPECT_EQ(t.segments[1].seek, 3000);
  EXPECT_DOUBLE_EQ(t.segments[1].start, 30.0);
  EXPECT_NEAR(t.segments[1].end, 36.96, 1e-9);
  EXPECT_NEAR(t.duration, 36.96, 1e-9);
  EXPECT_EQ(t.language, "en");
  for (const auto& s : t.segments)
    for (const auto& ti : s.token_info) {
      EXPECT_GT(ti.prob, 0.0f);
      EXPECT_LE(ti.prob, 1.0f);
      EXPECT_GE(ti.start, s.start);
      EXPECT_LE(ti.end, s.end + 1e-9);
    }

  // With timestamps the windows still cover the clip, each starting where the last ended.
  o.decode.without_timestamps = false;
  o.decode.sample_len = 8;
  progress.clear();
  const Transcript ts = transcribe(model(), tok(), audio, o);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), frames);
  EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));
  EXPECT_THROW(
      [&] {
        TranscribeOptions bad = o;
        bad.decode.language = "xx";
        transcribe(model(), tok(), audio, bad);
      }(),
      Error);
}

TEST_F(WhisperDecodingTest, TokenizerFromTheModelFiles) {
  const auto t = tokenizer_for(whisper_tiny("bin"), whisper_tiny_bin());
  EXPECT_EQ(t->n_vocab(), 51865);
  EXPECT_EQ(t->encode(" hello world"), tok().encode(" hello world"));
  EXPECT_EQ(tokenizer_for(whisper_tiny("hf"), scratch_dir("whisper_tiny_hf_vocab"))->n_vocab(), 51865);
}

}  // namespace
}  // namespace vkflow::test
