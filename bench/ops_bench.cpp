// Op benchmarks: time per op and shape on one device, as GFLOP/s and GB/s and as a share of
// the device's peaks measured in the same run (CPU; GPU peaks: vk_peak_bench). Prints a
// markdown table.
//   ops_bench [--device cpu|vulkanN] [--filter substring] [--min-time seconds] [--kernels old,auto]
// --kernels runs every case once per value of the Vulkan GEMM/conv switches (VKFLOW_VK_GEMM and
// VKFLOW_VK_CONV set to it: old|auto|tiles|l|m|n|s|basic; "old" also sets VKFLOW_VK_ATTN_BLOCK=0),
// e.g. `--filter sd15 --kernels old,tiles` times SD1.5's linear, conv and attention shapes on
// the first kernels (and attention.comp) and on the pipelined tensor-core tiles (and blocked attention).
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_device.hpp"
#include "runtime/core/convert.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/ops/attention.hpp"
#include "runtime/ops/binary.hpp"
#include "runtime/ops/cast.hpp"
#include "runtime/ops/conv.hpp"
#include "runtime/ops/embedding.hpp"
#include "runtime/ops/layout.hpp"
#include "runtime/ops/matmul.hpp"
#include "runtime/ops/norm.hpp"
#include "runtime/ops/softmax.hpp"
#include "runtime/ops/unary.hpp"

using namespace vkflow;

namespace {

struct Case {
  std::string op, shape;
  double flops, bytes;               // per run
  std::function<void()> setup;       // allocates inputs (not timed)
  std::function<Tensor()> run;
};

std::mt19937 g_rng(1);

Tensor rand_tensor(Device& d, Shape s, DType t = DType::F32) {
  std::uniform_real_distribution<float> u(-1, 1);
  int64_t n = numel(s);
  if (dtype_info(t).quantized) {  // random blocks with small f16 scales at the block start
    std::vector<uint8_t> raw(dtype_bytes(t, n));
    for (auto& b : raw) b = static_cast<uint8_t>(g_rng());
    const DTypeInfo& info = dtype_info(t);
    for (size_t o = 0; o + 4 <= raw.size(); o += info.block_bytes) {  // d (and dmin) = 2^-7: no NaN/denormals
      raw[o] = 0x00, raw[o + 1] = 0x20;
      if (t == DType::Q4_K) raw[o + 2] = 0x00, raw[o + 3] = 0x20;
    }
    return Tensor::from_host(d, t, s, raw.data());
  }
  std::vector<float> v(n);
  for (auto& x : v) x = u(g_rng);
  Tensor f = Tensor::from_f32(d, s, v);
  return t == DType::F32 ? f : ops::cast(f, t);
}

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vkflow op benchmarks"};
  std::string device = "cpu", filter;
  double min_time = 0.3;
  std::string kernels;
  app.add_option("--device", device, "cpu or vulkanN");
  app.add_option("--filter", filter, "only ops whose name contains this");
  app.add_option("--min-time", min_time, "seconds per case (at least one run)");
  app.add_option("--kernels", kernels, "comma list: run each case with VKFLOW_VK_GEMM/VKFLOW_VK_CONV set to each");
  CLI11_PARSE(app, argc, argv);

