// T5 v1.1 encoder against transformers' T5EncoderModel in the flux_tiny fixture, on every
// test device, resident and streamed block by block.
#include <gtest/gtest.h>

#include "runtime/models/t5/t5_encoder.hpp"
#include "runtime/models/t5/t5_position_bias.hpp"
#include "runtime/models/t5/t5_streaming.hpp"
#include "tests/flux_text/fixture.hpp"

namespace vkflow::models {
namespace {

using test::expect_flux_matches;
using test::flux_ids;
using test::flux_t5_file;

TEST(T5Encoder, ConfigFromWeights) {
  const T5Config c = t5_config(flux_t5_file(), t5_prefix_in(flux_t5_file()));
  EXPECT_EQ(c.vocab, 32128);
  EXPECT_EQ(c.d_model, 16);
  EXPECT_EQ(c.inner, 16);
  EXPECT_EQ(c.heads, 2);
  EXPECT_EQ(c.head_dim(), 8);
  EXPECT_EQ(c.d_ff, 32);
  EXPECT_EQ(c.layers, 2);
  EXPECT_EQ(c.buckets, 32);
  EXPECT_EQ(c.max_distance, 128);
  EXPECT_TRUE(c.gated);
}

TEST(T5Encoder, RelativeBuckets) {
  // transformers' _relative_position_bucket(bidirectional, 32 buckets, max distance 128):
  // keys before the query use buckets 0..15, after it 16..31; |offset| < 8 exact, then log bins.
  EXPECT_EQ(t5_relative_bucket(0, 32, 128), 0);
  EXPECT_EQ(t5_relative_bucket(-7, 32, 128), 7);
  EXPECT_EQ(t5_relative_bucket(7, 32, 128), 23);
  EXPECT_EQ(t5_relative_bucket(-8, 32, 128), 8);
  EXPECT_EQ(t5_relative_bucket(-16, 32, 128), 10);   // 8 + log(2)/log(16)*8 = 10 exactly
  EXPECT_EQ(t5_relative_bucket(-32, 32, 128), 12);
  EXPECT_EQ(t5_relative_bucket(-64, 32, 128), 14);
  EXPECT_EQ(t5_relative_bucket(-127, 32, 128), 15);
  EXPECT_EQ(t5_relative_bucket(-128, 32, 128), 15);  // clamped to the last bucket
  EXPECT_EQ(t5_relative_bucket(255, 32, 128), 31);
  EXPECT_EQ(t5_relative_bucket(20, 32, 128), 16 + 10);
}

TEST(T5Encoder, MatchesTransformersOnEveryDevice) {
  const std::vector<int64_t> ids = flux_ids("t5_input_ids");
  for (Device* dev : test::test_devices()) {
    SCOPED_TRACE(dev->name());
    T5Encoder t5(flux_t5_file(), *dev);
    EXPECT_EQ(t5.weight_bytes(), T5Encoder::estimate_weight_bytes(flux_t5_file(), *dev));
    expect_flux_matches(t5.encode(ids, 2), "t5_last_hidden_state");
  }
}

TEST(T5Encoder, StreamedMatchesOnEveryDevice) {
  const std::vector<int64_t> ids = flux_ids("t5_input_ids");
  for (Device* dev : test::test_devices()) {
    SCOPED_TRACE(dev->name());
    T5StreamingEncoder t5(flux_t5_file(), *dev);
    // Between calls only the final norm is on the device; a block is a fraction of the model.
    EXPECT_EQ(t5.resident_bytes(), 16u * 4u);
    EXPECT_GT(t5.block_bytes(0), 0u);
    EXPECT_LT(t5.block_bytes(0) * 2, T5Encoder::estimate_weight_bytes(flux_t5_file(), *dev));
    const uint64_t before = dev->memory().in_use;
    expect_flux_matches(t5.encode(ids, 2), "t5_last_hidden_state");
    dev->synchronize();
    EXPECT_EQ(dev->memory().in_use, before);  // every block freed again (the output is gone too)
  }
}

TEST(T5Encoder, RowsAreIndependent) {
  // Without a mask, each prompt's row only sees its own tokens: encoding row 1 alone gives
  // the same values as in the batch of two.
  const std::vector<int64_t> ids = flux_ids("t5_input_ids");
  T5Encoder t5(flux_t5_file(), *test::test_devices().front());
  const std::vector<float> both = t5.encode(ids, 2).to_f32();
  const std::vector<float> second =
      t5.encode(std::span<const int64_t>(ids).subspan(ids.size() / 2), 1).to_f32();
  EXPECT_LE(test::max_abs_diff(second, std::vector<float>(both.begin() + both.size() / 2, both.end())), 1e-5f);
}

TEST(T5Encoder, RejectsBadInput) {
  T5Encoder t5(flux_t5_file(), *test::test_devices().front());
  EXPECT_THROW(t5.encode(std::vector<int64_t>(7, 1), 2), Error);        // 7 ids are not 2 rows
  EXPECT_THROW(t5.encode(std::vector<int64_t>(4, 32128), 1), Error);    // outside the vocabulary
  EXPECT_THROW(t5.encode(std::vector<int64_t>(4, -1), 1), Error);
  EXPECT_THROW(t5.encode({}, 1), Error);
  EXPECT_THROW(t5_prefix_in(test::flux_clip_file()), FormatError);      // a CLIP file
  EXPECT_THROW(T5Encoder(test::flux_clip_file(), *test::test_devices().front()), FormatError);
}

}  // namespace
}  // namespace vkflow::models
