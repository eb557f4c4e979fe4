// Front-end costs the pipelines pay before any model runs: tokenizer construction (embedded
// vocabularies) and encoding, Whisper's log-mel for one 30-s window, torch-exact noise.
#include <benchmark/benchmark.h>

#include <vector>

#include "runtime/assets/embedded_assets.hpp"
#include "runtime/dsp/whisper_mel.hpp"
#include "runtime/sampling/torch_rng.hpp"
#include "runtime/text/clip_tokenizer.hpp"
#include "runtime/text/t5_tokenizer.hpp"
#include "runtime/text/whisper_tokenizer.hpp"

namespace {
using namespace vkflow;

const char* kPrompt =
    "A cozy cabin in the snowy mountains at dusk, warm light in the windows, oil painting, highly detailed, "
    "trending on artstation, dramatic clouds, pine trees, a frozen lake in the foreground";

void BM_ClipEncode(benchmark::State& s) {
  const auto& tok = text::ClipTokenizer::embedded();
  for (auto _ : s) benchmark::DoNotOptimize(tok.encode_padded(kPrompt));
}
BENCHMARK(BM_ClipEncode);

void BM_T5Encode256(benchmark::State& s) {
  const auto& tok = text::T5Tokenizer::embedded();
  for (auto _ : s) benchmark::DoNotOptimize(tok.encode_padded(kPrompt, 256));
}
BENCHMARK(BM_T5Encode256);

void BM_WhisperEncode(benchmark::State& s) {
  const auto& tok = text::WhisperTokenizer::embedded(true);
  for (auto _ : s) benchmark::DoNotOptimize(tok.encode(kPrompt));
}
BENCHMARK(BM_WhisperEncode);

void BM_ClipTokenizerLoad(benchmark::State& s) {
  for (auto _ : s) {
    text::ClipTokenizer tok(assets::get("clip_tokenizer/vocab.json"), assets::get("clip_tokenizer/merges.txt"), "bench");
    benchmark::DoNotOptimize(tok.vocab_size());
  }
}
BENCHMARK(BM_ClipTokenizerLoad)->Unit(benchmark::kMillisecond);

void BM_T5TokenizerLoad(benchmark::State& s) {
  for (auto _ : s) {
    text::T5Tokenizer tok(assets::get("t5_tokenizer/tokenizer.json"), "bench");
    benchmark::DoNotOptimize(tok.vocab_size());
  }
}
BENCHMARK(BM_T5TokenizerLoad)->Unit(benchmark::kMillisecond);

void BM_WhisperLogMel30s(benchmark::State& s) {
  std::vector<float> audio(dsp::kWhisperChunkSamples);
  sampling::TorchGenerator g(0);
  g.randn(std::span<float>(audio));
  for (float& v : audio) v *= 0.1f;
  const auto n_mels = static_cast<size_t>(s.range(0));
  for (auto _ : s) benchmark::DoNotOptimize(dsp::log_mel_spectrogram(audio, n_mels));
}
BENCHMARK(BM_WhisperLogMel30s)->Arg(80)->Arg(128)->Unit(benchmark::kMillisecond);

void BM_TorchRandnSd15_512(benchmark::State& s) {  // [1,4,64,64]
  for (auto _ : s) {
    sampling::TorchGenerator g(42);
    benchmark::DoNotOptimize(g.randn(4 * 64 * 64));
  }
}
BENCHMARK(BM_TorchRandnSd15_512);
}  // namespace

BENCHMARK_MAIN();
