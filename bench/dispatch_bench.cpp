// Host cost of recording small ops: a decoder-step-like chain (layer norm, f16 matvec with a
// residual epilogue, GELU matvec, add) on one row, repeated. Prints the calling thread's CPU
// time per dispatch (what each op costs the host before the GPU sees it) and the wall time
// per dispatch with the GPU in the loop. Run under `perf record` to see where the host time
// goes; compare devices, paths and VKFLOW_VK_* knobs.
//   dispatch_bench [--device 0] [--path fp32|fast] [--width 1280] [--steps 200]
#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>
#include <vector>

#include <CLI/CLI.hpp>

#include "runtime/core/convert.hpp"
#include "runtime/core/error.hpp"
#include "runtime/ops/binary.hpp"
#include "runtime/ops/matmul.hpp"
#include "runtime/ops/norm.hpp"
#include "runtime/vulkan/vulkan_device.hpp"

using namespace vkflow;

namespace {

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

Tensor random_tensor(Device& dev, Shape s, DType t, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-0.05f, 0.05f);
  std::vector<float> v(static_cast<size_t>(numel(s)));
  for (float& x : v) x = u(rng);
  if (t == DType::F32) return Tensor::from_f32(dev, s, v);
  std::vector<uint16_t> h(v.size());
  for (size_t i = 0; i < v.size(); ++i) h[i] = f32_to_f16(v[i]);
  return Tensor::from_host(dev, t, s, h.data());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Host cost per recorded op (decoder-step-like chain of one-row ops)"};
  std::string device = "0", path;
  int64_t width = 1280;
  int steps = 200;
  app.add_option("--device", device, "Vulkan device index or name");
  app.add_option("--path", path, "fp32 or fast (default: the device's default)");
  app.add_option("--width", width, "model width (the MLP is 4x)")->check(CLI::Range(64, 8192));
  app.add_option("--steps", steps, "chain repetitions per measurement")->check(CLI::Range(1, 100000));
  CLI11_PARSE(app, argc, argv);
  try {
    if (!vulkan::available()) throw Error("no Vulkan driver");
    vulkan::Options o;
    o.device = device;
    if (path == "fp32") o.path = vulkan::Path::Fp32;
    else if (path == "fast") o.path = vulkan::Path::Fast;
    else if (!path.empty()) throw Error("--path must be fp32 or fast");
    vulkan::VulkanDevice dev(o);
    std::mt19937 rng(1);
    const Tensor ln_w = random_tensor(dev, {width}, DType::F32, rng), ln_b = random_tensor(dev, {width}, DType::F32, rng);
    const Tensor w1 = random_tensor(dev, {width, width}, DType::F16, rng), b1 = random_tensor(dev, {width}, DType::F32, rng);
    const Tensor w2 = random_tensor(dev, {4 * width, width}, DType::F16, rng);
    const Tensor w3 = random_tensor(dev, {width, 4 * width}, DType::F16, rng);
    Tensor x = random_tensor(dev, {1, 1, width}, DType::F32, rng);
    auto dispatches = [&] { return dev.stream().dispatch_count(); };
    auto chain = [&](Tensor h) {
      for (int i = 0; i < steps; ++i) {
        Tensor n = ops::layer_norm(h, ln_w, ln_b);
        h = ops::linear(n, w1, b1, {.residual = h});
        n = ops::linear(ops::layer_norm(h, ln_w, ln_b), w2, {}, {.gelu = true});
        h = ops::add(h, ops::linear(n, w3));
      }
      return h;
    };
    chain(x);  // warm-up: pipelines, allocator blocks
    dev.synchronize();
    const uint64_t d0 = dispatches();
    const double c0 = thread_cpu_s();
    const auto t0 = std::chrono::steady_clock::now();
    Tensor y = chain(x);
    const double record_cpu = thread_cpu_s() - c0;
    dev.synchronize();
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double n = double(dispatches() - d0);
    std::printf("%s: %d steps, %.0f dispatches\n", dev.name().c_str(), steps, n);
    std::printf("  host CPU per dispatch  %.2f us (calling thread, while recording)\n", 1e6 * record_cpu / n);
    std::printf("  wall per dispatch      %.2f us (GPU included)\n", 1e6 * wall / n);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dispatch_bench: %s\n", e.what());
    return 1;
  }
}
