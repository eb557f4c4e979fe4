// Vulkan op benchmark: measures the device's own peaks in the same run (an FMA-chain shader
// for fp32 — and fp16 on fast-path devices — and a vec4 copy shader for bandwidth), then
// GFLOP/s or GB/s per op and shape as a percentage of those peaks, on the fp32 path and
// the fast path. Prints a Markdown table (bench/RESULTS.md keeps the recorded ones).
//   vk_peak_bench [--quick] [--path fp32|fast|both] [--device N|name]
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "runtime/ops/attention.hpp"
#include "runtime/ops/binary.hpp"
#include "runtime/ops/cast.hpp"
#include "runtime/ops/conv.hpp"
#include "runtime/ops/matmul.hpp"
#include "runtime/ops/norm.hpp"
#include "runtime/ops/softmax.hpp"
#include "runtime/ops/unary.hpp"
#include "runtime/vulkan/ops/kernel_util.hpp"
#include "runtime/vulkan/vulkan_device.hpp"

using namespace vkflow;
using Clock = std::chrono::steady_clock;

namespace {

// Runs fn until at least `min_s` seconds have passed (after one warm-up), returns s/call.
double time_it(vulkan::VulkanDevice& dev, const std::function<void()>& fn, double min_s = 0.5) {
  fn();
  dev.synchronize();
  int reps = 0;
  auto t0 = Clock::now();
  double el = 0;
  do {
    fn();
    ++reps;
    if (reps % 4 == 0 || reps < 4) {
      dev.synchronize();
      el = std::chrono::duration<double>(Clock::now() - t0).count();
    }
  } while (el < min_s);
  dev.synchronize();
  el = std::chrono::duration<double>(Clock::now() - t0).count();
  return el / reps;
}

Tensor rand_tensor(Device& dev, Shape s, DType t = DType::F32) {
  std::vector<float> v(numel(s));
  std::mt19937 r(42);
  std::uniform_real_distribution<float> u(-1, 1);
  for (float& x : v) x = u(r);
  Tensor f = Tensor::from_f32(dev, s, v);
  if (t == DType::F32) return f;
  return ops::cast(f, t);
}

struct Peaks {
  double fma32 = 0, fma16 = 0, copy = 0;  // GFLOP/s, GFLOP/s, GB/s
};

Peaks measure_peaks(vulkan::VulkanDevice& dev, bool quick) {
  Peaks pk;
  const uint32_t iters = quick ? 256 : 2048;
  const uint64_t inv = quick ? (1u << 14) : (1u << 21);
  Tensor out = Tensor::empty(dev, DType::F32, {int64_t(inv) * 4});
  struct { float m, c; } p{0.999f, 0.001f};
  for (int f16 = 0; f16 < (dev.info().fp16_arith ? 2 : 1); ++f16) {
    const auto& pipe = dev.pipeline(f16 ? "peak_fma_f16" : "peak_fma", 1, sizeof(p), {256, iters});
    auto g = vulkan::grid_for(inv);
    double s = time_it(dev, [&] { dev.dispatch(pipe, {vulkan::out(out)}, p, g.x, g.y); });
    double gflops = double(inv) * iters * 64 / s / 1e9;
    (f16 ? pk.fma16 : pk.fma32) = gflops;
  }
  uint64_t n = quick ? (8u << 20) : (256u << 20);  // bytes
  Tensor a = Tensor::empty(dev, DType::F32, {int64_t(n / 4)}), b = Tensor::empty(dev, DType::F32, {int64_t(n / 4)});
  const auto& cp = dev.pipeline("copy_vec4", 2, 4, {256});
  uint32_t nv = static_cast<uint32_t>(n / 16);
  auto g = vulkan::grid_for(nv);
  double s = time_it(dev, [&] { dev.dispatch(cp, {vulkan::in(a), vulkan::out(b)}, nv, g.x, g.y); });
  pk.copy = 2.0 * double(n) / s / 1e9;
  return pk;
}

struct Row {
  std::string op, shape;
  double flops = 0, bytes = 0;  // per call; one of them drives the % column
  std::function<void()> fn;
};

void run_path(vulkan::Path path, const std::string& device, bool quick) {
  vulkan::Options o;
  o.device = device;
  o.path = path;
  vulkan::VulkanDevice dev(o);
  Peaks pk = measure_peaks(dev, quick);
  std::cout << fmt::format("\n### {}\n\n", dev.name());
  std::cout << fmt::format("Driver {} {} ({}), subgroup {}, coop matrix {}. Measured peaks: fp32 FMA {:.0f} GFLOP/s",
                           dev.info().driver_name, dev.info().driver_version_string, dev.info().driver_info,
                           dev.info().subgroup_size, dev.info().coop_matrix_nv ? "yes" : "no", pk.fma32);
  if (pk.fma16 > 0) std::cout << fmt::format(", fp16 FMA {:.0f} GFLOP/s", pk.fma16);
  std::cout << fmt::format(", copy {:.0f} GB/s.\n\n", pk.copy);
  std::cout << "| op | shape | ms | GFLOP/s | GB/s | % of peak |\n|---|---|---|---|---|---|\n";

  const int64_t S = quick ? 512 : 4096;  // matmul size
  std::vector<Row> rows;
  Tensor x = rand_tensor(dev, {S, S});
  Tensor w32 = rand_tensor(dev, {S, S});
  Tensor w16 = rand_tensor(dev, {S, S}, DType::F16);
  double mm = 2.0 * S * S * S;
  rows.push_back({"linear f32", fmt::format("{0}x{0} · {0}x{0}", S), mm, 0, [&] { ops::linear(x, w32); }});
  rows.push_back({"linear f16 weight", fmt::format("{0}x{0} · {0}x{0}", S), mm, 0, [&] { ops::linear(x, w16); }});
  Tensor w8 = rand_tensor(dev, {S, S}, DType::F32);
  rows.push_back({"matmul f32", fmt::format("{0}x{0} · {0}x{0}", S), mm, 0, [&] { ops::matmul(x, w8); }});
  // SD1.5 UNet conv at 512x512 (64x64 latent, 320 channels, 3x3).
  int64_t C = quick ? 64 : 320, HW = quick ? 32 : 64;
  Tensor cx = rand_tensor(dev, {1, C, HW, HW}), cw = rand_tensor(dev, {C, C, 3, 3}), cb = rand_tensor(dev, {C});
  ops::Conv2dParams cp;
  cp.pad_h = cp.pad_w = 1;
  rows.push_back({"conv2d 3x3", fmt::format("1x{0}x{1}x{1}, {0}->{0}", C, HW), 2.0 * C * C * 9 * HW * HW, 0,
                  [&] { ops::conv2d(cx, cw, cb, cp); }});
  // SD1.5 self-attention at 512x512: 4096 tokens, 8 heads of 40.
  int64_t L = quick ? 512 : 4096;
  Tensor q = rand_tensor(dev, {1, 8, L, 40}), k = rand_tensor(dev, {1, 8, L, 40}), v = rand_tensor(dev, {1, 8, L, 40});
  rows.push_back({"attention", fmt::format("1x8x{}x40", L), 4.0 * 8 * L * L * 40, 0, [&] { ops::attention(q, k, v); }});
  int64_t E = quick ? (1 << 20) : (1 << 26);
  Tensor ea = rand_tensor(dev, {E}), eb = rand_tensor(dev, {E});
  rows.push_back({"add", fmt::format("{}", E), 0, 12.0 * E, [&] { ops::add(ea, eb); }});
  rows.push_back({"silu", fmt::format("{}", E), 0, 8.0 * E, [&] { ops::silu(ea); }});
  Tensor sm = rand_tensor(dev, {quick ? 512 : 8 * 4096, 4096});
  double smb = 8.0 * sm.numel();
  rows.push_back({"softmax", to_string(sm.shape()), 0, smb, [&] { ops::softmax(sm); }});
  rows.push_back({"layer_norm", to_string(sm.shape()), 0, smb, [&] { ops::layer_norm(sm); }});
  Tensor gx = rand_tensor(dev, {1, C, HW, HW});
  rows.push_back({"group_norm", to_string(gx.shape()), 0, 8.0 * gx.numel(), [&] { ops::group_norm(gx, 32); }});

  for (auto& r : rows) {
    double s = time_it(dev, r.fn, quick ? 0.2 : 0.5);
    double gf = r.flops / s / 1e9, gb = r.bytes / s / 1e9;
    double pct = r.flops > 0 ? 100.0 * gf / pk.fma32 : 100.0 * gb / pk.copy;
    std::cout << fmt::format("| {} | {} | {:.3f} | {} | {} | {:.1f}% {} |\n", r.op, r.shape, s * 1e3,
                             r.flops > 0 ? fmt::format("{:.1f}", gf) : "", r.bytes > 0 ? fmt::format("{:.1f}", gb) : "",
                             pct, r.flops > 0 ? "fp32 FMA" : "copy");
    std::cout.flush();
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Vulkan op benchmark with measured peaks"};
  bool quick = false;
  std::string path = "both", device;
  app.add_flag("--quick", quick, "Small shapes (software rasterizers, CI)");
  app.add_option("--path", path, "fp32, fast or both")->check(CLI::IsMember({"fp32", "fast", "both"}));
  app.add_option("--device", device, "Vulkan device index or name substring");
  CLI11_PARSE(app, argc, argv);
  try {
    if (!vulkan::available()) {
      std::cout << "no Vulkan device\n";
      return 0;
    }
    std::time_t now = std::time(nullptr);
    char date[32];
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
    std::cout << "## Vulkan ops, " << date << (quick ? " (quick shapes)" : "") << "\n";
    if (path != "fast") run_path(vulkan::Path::Fp32, device, quick);
    if (path != "fp32") {
      vulkan::VulkanDevice probe;
      if (probe.fast_available()) run_path(vulkan::Path::Fast, device, quick);
      else std::cout << "\n(no fast path on this device)\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
