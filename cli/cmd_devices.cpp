// `vkflow devices [--json]`: every Vulkan device (heaps, budgets, type, driver, subgroup
// size, fast-path features, limits) and the CPU (cores, RAM available).
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "runtime/vulkan/device_info.hpp"

namespace vkflow::cli {
namespace {

// MemTotal / MemAvailable from /proc/meminfo, in bytes (0 when unreadable).
std::pair<uint64_t, uint64_t> host_memory() {
  std::ifstream f("/proc/meminfo");
  std::string key;
  uint64_t kb = 0, total = 0, avail = 0;
  std::string unit;
  while (f >> key >> kb >> unit) {
    if (key == "MemTotal:") total = kb * 1024;
    if (key == "MemAvailable:") avail = kb * 1024;
  }
  return {total, avail};
}

std::string gib(uint64_t b) { return fmt::format("{:.2f} GiB", double(b) / double(1ull << 30)); }

nlohmann::json to_json(const vk::DeviceInfo& d) {
  nlohmann::json heaps = nlohmann::json::array();
  for (auto& h : d.heaps)
    heaps.push_back({{"size", h.size}, {"budget", h.budget}, {"usage", h.usage},
                     {"device_local", h.device_local}, {"host_visible", h.host_visible}});
  return {{"index", d.index}, {"name", d.name}, {"type", d.type},
          {"vendor_id", d.vendor_id}, {"device_id", d.device_id},
          {"driver", d.driver_name}, {"driver_info", d.driver_info}, {"driver_version", d.driver_version_string},
          {"api_version", fmt::format("{}.{}.{}", VK_API_VERSION_MAJOR(d.api_version), VK_API_VERSION_MINOR(d.api_version),
                                      VK_API_VERSION_PATCH(d.api_version))},
          {"heaps", heaps}, {"memory_budget_ext", d.has_memory_budget},
          {"subgroup_size", d.subgroup_size},
          {"features", {{"fp16", d.fp16_arith}, {"storage16", d.storage16}, {"int8", d.int8_arith},
                        {"storage8", d.storage8}, {"coop_matrix_nv", d.coop_matrix_nv},
                        {"push_descriptor", d.has_push_descriptor}}},
          {"limits", {{"max_allocation", d.max_allocation}, {"max_storage_buffer_range", d.max_storage_range},
                      {"max_shared_memory", d.max_shared_memory}, {"max_workgroup_invocations", d.max_workgroup_invocations},
                      {"max_push_constants", d.max_push_constants}}}};
}

int run_devices(bool json) {
  auto devs = vk::enumerate_devices();
  auto [total, avail] = host_memory();
  unsigned cores = std::thread::hardware_concurrency();
  if (json) {
    nlohmann::json j;
    j["vulkan"] = nlohmann::json::array();
    for (auto& d : devs) j["vulkan"].push_back(to_json(d));
    j["cpu"] = {{"cores", cores}, {"ram_total", total}, {"ram_available", avail}};
    std::cout << j.dump(2) << "\n";
    return kOk;
  }
  if (devs.empty()) std::cout << "Vulkan: no device found (is a Vulkan driver installed?)\n";
  for (auto& d : devs) {
    std::cout << fmt::format("vulkan{}: {} ({}, {} {}, Vulkan {}.{})\n", d.index, d.name, d.type,
                             d.driver_name.empty() ? "driver" : d.driver_name, d.driver_version_string,
                             VK_API_VERSION_MAJOR(d.api_version), VK_API_VERSION_MINOR(d.api_version));
    for (size_t h = 0; h < d.heaps.size(); ++h) {
      const auto& hp = d.heaps[h];
      std::cout << fmt::format("  heap {}: {}{}{}", h, gib(hp.size), hp.device_local ? " device-local" : "",
                               hp.host_visible ? " host-visible" : "");
      if (d.has_memory_budget) std::cout << fmt::format(", budget {}, used {}", gib(hp.budget), gib(hp.usage));
      std::cout << "\n";
    }
    std::cout << fmt::format("  subgroup {}, fp16 {}, int8 {}, coop-matrix {}, memory-budget {}\n", d.subgroup_size,
                             d.fp16_arith ? "yes" : "no", d.int8_arith ? "yes" : "no", d.coop_matrix_nv ? "yes (NV)" : "no",
                             d.has_memory_budget ? "yes" : "no");
    std::cout << fmt::format("  limits: allocation {}, storage binding {} MiB, shared memory {} KiB\n", gib(d.max_allocation),
                             d.max_storage_range >> 20, d.max_shared_memory / 1024);
  }
  std::cout << fmt::format("cpu: {} cores, {} RAM available of {}\n", cores, gib(avail), gib(total));
  return kOk;
}

const CommandRegistrar reg{Command{[](CLI::App& app, GlobalOptions&) {
  auto* sub = app.add_subcommand("devices", "List Vulkan devices (memory, budget, features) and the CPU");
  auto json = std::make_shared<bool>(false);
  sub->add_flag("--json", *json, "Machine-readable output");
  return std::function<int()>([json] { return run_devices(*json); });
}}};

}  // namespace
}  // namespace vkflow::cli
