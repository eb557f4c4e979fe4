#include "runtime/models/whisper/transcript.hpp"

#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "runtime/core/error.hpp"

namespace vkflow::models::whisper {
namespace {

std::string strip(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return {};
  return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

// Writers put one segment per line; "-->" inside text would break srt/vtt cue lines.
std::string cue_text(const std::string& s) {
  std::string t = strip(s);
  for (size_t p = t.find("-->"); p != std::string::npos; p = t.find("-->", p)) t.replace(p, 3, "->");
  return t;
}

Segment make_segment(const std::vector<int32_t>& toks, double start, double end, const text::WhisperTokenizer& tok) {
  Segment s;
  s.start = start;
  s.end = end;
  s.tokens = toks;
  std::vector<int32_t> text_tokens;
  for (int32_t t : toks)
    if (t < tok.eot()) text_tokens.push_back(t);
  s.text = tok.decode(text_tokens);
  return s;
}

}  // namespace

std::vector<Segment> split_segments(const std::vector<int32_t>& tokens, const text::WhisperTokenizer& tok,
                                    double offset, double duration, double time_precision) {
  const int32_t tb = tok.timestamp_begin();
  auto is_ts = [&](size_t i) { return tokens[i] >= tb; };
  const size_t n = tokens.size();
  std::vector<size_t> slices;
  for (size_t i = 0; i + 1 < n; ++i)
    if (is_ts(i) && is_ts(i + 1)) slices.push_back(i + 1);
  std::vector<Segment> out;
  if (!slices.empty()) {
    const bool single_timestamp_ending = n >= 2 && !is_ts(n - 2) && is_ts(n - 1);
    if (single_timestamp_ending) slices.push_back(n);
    size_t last = 0;
    for (size_t cur : slices) {
      const std::vector<int32_t> part(tokens.begin() + static_cast<std::ptrdiff_t>(last),
                                      tokens.begin() + static_cast<std::ptrdiff_t>(cur));
      out.push_back(make_segment(part, offset + (part.front() - tb) * time_precision,
                                 offset + (part.back() - tb) * time_precision, tok));
      last = cur;
    }
    return out;
  }
  double dur = duration;
  int32_t last_ts = -1;
  for (int32_t t : tokens)
    if (t >= tb) last_ts = t;
  if (last_ts > tb) dur = (last_ts - tb) * time_precision;
  out.push_back(make_segment(tokens, offset, offset + dur, tok));
  return out;
}

std::string format_timestamp(double seconds, bool always_include_hours, char decimal_marker) {
  if (!(seconds >= 0)) throw Error("format_timestamp: negative or NaN time");
  int64_t ms = static_cast<int64_t>(std::llround(seconds * 1000.0));
  const int64_t h = ms / 3'600'000;
  ms -= h * 3'600'000;
  const int64_t m = ms / 60'000;
  ms -= m * 60'000;
  const int64_t s = ms / 1000;
  ms -= s * 1000;
  char buf[64];
  if (always_include_hours || h > 0)
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld%c%03lld", (long long)h, (long long)m, (long long)s,
                  decimal_marker, (long long)ms);
  else
    std::snprintf(buf, sizeof buf, "%02lld:%02lld%c%03lld", (long long)m, (long long)s, decimal_marker, (long long)ms);
  return buf;
}

std::string render_txt(const std::vector<Segment>& segs) {
  std::string out;
  for (const Segment& s : segs) out += strip(s.text) + "\n";
  return out;
}

std::string render_srt(const std::vector<Segment>& segs) {
  std::string out;
  for (size_t i = 0; i < segs.size(); ++i)
    out += std::to_string(i + 1) + "\n" + format_timestamp(segs[i].start, true, ',') + " --> " +
           format_timestamp(segs[i].end, true, ',') + "\n" + cue_text(segs[i].text) + "\n\n";
  return out;
}

std::string render_vtt(const std::vector<Segment>& segs) {
  std::string out = "WEBVTT\n\n";
  for (const Segment& s : segs)
    out += format_timestamp(s.start, false, '.') + " --> " + format_timestamp(s.end, false, '.') + "\n" +
           cue_text(s.text) + "\n\n";
  return out;
}

std::string render_json(const std::vector<Segment>& segs, const std::string& language) {
  nlohmann::json j;
  std::string text;
  j["segments"] = nlohmann::json::array();
  for (size_t i = 0; i < segs.size(); ++i) {
    text += segs[i].text;
    j["segments"].push_back({{"id", i}, {"start", segs[i].start}, {"end", segs[i].end}, {"text", segs[i].text},
                             {"tokens", segs[i].tokens}});
  }
  j["text"] = text;
  j["language"] = language;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace vkflow::models::whisper
