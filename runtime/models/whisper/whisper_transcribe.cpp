#include "runtime/models/whisper/whisper_transcribe.hpp"

#include <algorithm>

#include "runtime/core/error.hpp"
#include "runtime/dsp/whisper_mel.hpp"
#include "runtime/text/whisper_languages.hpp"

namespace vkflow::models::whisper {
namespace {

constexpr int64_t kWindowFrames = static_cast<int64_t>(dsp::kWhisperChunkFrames);
constexpr double kFrameSeconds = double(dsp::kWhisperHop) / dsp::kWhisperSampleRate;  // 10 ms

std::string strip(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return {};
  return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

// The encoder's 30-s input at `seek`: `size` frames of the clip's mel, zero-padded.
Tensor window_features(const WhisperModel& model, const dsp::LogMel& mel, int64_t seek, int64_t size) {
  const dsp::LogMel w = dsp::mel_segment(dsp::mel_segment(mel, static_cast<size_t>(seek), static_cast<size_t>(size)), 0);
  return model.encode(Tensor::from_f32(model.device(), {static_cast<int64_t>(w.n_mels), kWindowFrames}, w.data));
}

// The language code to decode with: as given, or detected from the clip's first window.
std::string resolve_language(const WhisperModel& model, const text::WhisperTokenizer& tok, const dsp::LogMel& mel,
                             const std::string& given) {
  std::string code = language_code(tok, given);
  if (!code.empty()) return code;
  if (tok.n_vocab() < 51865) return "en";
  const Tensor features = window_features(model, mel, 0, kWindowFrames);  // the padded clip's start
  return detect_language(model, features, tok).front().first;
}

}  // namespace

std::string language_code(const text::WhisperTokenizer& tok, const std::string& given) {
  if (given.empty() || given == "auto") return {};
  const auto idx = text::whisper_language_index(given);
  if (!idx) throw Error("'" + given + "' is not a Whisper language code or name (e.g. en, de, japanese, or auto)");
  const std::string code(text::whisper_languages()[*idx].code);
  if (tok.n_vocab() < 51865 && code != "en") throw Error("'" + given + "': this model is English-only");
  tok.language_token(code);  // throws when the model's vocabulary lacks it (yue before large-v3)
  return code;
}

bool needs_fallback(const DecodingResult& r, const TranscribeOptions& opt) {
  bool retry = false;
  if (opt.compression_ratio_threshold && r.compression_ratio > *opt.compression_ratio_threshold) retry = true;
  if (opt.logprob_threshold && r.avg_logprob < *opt.logprob_threshold) retry = true;
  if (opt.no_speech_threshold && r.no_speech_prob > *opt.no_speech_threshold && opt.logprob_threshold &&
      r.avg_logprob < *opt.logprob_threshold)
    retry = false;  // silence: a higher temperature will not help
  return retry;
}

bool is_silent(const DecodingResult& r, const TranscribeOptions& opt) {
  if (!opt.no_speech_threshold) return false;
  bool skip = r.no_speech_prob > *opt.no_speech_threshold;
  if (opt.logprob_threshold && r.avg_logprob > *opt.logprob_threshold) skip = false;  // confident text
  return skip;
}

DecodingResult decode_with_fallback(const WhisperModel& model, const Tensor& audio_features,
                                    const text::WhisperTokenizer& tok, const TranscribeOptions& opt) {
  if (opt.temperatures.empty()) throw Error("whisper: no temperatures to decode with");
  DecodingResult r;
  for (double t : opt.temperatures) {
    DecodingOptions d = opt.decode;
    d.temperature = t;
    if (t > 0)
      d.beam_size = 0;
    else
      d.best_of = 0;
    r = decode(model, audio_features, tok, d);
    if (!needs_fallback(r, opt)) break;
  }
  return r;
}

Transcript transcribe(const WhisperModel& model, const text::WhisperTokenizer& tok, std::span<const float> audio,
                      const TranscribeOptions& opt) {
  const Hparams& hp = model.hparams();
  const dsp::LogMel mel = dsp::log_mel_spectrogram(audio, static_cast<size_t>(hp.n_mels), dsp::kWhisperChunkSamples);
  const int64_t content_frames = static_cast<int64_t>(mel.n_frames) - kWindowFrames;
  const int64_t input_stride = kWindowFrames / hp.n_audio_ctx;  // mel frames per output position
  const double time_precision = input_stride * kFrameSeconds;

  Transcript out;
  out.task = opt.decode.task;
  out.duration = static_cast<double>(content_frames) * kFrameSeconds;
  TranscribeOptions o = opt;
  o.decode.language = out.language = resolve_language(model, tok, mel, opt.decode.language);

  std::vector<int32_t> all_tokens;
  if (const std::string prompt = strip(opt.initial_prompt); !prompt.empty())
    all_tokens = tok.encode(std::string(1, ' ').append(prompt));
  size_t prompt_reset_since = 0;
  for (int64_t seek = 0; seek < content_frames;) {
    const double offset = static_cast<double>(seek) * kFrameSeconds;
    const int64_t segment_size = std::min(kWindowFrames, content_frames - seek);
    o.decode.prompt.assign(all_tokens.begin() + static_cast<std::ptrdiff_t>(prompt_reset_since), all_tokens.end());
    const Tensor features = window_features(model, mel, seek, segment_size);
    const DecodingResult r = decode_with_fallback(model, features, tok, o);

    if (is_silent(r, o)) {
      seek += segment_size;
    } else {
      std::vector<Segment> segs = split_segments(r.tokens, tok, offset, segment_size * kFrameSeconds, time_precision);
      size_t at = 0;  // segments are consecutive slices of r.tokens
      for (Segment& s : segs) {
        const auto lp_begin = r.token_logprobs.begin() + static_cast<std::ptrdiff_t>(at);
        add_token_info(s, std::vector<float>(lp_begin, lp_begin + static_cast<std::ptrdiff_t>(s.tokens.size())), tok,
                       offset, time_precision);
        at += s.tokens.size();
        s.seek = seek;
        s.avg_logprob = r.avg_logprob;
        s.compression_ratio = r.compression_ratio;
        s.no_speech_prob = r.no_speech_prob;
        s.temperature = r.temperature;
        if (s.start == s.end || strip(s.text).empty()) {  // instantaneous or textless: kept empty
          s.text.clear();
          s.tokens.clear();
          s.token_info.clear();
        }
        all_tokens.insert(all_tokens.end(), s.tokens.begin(), s.tokens.end());
        out.segments.push_back(std::move(s));
      }
      seek += seek_advance(r.tokens, tok, segment_size, input_stride);
      if (!o.condition_on_previous_text || r.temperature > 0.5) prompt_reset_since = all_tokens.size();
    }
    if (opt.progress) opt.progress(std::min(seek, content_frames), content_frames);
  }
  return out;
}

}  // namespace vkflow::models::whisper
