// Templates: used as nodes (by name and by path), nested, recursive, run directly with --set.
#include <gtest/gtest.h>

#include "tests/graph/helpers.hpp"

namespace vkflow::test {
namespace {

using graph::Link;
using nlohmann::json;

json lit(const graph::Workflow& wf, const std::string& node, const std::string& input) {
  return std::get<json>(wf.nodes.at(node).inputs.at(input));
}

TEST(Templates, UsedAsNodesByNameAndPath) {
  auto r = load_file(graph_data() / "use_resize.json");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const auto& wf = r.workflow;
  std::vector<std::string> ids;
  for (const auto& [id, n] : wf.nodes) ids.push_back(id);
  EXPECT_EQ(ids, (std::vector<std::string>{"big/load", "big/save", "big/scale", "small/load", "small/save",
                                           "small/scale"}));
  EXPECT_EQ(lit(wf, "small/load", "image"), "cat.png");
  EXPECT_EQ(lit(wf, "small/scale", "width"), 64);
  EXPECT_EQ(lit(wf, "small/scale", "height"), 512);  // parameter default
  EXPECT_EQ(lit(wf, "small/save", "prefix"), "resized");
  EXPECT_EQ(lit(wf, "big/scale", "width"), 2048);
  EXPECT_EQ(lit(wf, "big/save", "prefix"), "big");
  EXPECT_EQ(std::get<Link>(wf.nodes.at("big/scale").inputs.at("image")), (Link{"big/load", "image"}));
  // The template node's device pin reaches the inner nodes that can run there.
  EXPECT_EQ(wf.nodes.at("big/scale").device, graph::DevicePin::Vulkan);
  EXPECT_EQ(wf.nodes.at("big/load").device, graph::DevicePin::Auto);
  EXPECT_EQ(wf.nodes.at("small/scale").loc.file, (graph_data() / "templates/resize.json").string());
}

TEST(Templates, NestedTemplatesExpandAndReroute) {
  auto r = load_file(graph_data() / "use_nested.json");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const auto& wf = r.workflow;
  ASSERT_TRUE(wf.nodes.count("t/first/scale"));
  ASSERT_TRUE(wf.nodes.count("t/second/scale"));
  EXPECT_EQ(std::get<Link>(wf.nodes.at("t/first/scale").inputs.at("image")), (Link{"load", "image"}));
  EXPECT_EQ(std::get<Link>(wf.nodes.at("t/second/scale").inputs.at("image")), (Link{"t/first/scale", "image"}));
  EXPECT_EQ(std::get<Link>(wf.nodes.at("save").inputs.at("image")), (Link{"t/second/scale", "image"}));
  EXPECT_EQ(lit(wf, "t/first/scale", "width"), 128);   // outer value through two parameter levels
  EXPECT_EQ(lit(wf, "t/first/scale", "height"), 32);
  EXPECT_EQ(lit(wf, "t/second/scale", "width"), 256);  // scale_only's own default
  EXPECT_EQ(lit(wf, "t/second/scale", "height"), 16);
  EXPECT_EQ(wf.nodes.at("t/second/scale").device, graph::DevicePin::Cpu);
}

TEST(Templates, RecursionIsReportedWithTheChain) {
  auto r = load_file(graph_data() / "use_recursive.json");
  ASSERT_EQ(error_keys(r), (std::vector<std::string>{"template_recursion r/b/a "})) << all_errors(r);
  EXPECT_NE(r.errors[0].message.find("rec_a.json -> rec_b.json -> rec_a.json"), std::string::npos)
      << r.errors[0].message;
}

TEST(Templates, RunDirectlyWithParametersFromSet) {
  graph::LoadOptions opts;
  opts.overrides = {"image=photo.png", "width=300", "method=nearest", "save.prefix=\"x\""};
  auto r = load_file(graph_data() / "templates/resize.json", opts);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(lit(r.workflow, "load", "image"), "photo.png");  // not JSON: taken as text
  EXPECT_EQ(lit(r.workflow, "scale", "width"), 300);         // JSON number
  EXPECT_EQ(lit(r.workflow, "scale", "height"), 512);
  EXPECT_EQ(lit(r.workflow, "scale", "method"), "nearest");
  EXPECT_EQ(lit(r.workflow, "save", "prefix"), "x");         // node override wins over the parameter
}

TEST(Templates, RunDirectlyReportsMissingAndBadParameters) {
  graph::LoadOptions opts;
  opts.overrides = {"width=0", "colour=red", "method=lanczos"};
  auto r = load_file(graph_data() / "templates/resize.json", opts);
  EXPECT_EQ(error_keys(r), (std::vector<std::string>{"missing_template_parameter  image", "not_in_choices  method",
                                                     "out_of_range  width", "unknown_template_parameter  colour"}))
      << all_errors(r);
}

TEST(Overrides, SetAnyLiteralInput) {
  graph::LoadOptions opts;
  opts.overrides = {"small/scale.width=99", "big.width=5", "small/save.prefix=a=b", "small/scale.method=true"};
  auto r = load_file(graph_data() / "use_resize.json", opts);
  EXPECT_EQ(error_keys(r), (std::vector<std::string>{"bad_override_target big width",
                                                     "wrong_json_type small/scale method"}))
      << all_errors(r);
  EXPECT_EQ(lit(r.workflow, "small/scale", "width"), 99);
  EXPECT_EQ(lit(r.workflow, "small/save", "prefix"), "a=b");  // split at the first '='
}

TEST(Overrides, SyntaxAndLinkTargets) {
  graph::LoadOptions opts;
  opts.overrides = {"nothing", "=5", ".x=1", "save.image=1", "width=3"};
  auto r = load_file(graph_data() / "use_nested.json", opts);
  EXPECT_EQ(error_keys(r), (std::vector<std::string>{"bad_override_syntax  ", "bad_override_syntax  ",
                                                     "bad_override_syntax  ", "bad_override_target  width",
                                                     "bad_override_target save image"}))
      << all_errors(r);
}

}  // namespace
}  // namespace vkflow::test
