// T5 encoder wall time on a real (or manifest-built) T5 file: load time, then the encode of
// `--rows` x `--tokens` ids, resident or streamed block by block, on the CPU or a Vulkan device.
//   t5_bench FILE [--device cpu|vulkan] [--stream] [--tokens 256] [--rows 1] [--repeat 3]
// Prints load seconds, per-encode seconds (best and mean) and the device's peak bytes.
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <vector>

#include <CLI/CLI.hpp>

#include "runtime/cpu/cpu_device.hpp"
#include "runtime/formats/model_file.hpp"
#include "runtime/models/t5/t5_encoder.hpp"
#include "runtime/models/t5/t5_streaming.hpp"
#include "runtime/vulkan/vulkan_device.hpp"

using namespace vkflow;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  CLI::App app{"T5 encoder timing"};
  std::string file, device = "cpu";
  bool stream = false;
  int64_t tokens = 256, rows = 1;
  int repeat = 3;
  app.add_option("file", file, "T5 encoder file (t5xxl_fp16.safetensors, GGUF, ...)")->required();
  app.add_option("--device", device, "cpu or vulkan");
  app.add_flag("--stream", stream, "stream weights block by block (GPU)");
  app.add_option("--tokens", tokens, "tokens per row");
  app.add_option("--rows", rows, "rows (prompts)");
  app.add_option("--repeat", repeat, "timed encodes");
  CLI11_PARSE(app, argc, argv);
  try {
    std::unique_ptr<vulkan::VulkanDevice> vk;
    if (device == "vulkan") vk = std::make_unique<vulkan::VulkanDevice>();
    else if (device != "cpu") throw Error("unknown device " + device);
    Device& dev = vk ? static_cast<Device&>(*vk) : cpu::device();
    const auto m = formats::ModelFile::open(file);
    std::vector<int64_t> ids(static_cast<size_t>(tokens * rows), 0);
    for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<int64_t>(3 + (i * 7919) % 30000);

    auto t0 = Clock::now();
    std::optional<models::T5Encoder> whole;
    std::optional<models::T5StreamingEncoder> streamed;
    if (stream) streamed.emplace(m, dev);
    else whole.emplace(m, dev);
    dev.synchronize();
    const double load = std::chrono::duration<double>(Clock::now() - t0).count();
    dev.reset_peak();
    double best = 1e30, sum = 0;
    for (int r = 0; r < repeat; ++r) {
      t0 = Clock::now();
      Tensor y = stream ? streamed->encode(ids, rows) : whole->encode(ids, rows);
      std::vector<float> host = y.to_f32();  // waits for the device
      const double s = std::chrono::duration<double>(Clock::now() - t0).count();
      best = std::min(best, s);
      sum += s;
    }
    std::printf("device %s%s: load %.2f s, encode %lldx%lld best %.3f s mean %.3f s, peak %.2f GiB\n",
                dev.name().c_str(), stream ? " (streamed)" : "", load, static_cast<long long>(rows),
                static_cast<long long>(tokens), best, sum / repeat, dev.memory().peak / double(1ull << 30));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "t5_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
