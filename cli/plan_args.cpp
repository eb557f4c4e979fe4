#include "cli/plan_args.hpp"

#include "scheduler/byte_size.hpp"
#include "scheduler/live_devices.hpp"
#include "scheduler/profiles.hpp"

namespace vkflow::cli {

void add_plan_flags(CLI::App* cmd, PlanFlags& f) {
  cmd->add_option("--profile", f.profile, "plan for a named machine: " + scheduler::profile_names());
  cmd->add_option("--vram", f.vram, "memory the plan may use on each GPU (8GiB, 7.5G, 512MiB)");
  cmd->add_option("--ram", f.ram, "host memory the plan may use");
  cmd->add_option("--pin", f.pins, "pin a node: ID=cpu|vulkan (repeatable; beats the workflow's \"device\")");
  cmd->add_option("--device", f.device, "pin every node: cpu|vulkan (auto: the planner chooses)");
}

PlanSetup parse_plan_flags(const PlanFlags& f) {
  PlanSetup s;
  if (!f.vram.empty()) s.overrides.vram = scheduler::parse_size(f.vram, "--vram");
  if (!f.ram.empty()) s.overrides.ram = scheduler::parse_size(f.ram, "--ram");
  if (!f.profile.empty() && !(s.profile = scheduler::find_profile(f.profile)))
    throw Error("--profile: unknown profile '" + f.profile + "' (known: " + scheduler::profile_names() + ")");
  if (!f.device.empty()) {
    auto pin = scheduler::parse_pin(f.device, "--device");
    if (pin != graph::DevicePin::Auto) s.build.pin_all = pin;
  }
  for (const auto& p : f.pins) {
    auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) throw Error("--pin: '" + p + "' is not NODE=cpu|vulkan");
    s.build.pins[p.substr(0, eq)] = scheduler::parse_pin(p.substr(eq + 1), "--pin " + p.substr(0, eq));
  }
  return s;
}

scheduler::Machine plan_machine(const PlanSetup& s) {
  if (s.profile) return scheduler::machine_from_profile(*s.profile, s.overrides);
  auto live = scheduler::live_device_source();
  return scheduler::machine_from_live(*live, s.overrides);
}

nlohmann::json infeasible_json(const scheduler::PlanInfeasible& e) {
  nlohmann::json j = {{"ok", false}, {"error", e.what()}, {"node", e.node}, {"type", e.type},
                      {"remedies", e.remedies}, {"shortages", nlohmann::json::array()}};
  for (const auto& s : e.shortages)
    j["shortages"].push_back({{"device", s.device}, {"runs_on", s.runs_on}, {"option", s.option},
                              {"needed", s.needed}, {"usable", s.usable}, {"short_by", s.short_by()},
                              {"weights", s.weights}, {"peak", s.peak}, {"other", s.other}, {"what", s.what}});
  return j;
}

}  // namespace vkflow::cli
