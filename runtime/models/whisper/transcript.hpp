#pragma once
// A transcript: segments from each window's decoded tokens (openai-whisper transcribe()'s
// split at consecutive timestamp tokens, and how far the window's seek advances), token-level
// details, and the txt / srt / vtt / json / lrc / csv renderings.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/text/whisper_tokenizer.hpp"

namespace vkflow::models::whisper {

// One token of a segment. Timestamp tokens carry their own time; a text token's start/end
// are interpolated between the timestamps around it by decoded length (an estimate: no
// cross-attention alignment).
struct TokenInfo {
  int32_t id = 0;
  std::string text;   // the token's bytes (special tokens: their name)
  float prob = 0;     // probability when it was chosen
  double start = 0, end = 0;
};

struct Segment {
  double start = 0, end = 0;     // seconds
  std::vector<int32_t> tokens;   // with their timestamp tokens
  std::string text;              // text tokens decoded
  // Filled by transcribe(): the window's decoding.
  int64_t seek = 0;              // mel frame where the window started
  double avg_logprob = 0, compression_ratio = 0, no_speech_prob = 0, temperature = 0;
  std::vector<TokenInfo> token_info;  // parallel to `tokens` (may be empty)
};

struct Transcript {
  std::string language;          // code
  std::string task = "transcribe";
  double duration = 0;           // seconds of audio
  std::vector<Segment> segments;
  std::string text() const;      // the segments' texts joined
};

// tokens: sampled tokens of the window starting at `offset` seconds (no sot sequence, no EOT);
// `duration`: the window's audio length, used when the tokens carry no timestamp pair.
std::vector<Segment> split_segments(const std::vector<int32_t>& tokens, const text::WhisperTokenizer& tok,
                                    double offset, double duration, double time_precision = 0.02);
// How many mel frames the window's seek advances after these tokens: to the last timestamp
// pair's end when the window ends mid-speech, else the whole window (`segment_frames`).
int64_t seek_advance(const std::vector<int32_t>& tokens, const text::WhisperTokenizer& tok, int64_t segment_frames,
                     int64_t input_stride = 2);
// Fills seg.token_info from its tokens and their log-probabilities.
void add_token_info(Segment& seg, const std::vector<float>& logprobs, const text::WhisperTokenizer& tok,
                    double offset, double time_precision = 0.02);

// "HH:MM:SS,mmm" (srt) / "[HH:]MM:SS.mmm" (vtt: hours only when non-zero), as openai-whisper.
std::string format_timestamp(double seconds, bool always_include_hours, char decimal_marker);

std::string render_txt(const std::vector<Segment>& segs);
std::string render_srt(const std::vector<Segment>& segs);
std::string render_vtt(const std::vector<Segment>& segs);
// "[mm:ss.xx] text" per segment (LRC lyrics).
std::string render_lrc(const std::vector<Segment>& segs);
// "start,end,text" with times in milliseconds and the text quoted (whisper.cpp's -ocsv).
std::string render_csv(const std::vector<Segment>& segs);
// {"text", "language", "task", "duration", "segments": [{"id", "seek", "start", "end", "text",
//  "tokens", "avg_logprob", "compression_ratio", "no_speech_prob", "temperature",
//  "token_details": [{"id", "text", "p", "start", "end"}]}]}
std::string render_json(const Transcript& t);
// render_json's output read back (token texts that were not UTF-8 come back with U+FFFD).
// Throws FormatError naming `origin` on malformed input.
Transcript parse_transcript_json(std::string_view json, const std::string& origin);

}  // namespace vkflow::models::whisper
