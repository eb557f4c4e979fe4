// SD1.5 text-to-image benchmark on the runtime's models (CLIP text encoder, UNet, VAE decoder):
// load, encode a prompt and an empty negative, sample N euler steps with CFG (uncond and cond
// as ONE batch-2 UNet forward, as ComfyUI and the runtime do), decode the latent. Prints one
// "key: value" line per figure (first step separate: it pays the pipeline compilation) and,
// with --json, the same as one JSON object. The Vulkan path comes from VKFLOW_VK_PATH.
//   sd15_bench --model v1-5.safetensors --device vulkan0 --width 512 --height 512 --steps 20 --cfg 7
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <numeric>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bench/bench_device.hpp"
#include "runtime/formats/model_file.hpp"
#include "runtime/models/clip/clip_text.hpp"
#include "runtime/models/unet/eps_denoiser.hpp"
#include "runtime/models/unet/unet.hpp"
#include "runtime/models/vae/autoencoder_kl.hpp"
#include "runtime/sampling/discrete_schedule.hpp"
#include "runtime/sampling/ksampler.hpp"
#include "runtime/sampling/schedulers.hpp"
#include "runtime/sampling/torch_noise.hpp"
#include "runtime/text/weighted_chunks.hpp"

using namespace vkflow;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::vector<int64_t> clip_ids(std::string_view prompt) {
  const auto chunks = text::clip_tokenize_with_weights(text::ClipTokenizer::embedded(), prompt, {.weights = false});
  std::vector<int64_t> ids;
  for (const auto& t : chunks.at(0)) ids.push_back(t.id);  // the first 77-token chunk
  return ids;
}

struct Options {
  std::string model, device = "cpu", prompt = "a photo of an astronaut riding a horse on mars", json_out;
  int width = 512, height = 512, steps = 20, repeat = 1;
  double cfg = 7.0;
  uint64_t seed = 42;
};

