// Whisper speed on one device, the numbers whisper.cpp's whisper-bench reports:
//   whisper_bench MODEL|--model MODEL [--device cpu|vulkan0|vulkanN] [--path fp32|fast]
//                 [--tokens 200] [--beam 5] [--repeat 3] [--threads N] [--audio WAV] [--json [OUT]]
// MODEL: a whisper.cpp ggml .bin (any dtype) or an HF Whisper folder. Reports the load time
// (open + upload), the encoder time per 30-s window (median of --repeat after one warm-up),
// decoder tokens/s greedy and with beam search (a fixed --tokens per run: EOT is never sampled,
// timestamps off, so random-weight models decode the same length), and the device's peak
// memory (Device accounting). Per decoded token / beam step it also breaks the time down:
// recording the decoder's ops, the logits' read-back (device wait included), the host's search
// (the rest), bytes read back and dispatches (GPU time per kernel: VKFLOW_VK_PROFILE=1,
// runtime/vulkan/gpu_profiler.hpp). --audio: the first 30 s of that file instead of a chirp.
// --json prints one JSON object on stdout, or writes it to OUT. --threads: CPU threads
// (VKFLOW_THREADS; default: every core).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "runtime/core/error.hpp"
#include "runtime/cpu/cpu_device.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/dsp/audio_file.hpp"
#include "runtime/dsp/whisper_mel.hpp"
#include "runtime/formats/model_file.hpp"
#include "runtime/models/whisper/whisper_decoding.hpp"
#include "runtime/models/whisper/whisper_model.hpp"
#include "runtime/models/whisper/whisper_vocab.hpp"
#include "runtime/vulkan/vulkan_device.hpp"

using namespace vkflow;
using Clock = std::chrono::steady_clock;
namespace W = models::whisper;

