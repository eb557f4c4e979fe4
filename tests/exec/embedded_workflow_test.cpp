#include <gtest/gtest.h>

#include "nodes/embedded_workflow.hpp"
#include "graph/load.hpp"
#include "nodes/node.hpp"
#include "runtime/media/png_io.hpp"
#include "scheduler/default_plan.hpp"
#include "tests/common/paths.hpp"
#include "tests/exec/exec_helpers.hpp"

using namespace vkflow;
using namespace vkflow::test;
namespace fs = std::filesystem;

namespace {
const graph::SchemaLookup& schemas() {
  static graph::SchemaLookup s = nodes::Registry::instance().lookup();
  return s;
}

// The demo workflow loaded like `vkflow run` does, with its inputs redirected to test data.
graph::LoadResult load_demo(std::vector<std::string> sets = {}) {
  graph::LoadOptions lo;
  lo.overrides = std::move(sets);
  return graph::load_workflow(source_dir() / "workflows" / "media_demo.json", schemas(), lo);
}
}  // namespace

TEST(Demo, WorkflowValidatesAndRuns) {
  auto r = load_demo();
  for (const auto& e : r.errors) ADD_FAILURE() << graph::format_human(e, r.workflow.source);
  ASSERT_TRUE(r.ok());
  auto out = scratch_dir("demo_run");
  auto opts = exec_options(out, &r.workflow);
  auto report = scheduler::execute(r.workflow, scheduler::cpu_plan(r.workflow), opts);
  EXPECT_EQ(files_under(out), (std::vector<std::string>{"demo_00001_.png", "demo_speech_00001_.flac"}));
  auto img = media::read_png(out / "demo_00001_.png").image;
  EXPECT_EQ(img.width, 256);
  EXPECT_EQ(img.height, 192);
}

TEST(EmbeddedWorkflow, SavedPngRerunsTheSameWorkflow) {
  auto out = scratch_dir("embedded");
  // A --set override must survive into the PNG: it holds the workflow as it ran.
  auto r = load_demo({"scale.width=96", "scale.height=64"});
  ASSERT_TRUE(r.ok());
  auto opts = exec_options(out, &r.workflow);
  auto first = scheduler::execute(r.workflow, scheduler::cpu_plan(r.workflow), opts);
  fs::path png = out / "demo_00001_.png";
  ASSERT_TRUE(fs::exists(png));

  auto text = media::read_png(png).text;
  auto prompt = nlohmann::json::parse(media::find_text(text, "prompt"));
  EXPECT_EQ(prompt["scale"]["class_type"], "ImageScale");
  EXPECT_EQ(prompt["scale"]["inputs"]["width"], 96);
  EXPECT_EQ(prompt["invert"]["inputs"]["image"], nlohmann::json::array({"scale", 0}));
  // Input files are recorded by absolute path so the PNG re-runs from any folder.
  fs::path loaded = prompt["image"]["inputs"]["image"].get<std::string>();
  EXPECT_TRUE(loaded.is_absolute());
  EXPECT_TRUE(fs::exists(loaded));
  EXPECT_EQ(nlohmann::json::parse(media::find_text(text, "workflow"))["vkflow"], 1);
  EXPECT_EQ(nlohmann::json::parse(media::find_text(text, "parameters"))["filename_prefix"], "demo");

  ASSERT_TRUE(nodes::is_png_file(png));
  auto again = nodes::load_run_source(png, schemas(), {});
  for (const auto& e : again.errors) ADD_FAILURE() << graph::format_human(e, again.workflow.source);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.workflow.nodes.size(), r.workflow.nodes.size());
  auto out2 = scratch_dir("embedded_rerun");
  auto opts2 = exec_options(out2, &again.workflow);
  scheduler::execute(again.workflow, scheduler::cpu_plan(again.workflow), opts2);
  auto a = media::read_png(png).image, b = media::read_png(out2 / "demo_00001_.png").image;
  EXPECT_EQ(b.width, 96);
  EXPECT_EQ(a.data, b.data);
}

TEST(EmbeddedWorkflow, PngWithoutWorkflowIsReported) {
  auto r = nodes::load_run_source(data_dir() / "media" / "rgb16.png", schemas(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors[0].code, "no_embedded_workflow");
}
