#pragma once
// Test-only fake nodes for the planner: footprints built by hand (never registered as node
// types), and a machine with round budgets.
#include <string>
#include <vector>

#include "scheduler/budget.hpp"
#include "scheduler/planner.hpp"

namespace vkflow::test {

constexpr uint64_t MiB = 1ull << 20, GiB = 1ull << 30;

inline models::Footprint fp(DeviceKind dev, std::string label, std::vector<models::WeightUse> w,
                            uint64_t peak, double flops, double moved = 0) {
  models::Footprint f;
  f.device = dev;
  f.label = label;
  f.options = {{"variant", label}};
  f.weights = std::move(w);
  f.peak_bytes = peak;
  f.largest_alloc = peak / 2;  // a node's biggest buffer is part of its working memory
  f.flops = flops;
  f.bytes_moved = moved;
  return f;
}
inline models::Footprint gpu(std::string label, std::vector<models::WeightUse> w, uint64_t peak, double flops) {
  return fp(DeviceKind::Vulkan, std::move(label), std::move(w), peak, flops);
}
inline models::Footprint cpu(std::string label, std::vector<models::WeightUse> w, uint64_t peak, double flops) {
  return fp(DeviceKind::Cpu, std::move(label), std::move(w), peak, flops);
}
inline scheduler::PlanNode node(std::string id, std::string type, std::vector<models::Footprint> v,
                                std::vector<std::string> from = {}) {
  scheduler::PlanNode n;
  n.id = std::move(id);
  n.type = std::move(type);
  n.variants = std::move(v);
  n.inputs_from = std::move(from);
  return n;
}
// rx580-8gb rates with exactly `vram` and `ram` usable.
inline scheduler::Machine machine(uint64_t vram, uint64_t ram) {
  return scheduler::machine_from_profile(*scheduler::find_profile("rx580-8gb"), {vram, ram});
}

}  // namespace vkflow::test