namespace {

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// 30 s of a chirp with a little noise: a realistic, deterministic encoder input.
std::vector<float> test_audio() {
  std::vector<float> a(dsp::kWhisperChunkSamples);
  uint32_t x = 12345;
  for (size_t i = 0; i < a.size(); ++i) {
    const double t = double(i) / dsp::kWhisperSampleRate;
    x = x * 1664525u + 1013904223u;
    a[i] = static_cast<float>(0.3 * std::sin(2 * M_PI * (200 + 50 * t) * t) + 0.01 * (double(x >> 8) / (1 << 24) - 0.5));
  }
  return a;
}

std::unique_ptr<Device> open_device(const std::string& name, const std::string& path) {
  if (name == "cpu") return nullptr;
  if (name.rfind("vulkan", 0) != 0) throw vkflow::Error("unknown device '" + name + "' (cpu, vulkan0, vulkan1, ...)");
  if (!vulkan::available()) throw vkflow::Error("no Vulkan driver");
  vulkan::Options o;
  o.device = name.substr(6).empty() ? "0" : name.substr(6);
  if (path == "fp32") o.path = vulkan::Path::Fp32;
  else if (path == "fast") o.path = vulkan::Path::Fast;
  else if (!path.empty()) throw vkflow::Error("--path must be fp32 or fast");
  return std::make_unique<vulkan::VulkanDevice>(o);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Whisper encoder/decoder benchmark (compare with whisper.cpp's whisper-bench)"};
  std::string model_path, model_opt, device = "cpu", path, audio_path, json_out;
  int tokens = 200, beam = 5, repeat = 3, threads = 0;
  app.add_option("model", model_path, "ggml .bin or HF Whisper folder");
  app.add_option("--model", model_opt, "the same, as an option");
  app.add_option("--device", device, "cpu or vulkanN");
  app.add_option("--path", path, "Vulkan path: fp32 or fast (default: the device's default)");
  app.add_option("--tokens", tokens, "tokens per decoder run (EOT ignored)")->check(CLI::Range(1, 220));
  app.add_option("--beam", beam, "beam size of the beam-search run (0: greedy only)")->check(CLI::Range(0, 16));
  app.add_option("--repeat", repeat, "timed runs per measurement (after one warm-up)")->check(CLI::Range(1, 100));
  app.add_option("--threads", threads, "CPU threads (default: VKFLOW_THREADS, else every core)")->check(CLI::Range(1, 256));
  app.add_option("--audio", audio_path, "encoder input: the first 30 s of this audio file (default: a chirp)");
  app.add_option("--json", json_out, "one JSON object on stdout, or into this file")->expected(0, 1);
  CLI11_PARSE(app, argc, argv);
  const bool as_json = app.count("--json") > 0;
  if (beam == 1) {
    std::fprintf(stderr, "whisper_bench: --beam must be 0 (no beam run) or 2..16\n");
    return 2;
  }
  if (!model_opt.empty()) model_path = model_opt;
  // Read once, when the CPU thread pool starts (nothing has used it yet).
  if (threads > 0) setenv("VKFLOW_THREADS", std::to_string(threads).c_str(), 1);
  if (model_path.empty()) {
    std::fprintf(stderr, "whisper_bench: give a model (MODEL or --model MODEL)\n");
    return 2;
  }

  try {
    std::unique_ptr<Device> owned = open_device(device, path);
    Device& dev = owned ? *owned : cpu::device();
    dev.reset_peak();

    auto t0 = Clock::now();
    const formats::ModelFile file = formats::ModelFile::open(model_path);
    const W::WhisperModel model = W::WhisperModel::load(file, dev);
    dev.synchronize();
    const double load_s = seconds_since(t0);
    const auto tok = W::tokenizer_for(file, model_path);
    const W::Hparams& hp = model.hparams();

    const std::vector<float> audio = audio_path.empty() ? test_audio() : dsp::load_audio_16k_mono(audio_path);
    const dsp::LogMel mel = dsp::log_mel_spectrogram(audio, static_cast<size_t>(hp.n_mels));
    const Tensor mel_t = Tensor::from_f32(dev, {hp.n_mels, 2 * hp.n_audio_ctx}, dsp::mel_segment(mel, 0).data);
    // Host round trips, read from the Vulkan command stream (zero on the CPU).
    auto* vkdev = dynamic_cast<vulkan::VulkanDevice*>(&dev);
    // blocks/pipelines: memory blocks (vkAllocateMemory) and pipelines created during a run.
    struct Sync {
      double submits = 0, waits = 0, blocks = 0, pipelines = 0;
    };
    auto sync_now = [&] {
      if (!vkdev) return Sync{};
      return Sync{double(vkdev->stream().submissions()), double(vkdev->stream().waits()),
                  double(vkdev->allocator().block_count()), double(vkdev->pipeline_count())};
    };
    auto per = [](Sync a, Sync b, double n) {
      return Sync{(b.submits - a.submits) / n, (b.waits - a.waits) / n, b.blocks - a.blocks, b.pipelines - a.pipelines};
    };
    Tensor features;
    std::vector<double> enc;
    Sync enc_sync;
    for (int i = 0; i <= repeat; ++i) {
      t0 = Clock::now();
      const Sync s0 = sync_now();
      features = model.encode(mel_t);
      dev.synchronize();
      if (i > 0) enc.push_back(seconds_since(t0));
      enc_sync = per(s0, sync_now(), 1);  // the first run warms pipelines and caches
    }

    W::DecodingOptions opt;
    opt.language = "en";
    opt.without_timestamps = true;
    opt.sample_len = tokens;
    opt.ignore_eot = true;
    // Per token (greedy) or beam step, from the last timed run.
    struct Breakdown {
      double model_ms = 0, readback_ms = 0, host_ms = 0, readback_bytes = 0, dispatches = 0;
    };
    auto dispatches_now = [&] { return vkdev ? double(vkdev->stream().dispatch_count()) : 0.0; };
    auto run_decode = [&](int beam_size, Breakdown* b) {
      opt.beam_size = beam_size;
      W::DecodeStats st;
      opt.stats = &st;
      const double d0 = dispatches_now();
      const auto start = Clock::now();
      W::DecodingResult r = W::decode(model, features, *tok, opt);
      dev.synchronize();
      const double total_ms = seconds_since(start) * 1e3, n = double(std::max<size_t>(1, r.tokens.size()));
      if (b) *b = {st.model_ms / n, st.readback_ms / n, (total_ms - st.model_ms - st.readback_ms) / n,
                   double(st.readback_bytes) / n, (dispatches_now() - d0) / n};
      opt.stats = nullptr;
      return r;
    };
    auto time_decode = [&](int beam_size, size_t& n_tokens, Sync& sync, Breakdown& b) {
      std::vector<double> s;
      for (int i = 0; i <= repeat; ++i) {
        t0 = Clock::now();
        const Sync s0 = sync_now();
        const W::DecodingResult r = run_decode(beam_size, &b);
        n_tokens = r.tokens.size();
        sync = per(s0, sync_now(), double(std::max<size_t>(1, n_tokens)));
        if (i > 0) s.push_back(seconds_since(t0));
      }
      return median(s);
    };
    size_t n_greedy = 0, n_beam = 0;
    Sync greedy_sync, beam_sync;
    Breakdown greedy_b, beam_b;
    const double greedy_s = time_decode(0, n_greedy, greedy_sync, greedy_b);
    const double beam_s = beam > 0 ? time_decode(beam, n_beam, beam_sync, beam_b) : 0.0;
    const auto mem = dev.memory();

    auto breakdown_json = [](const Breakdown& b) {
      return nlohmann::json{{"model_ms", b.model_ms}, {"readback_ms", b.readback_ms}, {"host_search_ms", b.host_ms},
                            {"readback_bytes", b.readback_bytes}, {"dispatches", b.dispatches}};
    };

    nlohmann::json j = {
        {"model", model_path},
        {"device", dev.name()},
        {"n_mels", hp.n_mels},
        {"n_audio_layer", hp.n_audio_layer},
        {"n_text_layer", hp.n_text_layer},
        {"n_audio_state", hp.n_audio_state},
        {"load_ms", load_s * 1e3},
        {"encoder_ms_per_window", median(enc) * 1e3},
        {"tokens", tokens},
        {"greedy_tokens_per_s", double(n_greedy) / greedy_s},
        {"greedy_ms_per_token", greedy_s * 1e3 / double(n_greedy)},
        {"beam", beam},
        {"beam_tokens_per_s", double(n_beam) / beam_s},  // output tokens (each step runs `beam` sequences)
        {"beam_ms_per_step", beam_s * 1e3 / double(n_beam)},
        {"encoder_submits", enc_sync.submits},
        {"encoder_waits", enc_sync.waits},
        {"greedy_submits_per_token", greedy_sync.submits},
        {"greedy_waits_per_token", greedy_sync.waits},
        {"beam_submits_per_step", beam_sync.submits},
        {"beam_waits_per_step", beam_sync.waits},
        {"decode_new_blocks", greedy_sync.blocks + beam_sync.blocks},
        {"decode_new_pipelines", greedy_sync.pipelines + beam_sync.pipelines},
        {"peak_device_bytes", mem.peak},
        {"repeat", repeat},
        {"cpu_threads", cpu::num_threads()},
        {"greedy_per_token", breakdown_json(greedy_b)},
        {"beam_per_step", breakdown_json(beam_b)},
    };
    if (as_json && !json_out.empty()) {
      std::ofstream f(json_out);
      f << j.dump(1) << "\n";
      if (!f) throw vkflow::Error("cannot write " + json_out);
    } else if (as_json) {
      std::cout << j.dump() << "\n";
    }
    if (!as_json || !json_out.empty()) {
      std::printf("%s on %s (%d CPU threads)\n", model_path.c_str(), dev.name().c_str(), cpu::num_threads());
      std::printf("  load             %9.1f ms\n", load_s * 1e3);
      std::printf("  encoder          %9.2f ms per 30-s window\n", median(enc) * 1e3);
      std::printf("  decoder greedy   %9.1f tokens/s (%.3f ms/token, %zu tokens)\n", double(n_greedy) / greedy_s,
                  greedy_s * 1e3 / double(n_greedy), n_greedy);
      if (beam > 0)
        std::printf("  decoder beam %-2d  %9.1f tokens/s (%.3f ms/step)\n", beam, double(n_beam) / beam_s,
                    beam_s * 1e3 / double(n_beam));
      if (vkdev)
        std::printf("  submits/waits    encoder %.0f/%.0f, greedy %.2f/%.2f per token, beam %.2f/%.2f per step\n",
                    enc_sync.submits, enc_sync.waits, greedy_sync.submits, greedy_sync.waits, beam_sync.submits,
                    beam_sync.waits);
      if (vkdev)
        std::printf("  last decode runs %9.0f new memory blocks, %.0f new pipelines\n",
                    greedy_sync.blocks + beam_sync.blocks, greedy_sync.pipelines + beam_sync.pipelines);
      std::printf("  peak device mem  %9.1f MiB\n", double(mem.peak) / (1 << 20));
      auto print_b = [](const char* what, const Breakdown& b) {
        std::printf("  %-15s  ops %.3f ms, read-back %.3f ms (%.0f bytes), host search %.3f ms, %.0f dispatches\n",
                    what, b.model_ms, b.readback_ms, b.readback_bytes, b.host_ms, b.dispatches);
      };
      print_b("per greedy token", greedy_b);
      if (beam > 0) print_b("per beam step", beam_b);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "whisper_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
