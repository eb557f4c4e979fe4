#include <gtest/gtest.h>

#include "runtime/cpu/cpu_device.hpp"
#include "runtime/formats/weight_loader.hpp"
#include "tests/common/devices.hpp"
#include "tests/common/paths.hpp"

using namespace vkflow;
using namespace vkflow::formats;

// On the CPU the loader reads straight into the tensors (Direct, one preadv per run of
// tensors) or stages chunks (Staged); on other devices (Vulkan) it stages chunks and uploads
// them, with plain or O_DIRECT reads.
TEST(WeightLoader, StreamsEveryWeightInSmallChunksExactly) {
  using HP = LoadOptions::HostPath;
  for (Device* dev : test::test_devices())
  for (auto [odirect, host] : {std::pair{false, HP::Direct}, {false, HP::Staged}, {true, HP::Staged}, {false, HP::Auto}})
  for (const char* file : {"formats/flux_tiny-Q8_0-Q4_0.gguf", "formats/rvc_tiny_v2_40k.pth", "formats/rmvpe_tiny.pt"}) {
    SCOPED_TRACE(dev->name() + (odirect ? " O_DIRECT " : " ") + std::to_string(static_cast<int>(host)) + " " + file);
    auto m = ModelFile::open(test::data_dir() / file);
    LoadOptions opt;
    opt.chunk_bytes = 1;  // clamps to 1 MiB: several chunks, weights split across them
    opt.direct_io = odirect;
    opt.host_path = host;
    LoadStats st;
    auto ts = load_weights(m, *dev, opt, &st);
    ASSERT_EQ(ts.size(), m.weights().size()) << file;
    EXPECT_EQ(st.tensors, ts.size());
    EXPECT_GT(st.bytes, 0u);
    std::vector<uint8_t> scratch;
    for (auto& w : m.weights()) {
      const Tensor& t = ts.at(w.name);
      EXPECT_EQ(t.dtype(), w.dtype) << w.name;
      EXPECT_EQ(t.shape(), w.shape) << w.name;
      auto want = m.bytes(w, scratch);
      std::vector<uint8_t> got(t.nbytes());
      t.copy_to_host(got.data(), got.size());
      ASSERT_EQ(got.size(), want.size()) << w.name;
      EXPECT_EQ(0, std::memcmp(got.data(), want.data(), got.size())) << w.name;
    }
  }
}

TEST(WeightLoader, SelectsAndDequantizes) {
  auto m = ModelFile::open(test::data_dir() / "formats/flux_tiny-Q8_0-Q4_0.gguf");
  LoadOptions opt;
  opt.select = [](const WeightInfo& w) { return w.name.starts_with("double_blocks.0.img_attn"); };
  opt.as_f32 = [](const WeightInfo& w) { return dtype_info(w.dtype).quantized; };
  auto ts = load_weights(m, cpu::device(), opt);
  ASSERT_EQ(ts.count("double_blocks.0.img_attn.qkv.weight"), 1u);
  EXPECT_EQ(ts.count("img_in.weight"), 0u);
  const Tensor& q = ts.at("double_blocks.0.img_attn.qkv.weight");
  EXPECT_EQ(q.dtype(), DType::F32);
  EXPECT_EQ(q.to_f32(), m.read_f32("double_blocks.0.img_attn.qkv.weight"));
}
