// Vulkan op benchmark: measures the device's own peaks in the same run (an FMA-chain shader
// for fp32 — and fp16 on fast-path devices — and a vec4 copy shader for bandwidth), then
// GFLOP/s or GB/s per op and shape as a percentage of those peaks, on the fp32 path and
// the fast path. Prints a Markdown table (bench/RESULTS.md keeps the recorded ones).
//   vk_peak_bench [--quick] [--path fp32|fast|both] [--device N|name]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
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
  // Warm up for a fifth of the timed span: pipeline creation, allocator spares, GPU clocks.
  for (auto w0 = Clock::now(); std::chrono::duration<double>(Clock::now() - w0).count() < min_s / 5;) {
    fn();
    dev.synchronize();
  }
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

// Runs fn with environment variable `name` set to `value` (restored afterwards).
void with_env(const char* name, const char* value, const std::function<void()>& fn) {
  const char* old = std::getenv(name);
  std::string saved = old ? old : "";
  setenv(name, value, 1);
  fn();
  if (old) setenv(name, saved.c_str(), 1);
  else unsetenv(name);
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
  // A/B of the GEMM register-block layout (strided vs contiguous, see gemm_core.glsl).
  rows.push_back({"linear f32 (contiguous blocks)", fmt::format("{0}x{0} · {0}x{0}", S), mm, 0,
                  [&] { with_env("VKFLOW_VK_GEMM_CONTIG", "1", [&] { ops::linear(x, w32); }); }});
  rows.push_back({"linear f16 weight", fmt::format("{0}x{0} · {0}x{0}", S), mm, 0, [&] { ops::linear(x, w16); }});
  Tensor w8 = rand_tensor(dev, {S, S}, DType::F32);
  rows.push_back({"matmul f32", fmt::format("{0}x{0} · {0}x{0}", S), mm, 0, [&] { ops::matmul(x, w8); }});
  // SD1.5 UNet 3x3 convs at 512x512 (64x64 latent): 320/640/1280 channels at 64/32/16 px,
  // batch 2 as sampling with CFG runs them; the first shape also at batch 1 (earlier tables).
  // "(basic)"/"(coop)" rows pin the kernels off/on cooperative matrices (VKFLOW_VK_CONV=basic,
  // VKFLOW_VK_ATTN=coop) for an A/B on the fast path.
  ops::Conv2dParams cp;
  cp.pad_h = cp.pad_w = 1;
  struct ConvShape { int64_t n, c, hw; };
  std::vector<ConvShape> convs = quick ? std::vector<ConvShape>{{1, 64, 32}, {2, 128, 16}}
                                       : std::vector<ConvShape>{{1, 320, 64}, {2, 320, 64}, {2, 640, 32}, {2, 1280, 16}};
  std::deque<std::vector<Tensor>> conv_t;  // deque: rows keep references
  for (const auto& cs : convs) {
    conv_t.push_back({rand_tensor(dev, {cs.n, cs.c, cs.hw, cs.hw}), rand_tensor(dev, {cs.c, cs.c, 3, 3}), rand_tensor(dev, {cs.c})});
    const auto& t = conv_t.back();
    std::string shape = fmt::format("{0}x{1}x{2}x{2}, {1}->{1}", cs.n, cs.c, cs.hw);
    double fl = 2.0 * cs.n * cs.c * cs.c * 9 * cs.hw * cs.hw;
    rows.push_back({"conv2d 3x3", shape, fl, 0, [&t, &cp] { ops::conv2d(t[0], t[1], t[2], cp); }});
    if (&cs == &convs[1] || quick) rows.push_back({"conv2d 3x3 (basic)", shape, fl, 0, [&t, &cp] { with_env("VKFLOW_VK_CONV", "basic", [&] { ops::conv2d(t[0], t[1], t[2], cp); }); }});
  }
  // Attention: SD1.5 self-attention at 512x512 (4096 tokens, 8 heads of 40) and the Whisper
  // large-v3(-turbo) encoder (1500 frames, 20 heads of 64).
  struct AttnShape { int64_t h, l, d; };
  std::vector<AttnShape> attns = quick ? std::vector<AttnShape>{{8, 512, 40}, {4, 300, 64}} : std::vector<AttnShape>{{8, 4096, 40}, {20, 1500, 64}};
  std::deque<std::vector<Tensor>> attn_t;
  for (const auto& as : attns) {
    attn_t.push_back({rand_tensor(dev, {1, as.h, as.l, as.d}), rand_tensor(dev, {1, as.h, as.l, as.d}), rand_tensor(dev, {1, as.h, as.l, as.d})});
    const auto& t = attn_t.back();
    std::string shape = fmt::format("1x{}x{}x{}", as.h, as.l, as.d);
    double fl = 4.0 * as.h * as.l * as.l * as.d;
    rows.push_back({"attention", shape, fl, 0, [&t] { ops::attention(t[0], t[1], t[2]); }});
    rows.push_back({"attention (coop)", shape, fl, 0, [&t] { with_env("VKFLOW_VK_ATTN", "coop", [&] { ops::attention(t[0], t[1], t[2]); }); }});
  }
  int64_t E = quick ? (1 << 20) : (1 << 26);
  Tensor ea = rand_tensor(dev, {E}), eb = rand_tensor(dev, {E});
  rows.push_back({"add", fmt::format("{}", E), 0, 12.0 * E, [&] { ops::add(ea, eb); }});
  rows.push_back({"silu", fmt::format("{}", E), 0, 8.0 * E, [&] { ops::silu(ea); }});
  Tensor sm = rand_tensor(dev, {quick ? 512 : 8 * 4096, 4096});
  double smb = 8.0 * sm.numel();
  rows.push_back({"softmax", to_string(sm.shape()), 0, smb, [&] { ops::softmax(sm); }});
  rows.push_back({"layer_norm", to_string(sm.shape()), 0, smb, [&] { ops::layer_norm(sm); }});
  for (const auto& cs : convs) {
    conv_t.push_back({rand_tensor(dev, {cs.n, cs.c, cs.hw, cs.hw})});
    const Tensor& gx = conv_t.back()[0];
    rows.push_back({"group_norm", to_string(gx.shape()), 0, 8.0 * gx.numel(), [&gx] { ops::group_norm(gx, 32); }});
  }

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
