// Whisper encoder and decoder logits against the whisper_tiny fixture, for the whisper.cpp
// .bin and the HF layout, on every test device.
#include <gtest/gtest.h>

#include "runtime/core/error.hpp"
#include "runtime/models/whisper/whisper_decoder.hpp"
#include "runtime/models/whisper/whisper_model.hpp"
#include "tests/common/devices.hpp"
#include "tests/whisper/whisper_fixture.hpp"

namespace vkflow::test {
namespace {

using models::whisper::WhisperDecoder;
using models::whisper::WhisperModel;

std::vector<float> row(const std::vector<float>& all, int64_t i, int64_t width) {
  return {all.begin() + i * width, all.begin() + (i + 1) * width};
}

class WhisperModelTest : public ::testing::TestWithParam<std::string> {
 protected:
};

TEST_P(WhisperModelTest, HparamsFromWeightsAndMetadata) {
  const WhisperModel m = WhisperModel::load(whisper_tiny(GetParam()), *test_devices().front());
  const auto& hp = m.hparams();
  EXPECT_EQ(hp.n_mels, 80);
  EXPECT_EQ(hp.n_audio_ctx, 1500);
  EXPECT_EQ(hp.n_audio_state, 64);
  EXPECT_EQ(hp.n_audio_head, 4);
  EXPECT_EQ(hp.n_audio_layer, 2);
  EXPECT_EQ(hp.n_vocab, 51865);
  EXPECT_EQ(hp.n_text_ctx, 448);
  EXPECT_EQ(hp.n_text_head, 4);
  EXPECT_EQ(hp.n_text_layer, 2);
}

TEST_P(WhisperModelTest, EncoderAndPrefixLogitsMatchFixture) {
  const auto mel = whisper_mel_short();
  const auto enc_ref = whisper_io().read_f32("encoder_out_short");
  const auto last_ref = whisper_io().read_f32("prefix_logits_last");
  const auto rowsum_ref = whisper_io().read_f32("prefix_logits_all_rowsum");
  const auto prefix = whisper_tokens("prefix_tokens");
  ASSERT_EQ(prefix.size(), 4u);
  for (Device* dev : test_devices()) {
    // The layouts differ only in loading, so the HF one runs on the CPU alone (keeps llvmpipe CI fast).
    if (GetParam() == "hf" && dev->kind() != DeviceKind::Cpu) continue;
    SCOPED_TRACE(dev->name());
    const WhisperModel m = WhisperModel::load(whisper_tiny(GetParam()), *dev);
    const Tensor enc = m.encode(Tensor::from_f32(*dev, {80, 3000}, mel));
    ASSERT_EQ(enc.shape(), (Shape{1, 1500, 64}));
    const double enc_tol = 2e-4 + tolerance_floor(*dev, "linear") * max_abs(enc_ref);
    EXPECT_LE(max_abs_diff(enc.to_f32(), enc_ref), enc_tol);

    WhisperDecoder dec(m, enc);
    const Tensor logits = dec.forward(prefix);
    ASSERT_EQ(logits.shape(), (Shape{1, 4, 51865}));
    const auto all = logits.to_f32();
    const double tol = 5e-4 + tolerance_floor(*dev, "linear") * max_abs(last_ref);
    EXPECT_LE(max_abs_diff(row(all, 3, 51865), last_ref), tol);
    for (int64_t i = 0; i < 4; ++i) {
      double s = 0;
      for (float v : row(all, i, 51865)) s += v;
      EXPECT_NEAR(s, rowsum_ref[i], 2e-3 * std::fabs(rowsum_ref[i]) + 0.05) << "position " << i;
    }

    // The KV cache: the same prefix fed in pieces (2 + 1 + 1 and 1 + 3, which needs the
    // offset causal mask) gives the same last logits.
    dec.reset();
    dec.forward({prefix[0], prefix[1]});
    dec.forward({prefix[2]});
    EXPECT_LE(max_abs_diff(dec.forward({prefix[3]}).to_f32(), last_ref), tol);
    EXPECT_EQ(dec.length(), 4);
    dec.reset();
    dec.forward({prefix[0]});
    const auto split = dec.forward({prefix[1], prefix[2], prefix[3]}).to_f32();
    EXPECT_LE(max_abs_diff(row(split, 2, 51865), last_ref), tol);
  }
}

TEST_P(WhisperModelTest, BadInputIsAnError) {
  Device& dev = *test_devices().front();
  const WhisperModel m = WhisperModel::load(whisper_tiny(GetParam()), dev);
  EXPECT_THROW(m.encode(Tensor::from_f32(dev, {80, 100}, std::vector<float>(8000))), Error);
  const Tensor enc = Tensor::from_f32(dev, {1, 1500, 64}, std::vector<float>(1500 * 64));
  WhisperDecoder dec(m, enc);
  EXPECT_THROW(dec.forward({51865}), Error);
  EXPECT_THROW(dec.forward({}), Error);
  EXPECT_THROW(dec.forward(std::vector<int32_t>(449, 50258)), Error);
}

INSTANTIATE_TEST_SUITE_P(Layouts, WhisperModelTest, ::testing::Values("bin", "hf"));

}  // namespace
}  // namespace vkflow::test
