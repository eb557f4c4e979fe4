// Parsing: JSON syntax errors with line and column, key positions, format v1 documents.
#include <gtest/gtest.h>

#include "graph/json_text.hpp"
#include "tests/graph/helpers.hpp"

namespace vkflow::test {
namespace {

using graph::Link;
using nlohmann::json;

TEST(ParseJson, SyntaxErrorGivesLineAndColumn) {
  auto r = load_text("{\n  \"vkflow\": 1,\n  \"nodes\": {,}\n}");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].code, "invalid_json");
  EXPECT_EQ(r.errors[0].loc.line, 3);
  EXPECT_EQ(r.errors[0].loc.column, 13);
  EXPECT_EQ(graph::format_human(r.errors[0], "wf.json").rfind("wf.json:3:13: invalid JSON: ", 0), 0u)
      << graph::format_human(r.errors[0], "wf.json");
}

TEST(ParseJson, UnexpectedEndPointsPastLastCharacter) {
  try {
    graph::parse_json("{\"a\": [1, 2");
    FAIL() << "expected a syntax error";
  } catch (const graph::JsonSyntaxError& e) {
    EXPECT_EQ(e.loc.line, 1);
    EXPECT_EQ(e.loc.column, 12);
    EXPECT_NE(e.detail.find("unexpected end of input"), std::string::npos) << e.detail;
  }
}

TEST(ParseJson, ColumnsCountCharactersNotBytes) {
  try {
    graph::parse_json("{\"caf\xc3\xa9\": x}");
    FAIL() << "expected a syntax error";
  } catch (const graph::JsonSyntaxError& e) {
    EXPECT_EQ(e.loc.line, 1);
    EXPECT_EQ(e.loc.column, 10);  // the 'x', after 9 characters (10 bytes)
  }
}

TEST(ParseJson, RecordsKeyPositions) {
  auto p = graph::parse_json("{\n \"nodes\": {\n  \"a/b\": {\"inputs\": {\"x\": [1, {\"y\": 2}]}}\n }\n}");
  EXPECT_EQ(p.at("/nodes").line, 2);
  EXPECT_EQ(p.at("/nodes").column, 2);
  EXPECT_EQ(p.at("/nodes/a~1b").line, 3);
  EXPECT_EQ(p.at("/nodes/a~1b").column, 3);
  EXPECT_EQ(p.at("/nodes/a~1b/inputs/x").column, 22);
  EXPECT_EQ(p.at("/nodes/a~1b/inputs/x/1/y").column, 32);
  EXPECT_EQ(p.at("/missing").line, 0);
}

TEST(ParseWorkflow, ValidDocumentLoadsWithLinksDefaultsAndPins) {
  auto models = make_models_dir("parse_valid", {"checkpoints/v1-5-pruned-emaonly.safetensors"});
  graph::LoadOptions opts;
  opts.models_dir = models;
  auto r = load_file(graph_data() / "sd15.json", opts);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const auto& wf = r.workflow;
  EXPECT_EQ(wf.description, "Stable Diffusion 1.5 text to image");
  EXPECT_FALSE(wf.from_comfyui);
  EXPECT_EQ(wf.original["vkflow"], 1);
  const auto& ks = wf.nodes.at("sample");
  EXPECT_EQ(ks.device, graph::DevicePin::Vulkan);
  EXPECT_EQ(ks.loc.line, 10);
  EXPECT_EQ(ks.loc.column, 5);
  EXPECT_EQ(std::get<Link>(ks.inputs.at("positive")), (Link{"pos", "conditioning"}));  // output filled in
  EXPECT_EQ(std::get<Link>(ks.inputs.at("model")), (Link{"ckpt", "model"}));
  EXPECT_EQ(std::get<json>(ks.inputs.at("steps")), 20);  // defaults filled
  EXPECT_EQ(std::get<json>(ks.inputs.at("scheduler")), "normal");
  EXPECT_EQ(std::get<json>(ks.inputs.at("denoise")), 1.0);
  EXPECT_EQ(wf.nodes.at("pos").title, "Prompt");
  EXPECT_EQ(literal_string(wf.nodes.at("ckpt"), "checkpoint"),
            (models / "checkpoints/v1-5-pruned-emaonly.safetensors").string());
  // "unused" feeds no output: pruned with a note.
  EXPECT_FALSE(wf.nodes.count("unused"));
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.notes[0].code, "pruned_unused_node");
  EXPECT_EQ(r.notes[0].node, "unused");
}

TEST(ParseWorkflow, LinkOutputMayBeOmittedOnlyForSingleOutputProducers) {
  auto r = load_text(R"({"vkflow": 1, "nodes": {
    "ckpt": {"type": "CheckpointLoader", "inputs": {"checkpoint": "/nonexistent/x.safetensors"}},
    "enc": {"type": "CLIPTextEncode", "inputs": {"text": "a", "clip": {"from": "ckpt"}}},
    "save": {"type": "SaveImage", "inputs": {"image": {"from": "missing"}}}}})");
  EXPECT_EQ(error_keys(r), (std::vector<std::string>{"ambiguous_output enc clip",
                                                     "link_to_missing_node save image",
                                                     "model_not_found ckpt checkpoint"}))
      << all_errors(r);
}

TEST(Diagnostics, HumanAndJsonForms) {
  auto r = load_text(R"({"vkflow": 1, "nodes": {
  "l": {"type": "EmptyLatentImage", "inputs": {"width": 0}},
  "s": {"type": "SaveImage", "inputs": {"image": {"from": "l"}}}}})");
  ASSERT_EQ(r.errors.size(), 2u) << all_errors(r);
  EXPECT_EQ(graph::format_human(r.errors[0], "wf.json"),
            "wf.json:2:48: node 'l' input 'width': expected INT in [16, 16384], got 0");
  json j = graph::to_json(r.errors[0]);
  EXPECT_EQ(j["code"], "out_of_range");
  EXPECT_EQ(j["node"], "l");
  EXPECT_EQ(j["input"], "width");
  EXPECT_EQ(j["line"], 2);
  EXPECT_EQ(j["column"], 48);
  EXPECT_EQ(r.errors[1].code, "type_mismatch");
  EXPECT_EQ(r.errors[1].message, "expected IMAGE, got LATENT from node 'l' output 'latent'");
  EXPECT_FALSE(graph::to_json(graph::Diagnostic{"no_output_node", "", "", "m", {}}).contains("line"));
}

TEST(ParseWorkflow, FloatLiteralWithIntegralValueIsAnInt) {
  auto r = load_text(R"({"vkflow": 1, "nodes": {
  "l": {"type": "EmptyLatentImage", "inputs": {"width": 512.0, "height": 512.5}},
  "s": {"type": "SaveImage", "inputs": {"image": {"from": "x", "output": "image"}}},
  "x": {"type": "LoadImage", "inputs": {"image": "a.png"}}}})");
  EXPECT_EQ(error_keys(r), (std::vector<std::string>{"wrong_json_type l height"})) << all_errors(r);
}

}  // namespace
}  // namespace vkflow::test
