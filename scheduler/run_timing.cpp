#include "scheduler/run_timing.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <sstream>

#include "scheduler/executor.hpp"

namespace vkflow::scheduler {
namespace {
std::string secs(double s) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3f", s);
  return b;
}
std::string pad(std::string s, size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}
}  // namespace

std::string timings_text(const std::vector<NodeReport>& nodes, double total_seconds) {
  size_t wn = 6, wt = 6, wd = 8;
  for (const auto& n : nodes)
    if (n.status == NodeStatus::Ran)
      wn = std::max(wn, n.node.size() + 2), wt = std::max(wt, n.type.size() + 2), wd = std::max(wd, n.memory.device.size() + 2);
  std::ostringstream o;
  o << "timings, seconds (load: weights read and on the device; compute: the rest of the node):\n"
    << "  " << pad("node", wn) << pad("type", wt) << pad("device", wd) << pad("total", 9) << pad("load", 9)
    << pad("compute", 9) << "phases / steps\n";
  double load = 0;
  for (const auto& n : nodes) {
    if (n.status != NodeStatus::Ran) continue;
    const auto& t = n.timing;
    load += t.load_seconds;
    o << "  " << pad(n.node, wn) << pad(n.type, wt) << pad(n.memory.device, wd) << pad(secs(t.seconds), 9)
      << pad(secs(t.load_seconds), 9) << pad(secs(std::max(0.0, t.seconds - t.load_seconds)), 9);
    std::string extra;
    for (const auto& [name, s] : t.phases) extra += (extra.empty() ? "" : ", ") + name + " " + secs(s);
    if (t.step_seconds.size() > 1) {
      const auto& st = t.step_seconds;
      const double rest = std::accumulate(st.begin() + 1, st.end(), 0.0) / static_cast<double>(st.size() - 1);
      extra += (extra.empty() ? "" : "; ") + std::to_string(st.size()) + " steps: first " + secs(st[0]) + ", then " +
               secs(rest) + "/step";
    } else if (t.step_seconds.size() == 1 && n.type.find("Sampler") != std::string::npos) {
      extra += (extra.empty() ? "" : "; ") + std::string("1 step: ") + secs(t.step_seconds[0]);
    }
    o << extra << "\n";
  }
  o << "  total " << secs(total_seconds) << " (model loads " << secs(load) << ")\n";
  return o.str();
}

}  // namespace vkflow::scheduler
