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

bool single_timestamp_ending(const std::vector<int32_t>& tokens, int32_t tb) {
  const size_t n = tokens.size();
  return n >= 2 && tokens[n - 2] < tb && tokens[n - 1] >= tb;
}

// openai transcribe(): a segment ends after each pair of consecutive timestamps; a single
// timestamp at the end closes the last one too.
std::vector<size_t> segment_slices(const std::vector<int32_t>& tokens, int32_t tb) {
  const size_t n = tokens.size();
  std::vector<size_t> slices;
  for (size_t i = 0; i + 1 < n; ++i)
    if (tokens[i] >= tb && tokens[i + 1] >= tb) slices.push_back(i + 1);
  if (!slices.empty() && single_timestamp_ending(tokens, tb)) slices.push_back(n);
  return slices;
}

}  // namespace

std::string Transcript::text() const {
  std::string out;
  for (const Segment& s : segments) out += s.text;
  return out;
}

std::vector<Segment> split_segments(const std::vector<int32_t>& tokens, const text::WhisperTokenizer& tok,
                                    double offset, double duration, double time_precision) {
  const int32_t tb = tok.timestamp_begin();
  std::vector<Segment> out;
  const std::vector<size_t> slices = segment_slices(tokens, tb);
  if (!slices.empty()) {
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

int64_t seek_advance(const std::vector<int32_t>& tokens, const text::WhisperTokenizer& tok, int64_t segment_frames,
                     int64_t input_stride) {
  const int32_t tb = tok.timestamp_begin();
  const std::vector<size_t> slices = segment_slices(tokens, tb);
  if (slices.empty() || single_timestamp_ending(tokens, tb)) return segment_frames;
  // Mid-speech: the next window starts at the last complete segment's end.
  const int64_t advance = static_cast<int64_t>(tokens[slices.back() - 1] - tb) * input_stride;
  return advance > 0 ? advance : segment_frames;  // never stall
}

void add_token_info(Segment& seg, const std::vector<float>& logprobs, const text::WhisperTokenizer& tok,
                    double offset, double time_precision) {
  const int32_t tb = tok.timestamp_begin();
  const size_t n = seg.tokens.size();
  seg.token_info.assign(n, TokenInfo{});
  for (size_t i = 0; i < n; ++i) {
    TokenInfo& ti = seg.token_info[i];
    ti.id = seg.tokens[i];
    ti.text = tok.token_text(ti.id);
    ti.prob = i < logprobs.size() ? static_cast<float>(std::exp(double(logprobs[i]))) : 0.0f;
    if (ti.id >= tb) ti.start = ti.end = offset + (ti.id - tb) * time_precision;
  }
  // Runs of text tokens share the time between the timestamps around them by byte length.
  for (size_t i = 0; i < n;) {
    if (seg.tokens[i] >= tb) {
      ++i;
      continue;
    }
    size_t j = i;
    double bytes = 0;
    for (; j < n && seg.tokens[j] < tb; ++j) bytes += std::max<size_t>(seg.token_info[j].text.size(), 1);
    const double t0 = i > 0 ? seg.token_info[i - 1].end : seg.start;
    const double t1 = std::max(t0, j < n ? seg.token_info[j].start : seg.end);
    double at = 0;
    for (size_t k = i; k < j; ++k) {
      seg.token_info[k].start = t0 + (t1 - t0) * at / bytes;
      at += std::max<size_t>(seg.token_info[k].text.size(), 1);
      seg.token_info[k].end = t0 + (t1 - t0) * at / bytes;
    }
    i = j;
  }
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

std::string render_lrc(const std::vector<Segment>& segs) {
  std::string out;
  char buf[32];
  for (const Segment& s : segs) {
    const int64_t cs = std::llround(s.start * 100.0);
    std::snprintf(buf, sizeof buf, "[%02lld:%02lld.%02lld]", (long long)(cs / 6000), (long long)(cs / 100 % 60),
                  (long long)(cs % 100));
    out += buf + cue_text(s.text) + "\n";
  }
  return out;
}

std::string render_csv(const std::vector<Segment>& segs) {
  std::string out = "start,end,text\n";
  for (const Segment& s : segs) {
    std::string q;
    for (char c : strip(s.text)) {
      if (c == '"') q += '"';
      q += c == '\n' || c == '\r' ? ' ' : c;
    }
    out += std::to_string(std::llround(s.start * 1000.0)) + "," + std::to_string(std::llround(s.end * 1000.0)) +
           ",\"" + q + "\"\n";
  }
  return out;
}

std::string render_json(const Transcript& t) {
  nlohmann::json j;
  j["text"] = t.text();
  j["language"] = t.language;
  j["task"] = t.task;
  j["duration"] = t.duration;
  j["segments"] = nlohmann::json::array();
  for (size_t i = 0; i < t.segments.size(); ++i) {
    const Segment& s = t.segments[i];
    nlohmann::json details = nlohmann::json::array();
    for (const TokenInfo& ti : s.token_info)
      details.push_back({{"id", ti.id}, {"text", ti.text}, {"p", ti.prob}, {"start", ti.start}, {"end", ti.end}});
    j["segments"].push_back({{"id", i}, {"seek", s.seek}, {"start", s.start}, {"end", s.end}, {"text", s.text},
                             {"tokens", s.tokens}, {"avg_logprob", s.avg_logprob},
                             {"compression_ratio", s.compression_ratio}, {"no_speech_prob", s.no_speech_prob},
                             {"temperature", s.temperature}, {"token_details", std::move(details)}});
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Transcript parse_transcript_json(std::string_view text, const std::string& origin) {
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    Transcript t;
    t.language = j.at("language").get<std::string>();
    t.task = j.at("task").get<std::string>();
    t.duration = j.at("duration").get<double>();
    for (const auto& js : j.at("segments")) {
      Segment s;
      s.seek = js.at("seek").get<int64_t>();
      s.start = js.at("start").get<double>();
      s.end = js.at("end").get<double>();
      s.text = js.at("text").get<std::string>();
      s.tokens = js.at("tokens").get<std::vector<int32_t>>();
      s.avg_logprob = js.at("avg_logprob").get<double>();
      s.compression_ratio = js.at("compression_ratio").get<double>();
      s.no_speech_prob = js.at("no_speech_prob").get<double>();
      s.temperature = js.at("temperature").get<double>();
      for (const auto& d : js.at("token_details"))
        s.token_info.push_back({d.at("id").get<int32_t>(), d.at("text").get<std::string>(), d.at("p").get<float>(),
                                d.at("start").get<double>(), d.at("end").get<double>()});
      t.segments.push_back(std::move(s));
    }
    return t;
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(origin, std::string("not a vkflow transcript: ") + e.what());
  }
}

}  // namespace vkflow::models::whisper
