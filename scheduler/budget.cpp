#include "scheduler/budget.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "runtime/core/error.hpp"

namespace vkflow::scheduler {

namespace {
constexpr uint64_t MiB = 1ull << 20, GiB = 1ull << 30;

DeviceBudget host_budget(const HostSpec& h, uint64_t usable, std::string source) {
  DeviceBudget b;
  b.name = "cpu";
  b.description = h.name.empty() ? "host RAM" : h.name;
  b.kind = DeviceKind::Cpu;
  b.total = h.ram;
  b.usable = usable;
  b.flops = h.flops;
  b.bandwidth = h.bandwidth;
  b.disk_bandwidth = h.disk_bandwidth;
  b.source = std::move(source);
  return b;
}

DeviceBudget gpu_budget(const GpuSpec& g, int index, uint64_t total, uint64_t usable, std::string source) {
  DeviceBudget b;
  b.name = "vulkan" + std::to_string(index);
  b.description = g.name;
  b.kind = DeviceKind::Vulkan;
  b.index = index;
  b.total = total;
  b.usable = usable;
  b.max_alloc = g.max_alloc;
  b.flops = g.flops;
  b.bandwidth = g.bandwidth;
  b.link_bandwidth = g.link_bandwidth;
  b.source = std::move(source);
  return b;
}
}  // namespace

int Machine::host_index() const {
  for (size_t i = 0; i < devices.size(); ++i)
    if (devices[i].kind == DeviceKind::Cpu) return static_cast<int>(i);
  throw Error("machine '" + name + "' has no host entry");
}

uint64_t gpu_reserve(uint64_t heap) { return std::max<uint64_t>(256 * MiB, heap / 20); }
uint64_t host_reserve(uint64_t ram) { return std::max<uint64_t>(1 * GiB, ram / 10); }

Machine machine_from_profile(const Profile& p, const BudgetOverrides& o) {
  Machine m;
  m.name = p.name;
  for (size_t i = 0; i < p.gpus.size(); ++i) {
    const auto& g = p.gpus[i];
    uint64_t usable = o.vram ? *o.vram : g.vram - gpu_reserve(g.vram);
    m.devices.push_back(gpu_budget(g, static_cast<int>(i), g.vram, usable,
                                   o.vram ? "--vram" : "profile " + p.name + " minus reserve"));
  }
  uint64_t ram = o.ram ? *o.ram : p.host.ram - host_reserve(p.host.ram);
  m.devices.push_back(host_budget(p.host, ram, o.ram ? "--ram" : "profile " + p.name + " minus reserve"));
  return m;
}

uint64_t meminfo_field(const std::string& text, const std::string& field) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) != 0) continue;
    std::istringstream ls(line.substr(field.size() + 1));
    uint64_t v = 0;
    std::string unit;
    if (!(ls >> v)) break;
    ls >> unit;
    return unit == "kB" ? v * 1024 : v;
  }
  throw Error("/proc/meminfo: no " + field + " field");
}

static std::string read_meminfo() {
  std::ifstream f("/proc/meminfo");
  if (!f) throw Error("/proc/meminfo: cannot read (use --ram SIZE)");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

uint64_t HostOnlySource::host_total() { return meminfo_field(read_meminfo(), "MemTotal"); }
uint64_t HostOnlySource::host_available() { return meminfo_field(read_meminfo(), "MemAvailable"); }

Machine machine_from_live(LiveDeviceSource& src, const BudgetOverrides& o, const Profile* rates) {
  if (!rates) rates = find_profile("rtx3060-12gb");
  Machine m;
  m.name = "this machine";
  auto gpus = src.gpus();
  for (size_t i = 0; i < gpus.size(); ++i) {
    const auto& lg = gpus[i];
    GpuSpec spec = rates->gpus.empty() ? GpuSpec{} : rates->gpus.front();
    spec.name = lg.name;
    spec.max_alloc = lg.max_alloc;
    uint64_t avail = lg.heap_budget ? std::min(*lg.heap_budget, lg.heap_size) : lg.heap_size;
    uint64_t reserve = gpu_reserve(lg.heap_size);
    uint64_t usable = o.vram ? *o.vram : (avail > reserve ? avail - reserve : 0);
    std::string source = o.vram ? "--vram"
                         : lg.heap_budget ? "VK_EXT_memory_budget minus reserve"
                                          : "device-local heap minus reserve";
    m.devices.push_back(gpu_budget(spec, static_cast<int>(i), lg.heap_size, usable, source));
  }
  HostSpec h = rates->host;
  h.name = "host RAM";
  h.ram = src.host_total();
  uint64_t usable = 0;
  if (o.ram) {
    usable = *o.ram;
  } else {
    // MemAvailable already excludes what other processes hold; keep a small margin.
    uint64_t avail = src.host_available();
    usable = avail > 512 * MiB ? avail - 512 * MiB : 0;
  }
  m.devices.push_back(host_budget(h, usable, o.ram ? "--ram" : "MemAvailable minus 512 MiB"));
  return m;
}

}  // namespace vkflow::scheduler
