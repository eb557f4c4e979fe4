// `vkflow plan` end to end: exit codes, the table, JSON, profiles and overrides, with the
// I/O nodes (their estimates come from file headers) and a workflow written by the test.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli_helpers.hpp"
#include "tests/common/paths.hpp"

using namespace vkflow::test;

namespace {
using Result = CliResult;
Result run(const std::string& args) { return vkflow_cli("plan " + args); }

std::string workflow(const std::string& extra_save = "") {
  auto dir = scratch_dir("planner_cli");
  auto png = (source_dir() / "workflows" / "assets" / "demo_image.png").string();
  std::string wf = R"({"vkflow": 1, "nodes": {
    "load": {"type": "LoadImage", "inputs": {"image": ")" + png + R"("}},
    "scale": {"type": "ImageScale", "inputs": {"image": {"from": "load", "output": "image"}, "width": 2048, "height": 0}},
    "save": {"type": "SaveImage", )" + extra_save + R"("inputs": {"images": {"from": "scale", "output": "image"}}}}})";
  auto path = dir / "wf.json";
  std::ofstream(path) << wf;
  return path.string();
}
}  // namespace

TEST(CliPlan, PrintsTableAndTimelineForAProfile) {
  auto r = run(workflow() + " --profile rx580-8gb");
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_NE(r.out.find("machine: rx580-8gb"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("vulkan0  AMD Radeon RX 580: 7.60 GiB usable of 8.00 GiB"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("scale  ImageScale"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cpu (28.8 GiB usable"), std::string::npos) << r.out;
}

TEST(CliPlan, JsonCarriesShapesFromTheImageHeader) {
  auto r = run(workflow() + " --profile cpu-only --json");
  ASSERT_EQ(r.rc, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["ok"], true);
  ASSERT_EQ(j["steps"].size(), 3u);
  EXPECT_EQ(j["steps"][0]["node"], "load");
  // The host timeline holds the scaled image (2048 wide, same aspect as the demo PNG) from the
  // scale step until the save step has read it.
  std::ifstream png(source_dir() / "workflows" / "assets" / "demo_image.png", std::ios::binary);
  unsigned char b[24];
  png.read(reinterpret_cast<char*>(b), 24);
  uint64_t w = (b[16] << 24) | (b[17] << 16) | (b[18] << 8) | b[19], h = (b[20] << 24) | (b[21] << 16) | (b[22] << 8) | b[23];
  uint64_t scaled = 2048 * ((h * 2048 + w / 2) / w) * 3 * 4;
  auto resident = j["timeline"][0]["resident"];
  EXPECT_EQ(resident[2].get<uint64_t>(), scaled) << j["timeline"].dump();
}

TEST(CliPlan, InfeasibleExitsFourWithTheReason) {
  auto r = run(workflow() + " --profile cpu-only --ram 20MiB");
  EXPECT_EQ(r.rc, 4) << r.out;
  EXPECT_NE(r.out.find("error: plan infeasible: node "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("more RAM: --ram"), std::string::npos) << r.out;
  auto j = run(workflow() + " --profile cpu-only --ram 20MiB --json");
  EXPECT_EQ(j.rc, 4);
  auto doc = nlohmann::json::parse(j.out.substr(0, j.out.find("\nerror:")));
  EXPECT_EQ(doc["ok"], false);
  EXPECT_GT(doc["shortages"][0]["short_by"].get<uint64_t>(), 0u);
}

TEST(CliPlan, BadFlagsAndWorkflows) {
  EXPECT_EQ(run(workflow() + " --vram lots").rc, 2);
  auto r = run(workflow() + " --profile rx9999");
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.out.find("known: rx580-8gb, cpu-only"), std::string::npos) << r.out;
  EXPECT_EQ(run(workflow() + " --pin save=tpu").rc, 2);
  auto bad = scratch_dir("planner_cli_bad") / "wf.json";
  std::ofstream(bad) << R"({"vkflow": 1, "nodes": {"a": {"type": "NoSuchNode", "inputs": {}}}})";
  EXPECT_EQ(run(bad.string()).rc, 3);
}

TEST(CliPlan, PinsFromWorkflowAndCommandLine) {
  auto r = run(workflow(R"("device": "cpu", )") + " --profile rx580-8gb --pin scale=cpu");
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_NE(r.out.find("pinned to cpu (workflow)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("pinned to cpu (--pin)"), std::string::npos) << r.out;
}
