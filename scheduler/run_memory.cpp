#include "scheduler/run_memory.hpp"

#include <algorithm>
#include <sstream>

#include "scheduler/byte_size.hpp"
#include "scheduler/executor.hpp"

namespace vkflow::scheduler {

nlohmann::json NodeMemory::to_json() const {
  return {{"device", device}, {"measured_peak", measured_peak}, {"estimated_peak", estimated_peak},
          {"measured_weights", measured_weights}, {"estimated_weights", estimated_weights}};
}

nlohmann::json DeviceMemory::to_json() const {
  return {{"device", device}, {"description", description}, {"measured_peak", measured_peak},
          {"estimated_peak", estimated_peak}, {"usable", usable}};
}

namespace {
std::string pad(std::string s, size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}
}  // namespace

std::string memory_text(const std::vector<DeviceMemory>& devices, const std::vector<NodeReport>& nodes) {
  size_t wd = 6, wn = 4, wt = 4;
  for (const auto& d : devices) wd = std::max(wd, d.device.size() + 2);
  for (const auto& n : nodes)
    if (n.status == NodeStatus::Ran) wn = std::max(wn, n.node.size() + 2), wt = std::max(wt, n.type.size() + 2);
  std::ostringstream o;
  o << "memory, measured peak / plan's estimate (allocator-accounted; plain host buffers are not measured):\n";
  for (const auto& d : devices) {
    o << "  " << pad(d.device, wd) << pad(format_size(d.measured_peak), 11) << "/ "
      << pad(d.estimated_peak ? format_size(d.estimated_peak) : "-", 11);
    if (d.usable) o << "budget " << pad(format_size(d.usable), 11);
    o << d.description << "\n";
  }
  bool any = false;
  for (const auto& n : nodes) {
    if (n.status != NodeStatus::Ran) continue;
    const auto& m = n.memory;
    if (!any) o << "  per node: working memory, then weights loaded:\n";
    any = true;
    o << "    " << pad(n.node, wn) << pad(n.type, wt) << pad(m.device, wd) << pad(format_size(m.measured_peak), 11)
      << "/ " << pad(format_size(m.estimated_peak), 11);
    if (m.measured_weights || m.estimated_weights)
      o << "+ " << format_size(m.measured_weights) << " / " << format_size(m.estimated_weights);
    o << "\n";
  }
  return o.str();
}

}  // namespace vkflow::scheduler