nlohmann::json run(const Options& o) {
  if (o.width % 8 || o.height % 8 || o.width <= 0 || o.height <= 0)
    throw std::runtime_error(fmt::format("--width/--height must be positive multiples of 8 (got {}x{})", o.width, o.height));
  if (o.steps < 1) throw std::runtime_error("--steps must be at least 1");
  nlohmann::json r;
  auto t0 = Clock::now();
  Device& dev = bench::pick_device(o.device);
  r["device"] = dev.name();
  r["device_open_s"] = since(t0);
  dev.reset_peak();

  t0 = Clock::now();
  const auto m = formats::ModelFile::open(o.model);
  const models::ClipTextModel clip(m, dev, models::ClipTextModel::prefix_in(m));
  const models::UNetModel unet(m, dev);
  const models::AutoencoderKL vae(m, dev, models::AutoencoderKL::prefix_in(m), models::VaeParts::Decoder);
  dev.synchronize();
  r["load_s"] = since(t0);
  r["weight_bytes"] = clip.weight_bytes() + unet.weight_bytes() + vae.weight_bytes();

  const int64_t h = o.height / 8, w = o.width / 8;
  const auto sched = sampling::DiscreteSchedule::comfy();
  const std::vector<float> sig = sampling::comfy_sigmas(sched, "normal", o.steps);
  auto t_of = [&](double s) { return static_cast<double>(sched.nearest_timestep(static_cast<float>(s))); };

  for (int rep = 0; rep < o.repeat; ++rep) {
    nlohmann::json one;
    t0 = Clock::now();
    const Tensor cond = clip.encode(clip_ids(o.prompt), 1).last_hidden_state;
    const Tensor uncond = clip.encode(clip_ids(""), 1).last_hidden_state;
    dev.synchronize();
    one["text_encode_s"] = since(t0);

    const sampling::InitialNoise noise = sampling::initial_noise(o.seed, static_cast<size_t>(4 * h * w));
    sampling::KSampleRun ks;
    ks.sampler = "euler";
    ks.sigmas.assign(sig.begin(), sig.end());
    ks.noise = noise.noise;
    ks.format = sampling::LatentFormat::sd15();
    ks.ctx.denoiser =
        sampling::make_cfg_denoiser(models::make_cfg_eps_denoiser(unet, {1, 4, h, w}, uncond, cond, t_of), o.cfg);
    std::vector<double> step_s;
    auto ts = Clock::now();
    ks.ctx.on_step = [&](const sampling::StepInfo&) {  // the step's result is on the host here
      step_s.push_back(since(ts));
      ts = Clock::now();
      return true;
    };
    t0 = Clock::now();
    ts = t0;
    const std::vector<float> latent = sampling::ksample(ks);
    one["sample_s"] = since(t0);
    one["step_s"] = step_s;
    one["first_step_s"] = step_s.front();
    if (step_s.size() > 1) {
      const double rest = std::accumulate(step_s.begin() + 1, step_s.end(), 0.0);
      one["s_per_step"] = rest / static_cast<double>(step_s.size() - 1);  // steps 2..N
      one["it_per_s"] = static_cast<double>(step_s.size() - 1) / rest;
    }

    t0 = Clock::now();
    const Tensor img = vae.decode(Tensor::from_f32(dev, {1, 4, h, w}, latent));
    const std::vector<float> pixels = img.to_f32();  // waits for the device
    one["vae_decode_s"] = since(t0);
    const auto [mn, mx] = std::minmax_element(pixels.begin(), pixels.end());
    one["image_min"] = *mn;
    one["image_max"] = *mx;
    r["runs"].push_back(one);
  }
  const MemoryStats mem = dev.memory();
  r["peak_device_bytes"] = mem.peak;
  r["device_total_bytes"] = mem.total;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vkflow SD1.5 txt2img benchmark (load, s/step, VAE decode, peak device memory)"};
  Options o;
  app.add_option("--model", o.model, "SD1.5 checkpoint (.safetensors/.ckpt/.gguf or diffusers folder)")->required();
  app.add_option("--device", o.device, "cpu or vulkan[N] (path: VKFLOW_VK_PATH=fp32|fast)");
  app.add_option("--width", o.width, "image width (multiple of 8)");
  app.add_option("--height", o.height, "image height (multiple of 8)");
  app.add_option("--steps", o.steps, "euler steps (normal schedule)");
  app.add_option("--cfg", o.cfg, "classifier-free guidance scale");
  app.add_option("--seed", o.seed, "noise seed (torch CPU randn)");
  app.add_option("--prompt", o.prompt, "prompt (negative: empty)");
  app.add_option("--repeat", o.repeat, "runs after one load (the first pays pipeline compilation)")->check(CLI::PositiveNumber);
  app.add_option("--json", o.json_out, "also write the figures as JSON to this file");
  CLI11_PARSE(app, argc, argv);
  try {
    const nlohmann::json r = run(o);
    std::cout << fmt::format("device: {}\nload_s: {:.3f}\nweight_bytes: {}\n", r["device"].get<std::string>(),
                             r["load_s"].get<double>(), r["weight_bytes"].get<uint64_t>());
    for (size_t i = 0; i < r["runs"].size(); ++i) {
      const auto& one = r["runs"][i];
      std::cout << fmt::format("run {}: text_encode_s {:.3f}  first_step_s {:.3f}  s_per_step {:.4f}  vae_decode_s {:.3f}  sample_s {:.3f}\n",
                               i, one["text_encode_s"].get<double>(), one["first_step_s"].get<double>(),
                               one.value("s_per_step", one["first_step_s"].get<double>()),
                               one["vae_decode_s"].get<double>(), one["sample_s"].get<double>());
    }
    std::cout << fmt::format("peak_device_bytes: {} ({:.2f} GiB)\n", r["peak_device_bytes"].get<uint64_t>(),
                             r["peak_device_bytes"].get<uint64_t>() / double(1ull << 30));
    if (!o.json_out.empty()) {
      std::ofstream f(o.json_out);
      f << r.dump(2) << "\n";
      if (!f) throw std::runtime_error("cannot write " + o.json_out);
    }
  } catch (const std::exception& e) {
    std::cerr << "sd15_bench: " << e.what() << "\n";
    bench::close_devices();
    return 1;
  }
  bench::close_devices();
  return 0;
}
