// `vkflow run` with the planner: it plans before anything runs (refusing infeasible workflows
// with exit 4 and the planner's reasons), runs, and reports measured peaks beside estimates.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "cli_helpers.hpp"
#include "tests/common/paths.hpp"

using namespace vkflow::test;

namespace {
bool files_under_empty(const std::filesystem::path& d) {
  return !std::filesystem::exists(d) || std::filesystem::recursive_directory_iterator(d) == std::filesystem::recursive_directory_iterator();
}
// The image fixture of the estimate-vs-measured test (load, scale, invert, save).
std::string demo() { return (data_dir() / "estimates" / "image.json").string(); }
}  // namespace

TEST(CliRun, RunsThePlanAndPrintsMeasuredPeaksBesideEstimates) {
  auto out = scratch_dir("cli_run_demo");
  auto r = vkflow_cli("run " + demo() + " --out " + out.string() + " --device cpu");
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_NE(r.out.find("memory, measured peak / plan's estimate"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n  cpu   0 B"), std::string::npos) << r.out;  // the media nodes' buffers are plain host memory
  EXPECT_NE(r.out.find("\n    save    SaveImage"), std::string::npos) << r.out;
}

TEST(CliRun, JsonCarriesMemoryPerDeviceAndNode) {
  auto out = scratch_dir("cli_run_json");
  auto r = vkflow_cli("run " + demo() + " --out " + out.string() + " --json --quiet");
  ASSERT_EQ(r.rc, 0) << r.out;
  auto j = nlohmann::json::parse(r.out.substr(r.out.find('{')));
  ASSERT_EQ(j["memory"]["devices"].size(), 1u) << j.dump(1);  // media nodes all run on the CPU
  EXPECT_EQ(j["memory"]["devices"][0]["device"], "cpu");
  EXPECT_GT(j["memory"]["devices"][0]["estimated_peak"].get<uint64_t>(), 0u);
  ASSERT_EQ(j["memory"]["nodes"].size(), 4u);
  for (const auto& n : j["memory"]["nodes"]) {
    EXPECT_EQ(n["memory"]["device"], "cpu");
    EXPECT_TRUE(n["memory"].contains("measured_peak"));
    EXPECT_TRUE(n["memory"].contains("estimated_peak"));
  }
  EXPECT_TRUE(j["replans"].empty());
}

TEST(CliRun, InfeasibleIsRefusedBeforeAnythingRuns) {
  auto out = scratch_dir("cli_run_infeasible");
  auto r = vkflow_cli("run " + demo() + " --out " + out.string() + " --ram 64K");
  EXPECT_EQ(r.rc, 4) << r.out;
  EXPECT_NE(r.out.find("plan infeasible: node"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("more RAM: --ram"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("nothing ran"), std::string::npos) << r.out;
  EXPECT_TRUE(files_under_empty(out)) << "no output may be written";
}

TEST(CliRun, InfeasibleAsJson) {
  auto r = vkflow_cli("run " + demo() + " --out " + scratch_dir("cli_run_infeasible_json").string() + " --ram 64K --json");
  EXPECT_EQ(r.rc, 4) << r.out;
  auto j = nlohmann::json::parse(r.out.substr(r.out.find('{'), r.out.rfind('}') - r.out.find('{') + 1));
  EXPECT_EQ(j["ok"], false);
  EXPECT_FALSE(j["shortages"].empty());
}

TEST(CliRun, PinsThatCannotBeHonouredAreRefused) {
  // The image nodes run only on the CPU; pinning one to the GPU has no placement.
  auto r = vkflow_cli("run " + demo() + " --out " + scratch_dir("cli_run_pin").string() + " --pin scale=vulkan");
  EXPECT_EQ(r.rc, 4) << r.out;
  EXPECT_NE(r.out.find("scale"), std::string::npos) << r.out;
}

TEST(CliRun, BadPlanFlagsAreUsageErrors) {
  EXPECT_EQ(vkflow_cli("run " + demo() + " --vram lots").rc, 2);
  EXPECT_EQ(vkflow_cli("run " + demo() + " --pin scale").rc, 2);
  EXPECT_EQ(vkflow_cli("run " + demo() + " --profile no-such-card").rc, 2);
  EXPECT_EQ(vkflow_cli("run " + demo() + " --device tpu").rc, 2);
}
