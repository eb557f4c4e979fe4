// Segments from timestamped tokens and the txt/srt/vtt/json renderings (openai-whisper's
// transcribe() split and writers).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runtime/core/error.hpp"
#include "runtime/models/whisper/transcript.hpp"

namespace vkflow::test {
namespace {

using namespace models::whisper;

const text::WhisperTokenizer& tok() { return text::WhisperTokenizer::embedded(true); }

std::vector<int32_t> cat(std::initializer_list<std::vector<int32_t>> parts) {
  std::vector<int32_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

TEST(WhisperTranscript, SplitsAtTimestampPairs) {
  const int32_t tb = tok().timestamp_begin();
  const auto tokens = cat({{tb}, tok().encode(" Hello world."), {tb + 50, tb + 50}, tok().encode(" Next --> one"), {tb + 130}});
  const auto segs = split_segments(tokens, tok(), 30.0, 30.0);
  ASSERT_EQ(segs.size(), 2u);
  EXPECT_DOUBLE_EQ(segs[0].start, 30.0);
  EXPECT_DOUBLE_EQ(segs[0].end, 31.0);
  EXPECT_EQ(segs[0].text, " Hello world.");
  EXPECT_DOUBLE_EQ(segs[1].start, 31.0);
  EXPECT_DOUBLE_EQ(segs[1].end, 32.6);
  EXPECT_EQ(segs[1].tokens.back(), tb + 130);

  EXPECT_EQ(render_txt(segs), "Hello world.\nNext --> one\n");
  EXPECT_EQ(render_srt(segs),
            "1\n00:00:30,000 --> 00:00:31,000\nHello world.\n\n2\n00:00:31,000 --> 00:00:32,600\nNext -> one\n\n");
  EXPECT_EQ(render_vtt(segs), "WEBVTT\n\n00:30.000 --> 00:31.000\nHello world.\n\n00:31.000 --> 00:32.600\nNext -> one\n\n");
  EXPECT_EQ(render_lrc(segs), "[00:30.00]Hello world.\n[00:31.00]Next -> one\n");
  EXPECT_EQ(render_csv(segs), "start,end,text\n30000,31000,\"Hello world.\"\n31000,32600,\"Next --> one\"\n");
  Transcript t;
  t.language = "en";
  t.segments = segs;
  const auto j = nlohmann::json::parse(render_json(t));
  EXPECT_EQ(j["text"], " Hello world. Next --> one");
  EXPECT_EQ(j["language"], "en");
  EXPECT_EQ(j["segments"].size(), 2u);
  EXPECT_EQ(j["segments"][1]["id"], 1);
  EXPECT_EQ(render_json(parse_transcript_json(render_json(t), "test")), render_json(t));
  EXPECT_THROW(parse_transcript_json("{\"segments\": 3}", "test"), FormatError);
}

TEST(WhisperTranscript, CsvQuotesAndTokenTimes) {
  Segment s;
  s.start = 1.0, s.end = 2.0, s.text = " say \"hi\"";
  EXPECT_EQ(render_csv({s}), "start,end,text\n1000,2000,\"say \"\"hi\"\"\"\n");
  // Text tokens share the time between the timestamps around them by length.
  const int32_t tb = tok().timestamp_begin();
  s.tokens = cat({{tb + 50}, tok().encode(" ab"), tok().encode(" hello"), {tb + 100}});
  ASSERT_EQ(s.tokens.size(), 4u);
  add_token_info(s, {-0.1f, -0.2f, -0.3f, -0.4f}, tok(), 10.0);
  ASSERT_EQ(s.token_info.size(), 4u);
  EXPECT_DOUBLE_EQ(s.token_info[0].start, 11.0);
  EXPECT_DOUBLE_EQ(s.token_info[1].start, 11.0);
  EXPECT_NEAR(s.token_info[1].end, 11.0 + 3.0 / 9.0, 1e-12);  // " ab" is 3 of 9 bytes
  EXPECT_DOUBLE_EQ(s.token_info[2].end, 12.0);
  EXPECT_DOUBLE_EQ(s.token_info[3].start, 12.0);
  EXPECT_NEAR(s.token_info[2].prob, std::exp(-0.3), 1e-6);
  EXPECT_EQ(s.token_info[1].text, " ab");
}

TEST(WhisperTranscript, NoTimestampPairIsOneSegment) {
  const int32_t tb = tok().timestamp_begin();
  const auto plain = split_segments(tok().encode(" no stamps"), tok(), 0.0, 6.5);
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_DOUBLE_EQ(plain[0].end, 6.5);
  // A single trailing timestamp sets the end.
  const auto ended = split_segments(cat({{tb}, tok().encode(" a"), {tb + 100}}), tok(), 0.0, 30.0);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_DOUBLE_EQ(ended[0].end, 2.0);
}

TEST(WhisperTranscript, FormatTimestamp) {
  EXPECT_EQ(format_timestamp(3661.5, false, '.'), "01:01:01.500");
  EXPECT_EQ(format_timestamp(61.0, false, '.'), "01:01.000");
  EXPECT_EQ(format_timestamp(0.0004, true, ','), "00:00:00,000");
  EXPECT_THROW(format_timestamp(-1.0, true, ','), Error);
}

}  // namespace
}  // namespace vkflow::test