  try {
    Device& dev = bench::pick_device(device);
    // Peaks are measured here for the CPU only; on a GPU the % columns stay empty.
    bench::Peak peak{0, 0, "not measured on this device; see vk_peak_bench"};
    if (dev.kind() == DeviceKind::Cpu) peak = bench::measure_peak(dev);
    std::vector<Tensor> in;  // inputs of the current case
    std::vector<Case> cases;
    auto add = [&](std::string op, std::string shape, double flops, double bytes, std::function<void()> setup,
                   std::function<Tensor()> run) { cases.push_back({op, shape, flops, bytes, setup, run}); };

    auto linear_case = [&](DType wt, int64_t M, int64_t K, int64_t N) {
      double wb = double(dtype_bytes(wt, N * K));
      add("linear " + std::string(dtype_name(wt)), std::to_string(M) + "x" + std::to_string(K) + " @ " + std::to_string(N) + "x" + std::to_string(K),
          2.0 * M * N * K, wb + 4.0 * (M * K + M * N),
          [&, wt, M, K, N] { in = {rand_tensor(dev, {M, K}), rand_tensor(dev, {N, K}, wt)}; },
          [&] { return ops::linear(in[0], in[1]); });
    };
    linear_case(DType::F32, 1024, 768, 768);
    linear_case(DType::F32, 4096, 320, 1280);
    linear_case(DType::F16, 1024, 768, 768);
    linear_case(DType::Q8_0, 256, 3072, 3072);
    linear_case(DType::Q4_K, 256, 3072, 3072);
    linear_case(DType::F16, 1, 4096, 4096);
    linear_case(DType::Q4_K, 1, 4096, 4096);
    // Whisper base decoding: the logits (greedy and beam 5) and the MLP's first layer.
    linear_case(DType::F16, 1, 512, 51865);
    linear_case(DType::F16, 5, 512, 51865);
    linear_case(DType::F16, 1, 512, 2048);
    add("matmul", "8x(1024x64 @ 64x1024)", 2.0 * 8 * 1024 * 1024 * 64, 4.0 * 8 * (2 * 1024 * 64 + 1024 * 1024),
        [&] { in = {rand_tensor(dev, {8, 1024, 64}), rand_tensor(dev, {8, 64, 1024})}; },
        [&] { return ops::matmul(in[0], in[1]); });
    auto conv_case = [&](int64_t C, int64_t O, int64_t HW, int64_t k) {
      double flops = 2.0 * O * C * k * k * HW * HW;
      add("conv2d " + std::to_string(k) + "x" + std::to_string(k), "1x" + std::to_string(C) + "x" + std::to_string(HW) + "x" + std::to_string(HW) + " -> " + std::to_string(O),
          flops, 4.0 * (C * HW * HW + O * HW * HW + O * C * k * k),
          [&, C, O, HW, k] { in = {rand_tensor(dev, {1, C, HW, HW}), rand_tensor(dev, {O, C, k, k})}; },
          [&, k] {
            ops::Conv2dParams p;
            p.pad_h = p.pad_w = static_cast<int32_t>(k / 2);
            return ops::conv2d(in[0], in[1], {}, p);
          });
    };
    conv_case(320, 320, 64, 3);
    conv_case(128, 128, 256, 3);
    conv_case(640, 640, 32, 1);
    auto attn_case = [&](int64_t H, int64_t L, int64_t D) {
      add("attention", "1x" + std::to_string(H) + "x" + std::to_string(L) + "x" + std::to_string(D), 4.0 * H * L * L * D, 4.0 * 4 * H * L * D,
          [&, H, L, D] { in = {rand_tensor(dev, {1, H, L, D}), rand_tensor(dev, {1, H, L, D}), rand_tensor(dev, {1, H, L, D})}; },
          [&] { return ops::attention(in[0], in[1], in[2]); });
    };
    // Whisper base cross-attention while decoding: 1 or 5 query rows over 1500 audio keys.
    auto decode_attn_case = [&](int64_t Lq) {
      const int64_t H = 8, L = 1500, D = 64;
      add("attention decode", std::to_string(Lq) + " rows x 8 heads x 1500 keys x 64", 4.0 * H * Lq * L * D, 4.0 * 2 * H * L * D,
          [&, Lq] { in = {rand_tensor(dev, {1, H, Lq, D}), rand_tensor(dev, {1, H, L, D}), rand_tensor(dev, {1, H, L, D})}; },
          [&] { return ops::attention(in[0], in[1], in[2]); });
    };
    decode_attn_case(1);
    decode_attn_case(5);
    // SD1.5 UNet (512x512, cfg batch 2, f16 weights as in the checkpoints) and VAE decoder shapes.
    auto sd_linear = [&](int64_t M, int64_t K, int64_t N) {
      add("sd15 linear f16", std::to_string(M) + "x" + std::to_string(K) + " @ " + std::to_string(N) + "x" + std::to_string(K),
          2.0 * M * N * K, 2.0 * N * K + 4.0 * (M * K + M * N),
          [&, M, K, N] { in = {rand_tensor(dev, {M, K}), rand_tensor(dev, {N, K}, DType::F16), rand_tensor(dev, {N})}; },
          [&] { return ops::linear(in[0], in[1], in[2]); });
    };
    for (auto [M, c] : {std::pair<int64_t, int64_t>{8192, 320}, {2048, 640}, {512, 1280}}) {  // tokens, channels per level
      sd_linear(M, c, c);
      sd_linear(M, c, 8 * c);
      sd_linear(M, 4 * c, c);
    }
    sd_linear(128, 1280, 1280);
    auto sd_conv = [&](int64_t B, int64_t C, int64_t O, int64_t HW, int64_t k) {
      add("sd15 conv2d f16 " + std::to_string(k) + "x" + std::to_string(k),
          std::to_string(B) + "x" + std::to_string(C) + "x" + std::to_string(HW) + "x" + std::to_string(HW) + " -> " + std::to_string(O),
          2.0 * B * O * C * k * k * HW * HW, 4.0 * B * (C + O) * HW * HW + 2.0 * O * C * k * k,
          [&, B, C, O, HW, k] { in = {rand_tensor(dev, {B, C, HW, HW}), rand_tensor(dev, {O, C, k, k}, DType::F16), rand_tensor(dev, {O})}; },
          [&, k] {
            ops::Conv2dParams p;
            p.pad_h = p.pad_w = static_cast<int32_t>(k / 2);
            return ops::conv2d(in[0], in[1], in[2], p);
          });
    };
    sd_conv(2, 320, 320, 64, 3);
    sd_conv(2, 640, 320, 64, 3);
    sd_conv(2, 640, 640, 32, 3);
    sd_conv(2, 1280, 1280, 16, 3);
    sd_conv(2, 2560, 1280, 16, 3);
    sd_conv(2, 1280, 1280, 8, 3);
    sd_conv(2, 320, 320, 64, 1);
    sd_conv(1, 512, 512, 64, 3);
    sd_conv(1, 512, 512, 128, 3);
    sd_conv(1, 256, 256, 256, 3);
    sd_conv(1, 128, 128, 512, 3);
    auto sd_attn = [&](int64_t L, int64_t Lk, int64_t D) {  // batch 2 x 8 heads
      add("sd15 attention", "2x8x" + std::to_string(L) + "x" + std::to_string(D) + " keys " + std::to_string(Lk),
          4.0 * 16 * L * Lk * D, 4.0 * 16 * (2 * L + 2 * Lk) * D,
          [&, L, Lk, D] { in = {rand_tensor(dev, {2, 8, L, D}), rand_tensor(dev, {2, 8, Lk, D}), rand_tensor(dev, {2, 8, Lk, D})}; },
          [&] { return ops::attention(in[0], in[1], in[2]); });
    };
    sd_attn(4096, 4096, 40);
    sd_attn(1024, 1024, 80);
    sd_attn(256, 256, 160);
    sd_attn(4096, 77, 40);
    attn_case(8, 4096, 40);
    attn_case(24, 1024, 128);
    const int64_t E = 1 << 22;
    add("group_norm", "1x320x64x64 g32", 8.0 * 320 * 4096, 8.0 * 320 * 4096,
        [&] { in = {rand_tensor(dev, {1, 320, 64, 64})}; }, [&] { return ops::group_norm(in[0], 32); });
    add("layer_norm", "4096x1280", 8.0 * 4096 * 1280, 8.0 * 4096 * 1280,
        [&] { in = {rand_tensor(dev, {4096, 1280})}; }, [&] { return ops::layer_norm(in[0]); });
    add("softmax", "8192x1024", 5.0 * 8192 * 1024, 8.0 * 8192 * 1024,
        [&] { in = {rand_tensor(dev, {8192, 1024})}; }, [&] { return ops::softmax(in[0]); });
    add("gelu", "4M", 10.0 * E, 8.0 * E, [&] { in = {rand_tensor(dev, {E})}; }, [&] { return ops::gelu(in[0]); });
    add("silu", "4M", 5.0 * E, 8.0 * E, [&] { in = {rand_tensor(dev, {E})}; }, [&] { return ops::silu(in[0]); });
    add("add", "4M + 4M", 1.0 * E, 12.0 * E, [&] { in = {rand_tensor(dev, {E}), rand_tensor(dev, {E})}; },
        [&] { return ops::add(in[0], in[1]); });
    add("mul bcast", "2x320x64x64 * 320x1x1", 1.0 * 2 * 320 * 4096, 8.0 * 2 * 320 * 4096,
        [&] { in = {rand_tensor(dev, {2, 320, 64, 64}), rand_tensor(dev, {320, 1, 1})}; }, [&] { return ops::mul(in[0], in[1]); });
    add("permute", "1x4096x8x40 -> 0213", 0, 8.0 * 4096 * 320, [&] { in = {rand_tensor(dev, {1, 4096, 8, 40})}; },
        [&] { return ops::permute(in[0], {0, 2, 1, 3}); });
    add("concat", "2x(1x320x64x64) axis1", 0, 16.0 * 320 * 4096,
        [&] { in = {rand_tensor(dev, {1, 320, 64, 64}), rand_tensor(dev, {1, 320, 64, 64})}; }, [&] { return ops::concat(in, 1); });
    add("upsample_nearest", "1x320x32x32 x2", 0, 4.0 * 5 * 320 * 1024, [&] { in = {rand_tensor(dev, {1, 320, 32, 32})}; },
        [&] { return ops::upsample_nearest(in[0], 2); });
    add("cast f16->f32", "4M", 0, 6.0 * E, [&] { in = {rand_tensor(dev, {E}, DType::F16)}; },
        [&] { return ops::cast(in[0], DType::F32); });
    add("cast q4_k->f32", "4M", 0, 4.5 / 8 * E + 4.0 * E, [&] { in = {rand_tensor(dev, {E}, DType::Q4_K)}; },
        [&] { return ops::cast(in[0], DType::F32); });

    char date[64];
    std::time_t t = std::time(nullptr);
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&t));
    std::printf("device: %s, threads: %d, date: %s\n", dev.name().c_str(), cpu::num_threads(), date);
    std::printf("measured peak: %.1f GFLOP/s fp32, %.1f GB/s copy (%s)\n\n", peak.gflops, peak.gbps, peak.how.c_str());
    std::printf("| op | shape | ms | GFLOP/s | %% FLOP peak | GB/s | %% BW peak |\n|---|---|---:|---:|---:|---:|---:|\n");
    std::vector<std::string> variants;
    for (size_t a = 0, b; a <= kernels.size(); a = b + 1) {
      b = kernels.find(',', a);
      if (b == std::string::npos) b = kernels.size();
      if (b > a) variants.push_back(kernels.substr(a, b - a));
    }
    if (variants.empty()) variants.push_back("");  // the switches as the environment sets them
    for (Case& c : cases) {
      for (const std::string& v : variants) {
      if (!filter.empty() && c.op.find(filter) == std::string::npos) continue;
      if (!v.empty()) {
        setenv("VKFLOW_VK_GEMM", v.c_str(), 1);
        setenv("VKFLOW_VK_CONV", v.c_str(), 1);
        setenv("VKFLOW_VK_ATTN_BLOCK", v == "old" ? "0" : "1", 1);  // old: attention.comp
      }
      std::string label = v.empty() ? c.op : c.op + " [" + v + "]";
      c.setup();
      c.run();  // warm-up
      dev.synchronize();
      int reps = 0;
      double t0 = now(), t1 = t0;
      do {
        Tensor y = c.run();
        dev.synchronize();
        ++reps;
        t1 = now();
      } while (t1 - t0 < min_time);
      double s = (t1 - t0) / reps;
      double gf = c.flops / s / 1e9, gb = c.bytes / s / 1e9;
      std::string gfs = c.flops > 0 ? std::to_string(gf).substr(0, std::to_string(gf).find('.') + 2) : "-";
      std::string gfp = c.flops > 0 && peak.gflops > 0 ? std::to_string(100.0 * gf / peak.gflops).substr(0, std::to_string(100.0 * gf / peak.gflops).find('.') + 2) : "-";
      std::string bwp = peak.gbps > 0 ? std::to_string(100.0 * gb / peak.gbps).substr(0, std::to_string(100.0 * gb / peak.gbps).find('.') + 2) : "-";
      std::printf("| %s | %s | %.2f | %s | %s | %.1f | %s |\n", label.c_str(), c.shape.c_str(), s * 1e3, gfs.c_str(),
                  gfp.c_str(), gb, bwp.c_str());
      std::fflush(stdout);
      in.clear();
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ops_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
