#include "scheduler/plan_infeasible.hpp"

#include "scheduler/byte_size.hpp"

namespace vkflow::scheduler {

static std::string describe(const std::string& node, const std::string& type,
                            const std::vector<Shortage>& ss, const std::vector<std::string>& remedies,
                            const std::string& pin_note) {
  std::string m = "plan infeasible: node " + node + " (" + type + ") fits on no device" + pin_note + ".";
  for (const auto& s : ss) {
    m += "\n  " + s.device + (s.runs_on.empty() ? "" : " (host RAM for " + s.runs_on + ")") + ": ";
    if (s.what == "largest buffer") {
      m += "'" + s.option + "' needs a single buffer of " + format_size(s.needed) +
           " but the largest allocation is " + format_size(s.usable) + ": short by " +
           format_size(s.short_by());
      continue;
    }
    m += "'" + s.option + "' needs " + format_size(s.needed) + " (weights " + format_size(s.weights) +
         " + working memory " + format_size(s.peak);
    if (s.other) m += " + other live data " + format_size(s.other);
    m += ") but " + format_size(s.usable) + " is usable: short by " + format_size(s.short_by());
  }
  if (!remedies.empty()) {
    m += "\nTo make it fit:";
    for (const auto& r : remedies) m += "\n  - " + r;
  }
  return m;
}

PlanInfeasible::PlanInfeasible(std::string node_, std::string type_, std::vector<Shortage> ss,
                               std::vector<std::string> rem, std::string pin_note)
    : Error(describe(node_, type_, ss, rem, pin_note)),
      node(std::move(node_)), type(std::move(type_)), shortages(std::move(ss)), remedies(std::move(rem)) {}

}  // namespace vkflow::scheduler
