#pragma once
// Where a run's time went, per node, as a benchmark needs it: total, model loads, named
// phases (e.g. a FLUX text encode's clip_l and t5 passes), the rest (compute), and for nodes
// that report progress (samplers) the step times: the first (pipeline builds, warm-up) apart
// from the mean of the others. Numbers come from nodes::NodeTiming (nodes/node_timing.hpp).
#include <string>
#include <vector>

namespace vkflow::scheduler {

struct NodeReport;
// The table `vkflow run` prints after the memory report, ending with the run's total.
std::string timings_text(const std::vector<NodeReport>& nodes, double total_seconds);

}  // namespace vkflow::scheduler
