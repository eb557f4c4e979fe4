#pragma once
// How `vkflow plan` shows a plan: the placement table, the per-device memory timeline, and the
// same as JSON.
#include <string>

#include <nlohmann/json.hpp>

#include "scheduler/budget.hpp"
#include "scheduler/plan.hpp"

namespace vkflow::scheduler {

std::string budgets_text(const Machine& m);
std::string placement_table(const Plan& p);
std::string memory_timeline(const Plan& p);
nlohmann::json plan_json(const Plan& p, const Machine& m);

}  // namespace vkflow::scheduler
