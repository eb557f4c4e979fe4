// JSON Schema and node listing generated from node schemas.
#include <gtest/gtest.h>

#include "graph/schema_export.hpp"
#include "tests/graph/helpers.hpp"

namespace vkflow::test {
namespace {

using nlohmann::json;

std::vector<const graph::NodeSchema*> all_fake() {
  std::vector<const graph::NodeSchema*> v;
  for (const auto& s : fake_registry().schemas) v.push_back(&s);
  return v;
}

TEST(SchemaExport, WorkflowSchemaDescribesEveryNodeType) {
  json s = graph::workflow_json_schema(all_fake());
  EXPECT_EQ(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(s["properties"]["vkflow"]["const"], 1);
  EXPECT_EQ(s["properties"]["nodes"]["additionalProperties"]["$ref"], "#/$defs/node");
  EXPECT_EQ(s["$defs"]["node"]["oneOf"].size(), fake_registry().schemas.size() + 1);  // + template nodes
  const json& ks = s["$defs"]["node_KSampler"];
  EXPECT_EQ(ks["properties"]["type"]["const"], "KSampler");
  const json& in = ks["properties"]["inputs"];
  EXPECT_EQ(in["additionalProperties"], false);
  EXPECT_EQ(in["properties"]["model"]["$ref"], "#/$defs/link");
  const json& steps = in["properties"]["steps"];
  EXPECT_EQ(steps["anyOf"][0]["type"], "integer");
  EXPECT_EQ(steps["anyOf"][0]["minimum"], 1.0);
  EXPECT_EQ(steps["anyOf"][0]["maximum"], 10000.0);
  EXPECT_EQ(steps["anyOf"][1]["$ref"], "#/$defs/link");
  EXPECT_EQ(steps["default"], 20);
  EXPECT_EQ(in["properties"]["sampler_name"]["anyOf"][0]["enum"], json({"euler", "euler_ancestral", "dpmpp_2m"}));
  EXPECT_EQ(in["properties"]["cfg"]["anyOf"][0]["type"], "number");
  std::vector<std::string> req = in["required"];
  EXPECT_EQ(req, (std::vector<std::string>{"model", "seed", "sampler_name", "positive", "negative", "latent"}));
  EXPECT_EQ(s["$defs"]["device"]["enum"], json({"auto", "vulkan", "cpu"}));
}

TEST(SchemaExport, NodeListingHasPortsAndComfyNames) {
  json j = graph::node_schema_json(*fake_registry().find("CheckpointLoaderSimple"));
  EXPECT_EQ(j["type"], "CheckpointLoader");
  EXPECT_EQ(j["comfy_class_types"], json({"CheckpointLoaderSimple"}));
  EXPECT_EQ(j["inputs"][0]["comfy_name"], "ckpt_name");
  EXPECT_EQ(j["inputs"][0]["model_folder"], "checkpoints");
  EXPECT_EQ(j["outputs"].size(), 3u);
  EXPECT_EQ(j["outputs"][2]["type"], "VAE");
  json save = graph::node_schema_json(*fake_registry().find("SaveImage"));
  EXPECT_TRUE(save["output_node"]);
  EXPECT_EQ(save["inputs"][1]["default"], "vkflow");
  EXPECT_TRUE(save["inputs"][0]["link_only"]);
}

}  // namespace
}  // namespace vkflow::test
