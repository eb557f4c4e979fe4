#include "runtime/vulkan/instance.hpp"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

namespace vkflow::vk {

namespace {
bool env_on(const char* name) {
  const char* v = std::getenv(name);
  return v && *v && std::string(v) != "0";
}

bool has_layer(const char* name) {
  uint32_t n = 0;
  vkEnumerateInstanceLayerProperties(&n, nullptr);
  std::vector<VkLayerProperties> layers(n);
  vkEnumerateInstanceLayerProperties(&n, layers.data());
  for (auto& l : layers)
    if (std::strcmp(l.layerName, name) == 0) return true;
  return false;
}
}  // namespace

Instance* Instance::get() {
  static std::once_flag once;
  static std::unique_ptr<Instance> inst;
  std::call_once(once, [] {
    auto self = std::unique_ptr<Instance>(new Instance());
    uint32_t loader_version = VK_API_VERSION_1_0;
    if (vkEnumerateInstanceVersion(&loader_version) != VK_SUCCESS) return;
    // 1.2 gives us subgroup/float16 property queries in core; 1.1 is the floor.
    self->api_version_ = loader_version >= VK_API_VERSION_1_2 ? VK_API_VERSION_1_2 : VK_API_VERSION_1_1;
    VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.pApplicationName = "vkflow";
    app.pEngineName = "vkflow";
    app.apiVersion = self->api_version_;
    std::vector<const char*> layers;
    const char* kValidation = "VK_LAYER_KHRONOS_validation";
    if (env_on("VKFLOW_VK_VALIDATION")) {
      if (has_layer(kValidation)) {
        layers.push_back(kValidation);
        self->validation_ = true;
      } else {
        spdlog::warn("VKFLOW_VK_VALIDATION is set but {} is not installed", kValidation);
      }
    }
    VkInstanceCreateInfo ci{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    ci.pApplicationInfo = &app;
    ci.enabledLayerCount = static_cast<uint32_t>(layers.size());
    ci.ppEnabledLayerNames = layers.data();
    VkInstance h = VK_NULL_HANDLE;
    if (vkCreateInstance(&ci, nullptr, &h) != VK_SUCCESS) return;
    self->instance_ = Handle<VkInstance>(h, [](VkInstance i) { vkDestroyInstance(i, nullptr); });
    inst = std::move(self);
  });
  return inst.get();
}

}  // namespace vkflow::vk
