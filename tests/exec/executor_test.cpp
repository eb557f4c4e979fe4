#include <gtest/gtest.h>

#include "runtime/core/error.hpp"
#include "runtime/media/image_scale.hpp"
#include "runtime/media/png_io.hpp"
#include "scheduler/default_plan.hpp"
#include "tests/common/paths.hpp"
#include "tests/exec/image_pipeline.hpp"

using namespace vkflow;
using namespace vkflow::test;
namespace fs = std::filesystem;

namespace {
fs::path sample_png() { return data_dir() / "media" / "sd15_128.png"; }
}  // namespace

TEST(Executor, RunsInPlanOrderAndWritesTheResult) {
  auto out = scratch_dir("exec_order");
  auto wf = image_pipeline(sample_png());
  auto opts = exec_options(out, &wf);
  Recorder rec;
  opts.events.add(rec.observer());
  auto report = scheduler::execute(wf, image_plan(), opts);

  EXPECT_EQ(rec.nodes("started"), (std::vector<std::string>{"load", "scale", "invert", "save"}));
  EXPECT_EQ(rec.nodes("finished"), (std::vector<std::string>{"load", "scale", "invert", "save"}));
  ASSERT_EQ(report.outputs.size(), 1u);
  EXPECT_EQ(report.outputs[0], out / "t_00001_.png");
  EXPECT_EQ(files_under(out), (std::vector<std::string>{"t_00001_.png"}));

  // The file holds 1 - bilinear(input), quantised to 8 bits.
  media::Image src = media::read_png(sample_png()).image;
  media::Image expect = media::scale_image(src, 64, 32, media::ScaleMethod::Bilinear);
  media::Image got = media::read_png(report.outputs[0]).image;
  ASSERT_EQ(got.width, 64);
  ASSERT_EQ(got.height, 32);
  ASSERT_EQ(got.channels, 3);
  for (size_t i = 0; i < got.data.size(); ++i) ASSERT_NEAR(got.data[i], 1.0f - expect.data[i], 0.5f / 255 + 1e-5);
}

TEST(Executor, DefaultPlanIsTopologicalOnTheCpu) {
  auto wf = image_pipeline(sample_png());
  auto plan = scheduler::cpu_plan(wf);
  ASSERT_EQ(plan.steps.size(), 4u);
  std::vector<std::string> order;
  for (const auto& s : plan.steps) {
    order.push_back(s.node);
    EXPECT_EQ(s.device, DeviceKind::Cpu);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"load", "scale", "invert", "save"}));
  wf.nodes["scale"].device = graph::DevicePin::Vulkan;
  EXPECT_THROW(scheduler::cpu_plan(wf), Error);
}

TEST(Executor, FreesEachValueAfterItsLastConsumer) {
  auto out = scratch_dir("exec_free");
  graph::Workflow wf;
  add_node(wf, "load", "LoadImage", {{"image", lit(sample_png().string())}});
  add_node(wf, "a", "ImageInvert", {{"image", from("load", "image")}});
  add_node(wf, "save_a", "SaveImage", {{"images", from("a", "image")}, {"filename_prefix", lit("a")}});
  add_node(wf, "b", "ImageScale", {{"image", from("load", "image")}, {"width", lit(8)}, {"height", lit(8)}});
  add_node(wf, "save_b", "SaveImage", {{"images", from("b", "image")}, {"filename_prefix", lit("b")}});
  auto opts = exec_options(out, &wf);
  auto report = scheduler::execute(wf, plan_in_order({"load", "a", "save_a", "b", "save_b"}), opts);
  using P = std::pair<std::string, std::string>;
  // load is read by a and b: it lives until b has run, not beyond.
  EXPECT_EQ(report.freed, (std::vector<P>{{"a", "save_a"}, {"load", "b"}, {"b", "save_b"}}));
  EXPECT_EQ(files_under(out), (std::vector<std::string>{"a_00001_.png", "b_00001_.png"}));
}

TEST(Executor, RejectsAPlanThatRunsAConsumerFirst) {
  auto wf = image_pipeline(sample_png());
  auto opts = exec_options(scratch_dir("exec_badplan"), &wf);
  EXPECT_THROW(scheduler::execute(wf, plan_in_order({"scale", "load", "invert", "save"}), opts), Error);
  EXPECT_THROW(scheduler::execute(wf, plan_in_order({"load", "ghost"}), opts), Error);
}

TEST(Executor, ConvertsLiteralsPerSchemaTypeAndFillsDefaults) {
  auto out = scratch_dir("exec_literals");
  graph::Workflow wf;
  add_node(wf, "load", "LoadImage", {{"image", lit(sample_png().string())}});
  // width as 16.0 (JSON float) is an INT; upscale_method and crop come from the defaults.
  add_node(wf, "scale", "ImageScale", {{"image", from("load", "image")}, {"width", lit(16.0)}, {"height", lit(0)}});
  add_node(wf, "save", "SaveImage", {{"images", from("scale", "image")}});
  auto opts = exec_options(out, &wf);
  auto report = scheduler::execute(wf, plan_in_order({"load", "scale", "save"}), opts);
  ASSERT_EQ(report.outputs.size(), 1u);
  EXPECT_EQ(report.outputs[0].filename(), "vkflow_00001_.png");  // default prefix
  auto img = media::read_png(report.outputs[0]).image;
  EXPECT_EQ(img.width, 16);
  EXPECT_EQ(img.height, 16);  // 0 = keep the aspect ratio

  wf.nodes["scale"].inputs["width"] = lit("wide");
  try {
    scheduler::execute(wf, plan_in_order({"load", "scale", "save"}), opts);
    FAIL();
  } catch (const scheduler::NodeFailed& e) {
    EXPECT_EQ(e.node, "scale");
    EXPECT_NE(std::string(e.what()).find("width"), std::string::npos) << e.what();
  }
}

TEST(Executor, NodeErrorsNameTheNodeAndFlagBadInputFiles) {
  auto out = scratch_dir("exec_errors");
  for (const char* bad : {"missing.png", "not_png.png", "truncated.png"}) {
    auto wf = image_pipeline(data_dir() / "media" / bad);
    auto opts = exec_options(out, &wf);
    Recorder rec;
    opts.events.add(rec.observer());
    try {
      scheduler::execute(wf, image_plan(), opts);
      FAIL() << bad;
    } catch (const scheduler::NodeFailed& e) {
      EXPECT_EQ(e.node, "load");
      EXPECT_EQ(e.type, "LoadImage");
      EXPECT_TRUE(e.bad_input_file);
      std::string msg = e.what();
      EXPECT_NE(msg.find("'load' (LoadImage)"), std::string::npos) << msg;
      EXPECT_NE(msg.find(bad), std::string::npos) << msg;
    }
    EXPECT_EQ(rec.nodes("failed"), (std::vector<std::string>{"load"}));
  }
  // A bad parameter is a run failure, not a bad input file.
  auto wf = image_pipeline(sample_png());
  wf.nodes["save"].inputs["filename_prefix"] = lit("../escape");
  auto opts = exec_options(out, &wf);
  try {
    scheduler::execute(wf, image_plan(), opts);
    FAIL();
  } catch (const scheduler::NodeFailed& e) {
    EXPECT_EQ(e.node, "save");
    EXPECT_FALSE(e.bad_input_file);
  }
  EXPECT_TRUE(files_under(out).empty());
}
