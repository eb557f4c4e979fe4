#include "scheduler/profiles.hpp"

namespace vkflow::scheduler {
namespace {

constexpr uint64_t GiB = 1ull << 30;
constexpr double G = 1e9, T = 1e12;

// Hosts the GPU profiles come with. The RX 580 host is the seed story's machine.
HostSpec xeon_e5_2690v3() { return {"Xeon E5-2690 v3, 12 cores, 32 GiB DDR4 quad channel", 32 * GiB, 0.45 * T, 50 * G, 2 * G}; }
HostSpec desktop_16g() { return {"8-core AVX2 desktop, 16 GiB DDR4", 16 * GiB, 0.3 * T, 30 * G, 2 * G}; }
HostSpec desktop_32g() { return {"8-core AVX2 desktop, 32 GiB DDR4", 32 * GiB, 0.3 * T, 30 * G, 3 * G}; }
HostSpec server_256g() { return {"64-core server, 256 GiB DDR5", 256 * GiB, 2 * T, 200 * G, 6 * G}; }

}  // namespace

const std::vector<Profile>& profiles() {
  // {name, vram, max_alloc, flops, bandwidth, link, fast_fp16}
  static const std::vector<Profile> p = {
      {"rx580-8gb", "AMD RX 580 8 GB (Polaris): fp32 only, 4 GiB max allocation, PCIe 3.0",
       {{"AMD Radeon RX 580", 8 * GiB, 4 * GiB, 3.1 * T, 200 * G, 12 * G, false}}, xeon_e5_2690v3()},
      {"cpu-only", "no GPU: everything on the host CPU", {}, desktop_16g()},
      {"gtx1060-6gb", "NVIDIA GTX 1060 6 GB (Pascal): slow fp16",
       {{"NVIDIA GeForce GTX 1060 6GB", 6 * GiB, 4 * GiB, 2.2 * T, 150 * G, 12 * G, false}}, desktop_16g()},
      {"rtx3060-12gb", "NVIDIA RTX 3060 12 GB (Ampere)",
       {{"NVIDIA GeForce RTX 3060", 12 * GiB, 4 * GiB, 6.4 * T, 300 * G, 24 * G, true}}, desktop_32g()},
      {"rx6600-8gb", "AMD RX 6600 8 GB (RDNA2)",
       {{"AMD Radeon RX 6600", 8 * GiB, 4 * GiB, 4.5 * T, 190 * G, 12 * G, true}}, desktop_32g()},
      {"h100-80gb", "NVIDIA H100 80 GB (Hopper), PCIe 5.0 host",
       {{"NVIDIA H100 80GB HBM3", 80 * GiB, 64 * GiB, 30 * T, 2500 * G, 50 * G, true}}, server_256g()},
  };
  return p;
}

const Profile* find_profile(std::string_view name) {
  for (const auto& p : profiles())
    if (p.name == name) return &p;
  return nullptr;
}

std::string profile_names() {
  std::string s;
  for (const auto& p : profiles()) s += (s.empty() ? "" : ", ") + p.name;
  return s;
}

}  // namespace vkflow::scheduler
