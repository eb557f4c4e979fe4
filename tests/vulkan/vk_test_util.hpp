#pragma once
// Shared set-up for the Vulkan backend tests: skip (never fail) when no Vulkan device exists.
#include <gtest/gtest.h>

#include "runtime/vulkan/vulkan_device.hpp"

#define VKFLOW_REQUIRE_VULKAN()                                                   \
  do {                                                                            \
    if (!::vkflow::vulkan::available()) GTEST_SKIP() << "no Vulkan device found"; \
  } while (0)

namespace vkflow::test {
// Fills `t` (f32) with `value` through the embedded fill shader: one recorded dispatch.
inline void vk_fill(vulkan::VulkanDevice& dev, const Tensor& t, float value) {
  struct {
    uint32_t n;
    float value;
  } p{static_cast<uint32_t>(t.numel()), value};
  const auto& pipe = dev.pipeline("fill", 1, sizeof(p), {64});
  dev.dispatch(pipe, {vulkan::out(t)}, p, static_cast<uint32_t>((t.numel() + 63) / 64));
}
}  // namespace vkflow::test
