// Graph algorithms: topological order, cycles, unused nodes.
#include <gtest/gtest.h>

#include <algorithm>

#include "graph/dag.hpp"
#include "runtime/core/error.hpp"
#include "tests/graph/helpers.hpp"

namespace vkflow::test {
namespace {

using graph::Link;

// A workflow of ImageScale nodes; `edges` lists producer -> consumer links.
graph::Workflow chain_workflow(const std::vector<std::pair<std::string, std::string>>& edges,
                               const std::vector<std::string>& saves = {}) {
  graph::Workflow wf;
  auto node = [&](const std::string& id, const std::string& type) -> graph::NodeDoc& {
    auto& n = wf.nodes[id];
    n.id = id;
    if (n.type.empty()) n.type = type;
    return n;
  };
  for (const auto& [from, to] : edges) {
    node(from, "ImageScale");
    node(to, "ImageScale").inputs["image_" + from] = Link{from, "image"};
  }
  for (const auto& s : saves) node(s, "").type = "SaveImage";
  return wf;
}

size_t pos(const std::vector<std::string>& v, const std::string& x) {
  return static_cast<size_t>(std::find(v.begin(), v.end(), x) - v.begin());
}

TEST(Dag, TopologicalOrderPutsProducersFirst) {
  auto wf = chain_workflow({{"d", "b"}, {"a", "b"}, {"b", "c"}, {"a", "c"}, {"c", "save"}}, {"save"});
  auto order = graph::topological_order(wf);
  ASSERT_EQ(order.size(), 5u);
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"d", "b"}, {"a", "b"}, {"b", "c"}, {"a", "c"}, {"c", "save"}})
    EXPECT_LT(pos(order, from), pos(order, to)) << from << " -> " << to;
  EXPECT_TRUE(graph::find_cycle(wf).empty());
}

TEST(Dag, CycleIsFoundAndNamed) {
  auto wf = chain_workflow({{"x", "a"}, {"a", "b"}, {"b", "c"}, {"c", "a"}, {"c", "save"}}, {"save"});
  auto cycle = graph::find_cycle(wf);
  ASSERT_EQ(cycle.size(), 3u);
  // In link order, starting anywhere on the cycle.
  auto start = pos(cycle, "a");
  ASSERT_LT(start, 3u);
  EXPECT_EQ(cycle[(start + 1) % 3], "b");
  EXPECT_EQ(cycle[(start + 2) % 3], "c");
  EXPECT_THROW(graph::topological_order(wf), vkflow::Error);
}

TEST(Dag, SelfLinkIsACycle) {
  auto wf = chain_workflow({{"a", "a"}});
  EXPECT_EQ(graph::find_cycle(wf), (std::vector<std::string>{"a"}));
}

TEST(Dag, UnusedNodesFeedNoOutput) {
  auto wf = chain_workflow({{"a", "b"}, {"b", "save"}, {"a", "side"}, {"lone", "side2"}}, {"save"});
  EXPECT_EQ(graph::unused_nodes(wf, fake_registry().lookup()), (std::vector<std::string>{"lone", "side", "side2"}));
  auto none = chain_workflow({{"a", "b"}});
  EXPECT_EQ(graph::unused_nodes(none, fake_registry().lookup()), (std::vector<std::string>{"a", "b"}));
}

TEST(Dag, LinksToMissingNodesAreIgnored) {
  auto wf = chain_workflow({{"a", "save"}}, {"save"});
  wf.nodes["save"].inputs["extra"] = Link{"ghost", "image"};
  EXPECT_EQ(graph::topological_order(wf), (std::vector<std::string>{"a", "save"}));
}

TEST(Dag, LoadReportsCycleAndPrunesOnlyValidWorkflows) {
  auto r = load_text(R"({"vkflow": 1, "nodes": {
    "load": {"type": "LoadImage", "inputs": {"image": "a.png"}},
    "s1": {"type": "ImageScale", "inputs": {"image": {"from": "s2"}, "width": 8, "height": 8}},
    "s2": {"type": "ImageScale", "inputs": {"image": {"from": "s1"}, "width": 8, "height": 8}},
    "save": {"type": "SaveImage", "inputs": {"image": {"from": "s2"}}}}})");
  ASSERT_EQ(error_keys(r), (std::vector<std::string>{"cycle s1 "})) << all_errors(r);
  EXPECT_NE(r.errors[0].message.find("'s1' -> 's2' -> 's1'"), std::string::npos) << r.errors[0].message;
  EXPECT_TRUE(r.notes.empty());
  EXPECT_TRUE(r.workflow.nodes.count("load"));
}

}  // namespace
}  // namespace vkflow::test
