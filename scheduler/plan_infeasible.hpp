#pragma once
// The error the planner throws when no placement fits: which node, which devices are short
// and by how much, and what would make it fit. Nothing has run when this is thrown.
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/core/error.hpp"

namespace vkflow::scheduler {

struct Shortage {
  std::string device;        // "vulkan0": the memory that is short
  std::string runs_on;       // the node's device when that differs (streamed weights in host RAM)
  std::string option;        // the most frugal option tried there ("tile 32/8")
  uint64_t needed = 0;       // bytes that option needs on the device at that step
  uint64_t usable = 0;       // bytes the device may use
  uint64_t weights = 0;      // part of `needed` that is model weights
  uint64_t peak = 0;         // part of `needed` that is the node's working memory
  uint64_t other = 0;        // part held by other live models / outputs
  std::string what;          // "memory" or "largest buffer" (maxMemoryAllocationSize)
  uint64_t short_by() const { return needed > usable ? needed - usable : 0; }
};

struct PlanInfeasible : Error {
  PlanInfeasible(std::string node, std::string type, std::vector<Shortage> shortages,
                 std::vector<std::string> remedies, std::string pin_note = "");
  std::string node, type;
  std::vector<Shortage> shortages;   // one per device tried, least short first
  std::vector<std::string> remedies;
};

}  // namespace vkflow::scheduler
