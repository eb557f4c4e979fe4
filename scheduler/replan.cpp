#include "scheduler/replan.hpp"

#include <algorithm>
#include <set>

#include "scheduler/byte_size.hpp"
#include "scheduler/placement_eval.hpp"

namespace vkflow::scheduler {

namespace {
const PlanNode& node_of(const PlanInput& in, const std::string& id) {
  for (const auto& n : in.nodes)
    if (n.id == id) return n;
  throw Error("re-plan: node " + id + " is not in the planner input");
}

int device_of(const Machine& m, const std::string& name) {
  for (size_t i = 0; i < m.devices.size(); ++i)
    if (m.devices[i].name == name) return static_cast<int>(i);
  throw Error("re-plan: device " + name + " is not in the machine");
}
}  // namespace

Replan replan_after_oom(const PlanInput& in, const Machine& m, const Plan& current, size_t failed,
                        const OutOfMemory& error) {
  if (failed >= current.steps.size()) throw Error("re-plan: step " + std::to_string(failed) + " is not in the plan");
  const Placement& bad = current.steps[failed];
  const int dev = device_of(m, bad.device_name);
  const PlanNode& bad_node = node_of(in, bad.node);

  // What the failed option needs on its device: the bar every retry there must stay under.
  uint64_t bar = 0;
  for (const auto& fp : bad_node.variants)
    if (fp.device == bad.device && fp.options == bad.options) {
      auto need = detail::need_of(fp, dev, m);
      bar = need.dev_weights + need.dev_peak;
    }
  if (bar == 0) bar = bad.weight_bytes + bad.peak_bytes;

  PlanInput rest;
  std::set<std::string> remaining;
  for (size_t i = failed; i < current.steps.size(); ++i) remaining.insert(current.steps[i].node);
  for (size_t i = failed; i < current.steps.size(); ++i) {
    PlanNode n = node_of(in, current.steps[i].node);
    if (i == failed) {
      std::vector<models::Footprint> keep;
      for (auto& fp : n.variants) {
        bool same_kind = fp.device == bad.device;
        auto need = detail::need_of(fp, dev, m);
        if (!same_kind || need.dev_weights + need.dev_peak < bar) keep.push_back(fp);
      }
      n.variants = std::move(keep);
      if (n.variants.empty())
        throw PlanInfeasible(n.id, n.type, {}, {"more memory on " + bad.device_name + " (--vram) or another device"},
                             " after running out of memory on " + bad.device_name);
    }
    rest.nodes.push_back(std::move(n));
  }
  // Outputs of finished nodes that remaining nodes still read stay in host RAM.
  rest.host_reserved = in.host_reserved;
  for (const auto& n : in.nodes) {
    if (remaining.count(n.id)) continue;
    bool needed = false;
    for (const auto& r : rest.nodes)
      needed |= std::find(r.inputs_from.begin(), r.inputs_from.end(), n.id) != r.inputs_from.end();
    if (needed) rest.host_reserved += n.output_bytes;
  }

  Replan r;
  r.plan = place(rest, m);
  const Placement& now = r.plan.steps.front();
  auto opt = [](const Placement& p) { return p.label.empty() ? std::string("default") : "'" + p.label + "'"; };
  r.message = "out of memory on " + error.device + " at node " + bad.node + " (" + bad.type + ", " + opt(bad) +
              ", requested " + format_size(error.requested) + " with " + format_size(error.in_use) +
              " in use): re-planned the remaining " + std::to_string(r.plan.steps.size()) + " step(s); node " +
              bad.node + " now runs " + opt(now) + " on " + now.device_name;
  r.plan.notes.insert(r.plan.notes.begin(), r.message);
  r.input = std::move(rest);
  return r;
}

}  // namespace vkflow::scheduler
