#pragma once
// Transcript segments from one window's decoded tokens (openai-whisper transcribe()'s split at
// consecutive timestamp tokens) and the txt / srt / vtt / json renderings of its writers.
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/text/whisper_tokenizer.hpp"

namespace vkflow::models::whisper {

struct Segment {
  double start = 0, end = 0;     // seconds
  std::vector<int32_t> tokens;   // with their timestamp tokens
  std::string text;              // text tokens decoded
};

// tokens: sampled tokens of the window starting at `offset` seconds (no sot sequence, no EOT);
// `duration`: the window's audio length, used when the tokens carry no timestamp pair.
std::vector<Segment> split_segments(const std::vector<int32_t>& tokens, const text::WhisperTokenizer& tok,
                                    double offset, double duration, double time_precision = 0.02);

// "HH:MM:SS,mmm" (srt) / "[HH:]MM:SS.mmm" (vtt: hours only when non-zero), as openai-whisper.
std::string format_timestamp(double seconds, bool always_include_hours, char decimal_marker);

std::string render_txt(const std::vector<Segment>& segs);
std::string render_srt(const std::vector<Segment>& segs);
std::string render_vtt(const std::vector<Segment>& segs);
// {"text": ..., "segments": [{"id", "start", "end", "text", "tokens"}], "language": ...}
std::string render_json(const std::vector<Segment>& segs, const std::string& language);

}  // namespace vkflow::models::whisper
