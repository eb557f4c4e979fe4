// The pipeline cache is written on the first run and read back by the next.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "runtime/core/atomic_write.hpp"
#include "runtime/core/error.hpp"
#include "tests/common/paths.hpp"
#include "tests/vulkan/vk_test_util.hpp"

namespace vkflow {
namespace {

TEST(VulkanPipelineCache, WrittenThenReused) {
  VKFLOW_REQUIRE_VULKAN();
  auto dir = test::scratch_dir("vk_pipeline_cache");
  const char* old = std::getenv("VKFLOW_CACHE_DIR");
  std::string saved = old ? old : "";
  setenv("VKFLOW_CACHE_DIR", dir.c_str(), 1);
  std::filesystem::path file;
  {
    vulkan::VulkanDevice dev;
    file = dev.pipeline_cache().path();
    EXPECT_EQ(file.parent_path(), dir);
    EXPECT_FALSE(dev.pipeline_cache().loaded_from_disk());
    Tensor t = Tensor::empty(dev, DType::F32, {100});
    test::vk_fill(dev, t, 1.0f);
    dev.synchronize();
  }
  ASSERT_TRUE(std::filesystem::exists(file));
  EXPECT_GT(std::filesystem::file_size(file), 0u);
  for (auto& e : std::filesystem::directory_iterator(dir))  // no temp files left behind
    EXPECT_FALSE(is_atomic_temp(e.path())) << e.path();
  {
    vulkan::VulkanDevice dev;
    EXPECT_TRUE(dev.pipeline_cache().loaded_from_disk());
    EXPECT_EQ(dev.pipeline_cache().loaded_bytes(), std::filesystem::file_size(file));
  }
  // A corrupt file is ignored and replaced, not fatal.
  { std::ofstream(file, std::ios::binary) << "garbage"; }
  {
    vulkan::VulkanDevice dev;
    EXPECT_FALSE(dev.pipeline_cache().loaded_from_disk());
    Tensor t = Tensor::empty(dev, DType::F32, {100});
    test::vk_fill(dev, t, 2.0f);
    EXPECT_EQ(t.to_f32()[99], 2.0f);
  }
  EXPECT_GT(std::filesystem::file_size(file), 7u);
  if (old) setenv("VKFLOW_CACHE_DIR", saved.c_str(), 1);
  else unsetenv("VKFLOW_CACHE_DIR");
}

TEST(VulkanDevices, EnumerationDescribesEveryDevice) {
  VKFLOW_REQUIRE_VULKAN();
  auto devs = vk::enumerate_devices();
  ASSERT_FALSE(devs.empty());
  for (auto& d : devs) {
    EXPECT_FALSE(d.name.empty());
    EXPECT_GT(d.subgroup_size, 0u);
    EXPECT_GT(d.max_storage_range, 0u);
    EXPECT_FALSE(d.heaps.empty());
  }
  EXPECT_EQ(vk::choose_device("0").name, devs[0].name);
  EXPECT_THROW(vk::choose_device("no-such-gpu-xyz"), Error);
  EXPECT_THROW(vk::choose_device("99"), Error);
}

}  // namespace
}  // namespace vkflow
