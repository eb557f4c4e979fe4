#pragma once
// The planning flags `vkflow plan` and `vkflow run` share: --profile, --vram, --ram, --pin,
// --device; the machine and planner options they give; PlanInfeasible as JSON.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "scheduler/budget.hpp"
#include "scheduler/plan_builder.hpp"
#include "scheduler/plan_infeasible.hpp"

namespace vkflow::cli {

struct PlanFlags {
  std::string profile, vram, ram, device;
  std::vector<std::string> pins;
};

void add_plan_flags(CLI::App* cmd, PlanFlags& f);

// Checked flags (Error naming the flag when one is bad): budget overrides, the profile (null =
// the live machine) and the pins.
struct PlanSetup {
  scheduler::BudgetOverrides overrides;
  const scheduler::Profile* profile = nullptr;
  scheduler::BuildOptions build;
};
PlanSetup parse_plan_flags(const PlanFlags& f);

// The profile's machine, or this machine's live devices, with the overrides.
scheduler::Machine plan_machine(const PlanSetup& s);

nlohmann::json infeasible_json(const scheduler::PlanInfeasible& e);

}  // namespace vkflow::cli
