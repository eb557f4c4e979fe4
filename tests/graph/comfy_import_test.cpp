// ComfyUI API-format import: class and input names, [id, index] links, titles, model names.
#include <gtest/gtest.h>

#include "graph/comfy_import.hpp"
#include "tests/graph/helpers.hpp"

namespace vkflow::test {
namespace {

using graph::Link;
using nlohmann::json;

TEST(ComfyImport, DefaultSd15WorkflowMapsToVkflowNodes) {
  auto models = make_models_dir("comfy_sd15", {"checkpoints/v1-5-pruned-emaonly.safetensors"});
  graph::LoadOptions opts;
  opts.models_dir = models;
  auto r = load_file(graph_data() / "sd15_comfy_api.json", opts);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const auto& wf = r.workflow;
  EXPECT_TRUE(wf.from_comfyui);
  ASSERT_EQ(wf.nodes.size(), 7u);
  EXPECT_EQ(wf.nodes.at("4").type, "CheckpointLoader");  // CheckpointLoaderSimple -> vkflow name
  EXPECT_EQ(wf.nodes.at("4").title, "Load Checkpoint");
  EXPECT_EQ(literal_string(wf.nodes.at("4"), "checkpoint"),
            (models / "checkpoints" / "v1-5-pruned-emaonly.safetensors").string());
  const auto& ks = wf.nodes.at("3");
  EXPECT_EQ(ks.type, "KSampler");
  EXPECT_EQ(std::get<Link>(ks.inputs.at("model")), (Link{"4", "model"}));
  EXPECT_EQ(std::get<Link>(ks.inputs.at("latent")), (Link{"5", "latent"}));  // latent_image -> latent
  EXPECT_EQ(std::get<json>(ks.inputs.at("seed")), 156680208700286LL);
  EXPECT_EQ(std::get<json>(ks.inputs.at("sampler_name")), "euler");
  EXPECT_EQ(std::get<Link>(wf.nodes.at("6").inputs.at("clip")), (Link{"4", "clip"}));
  EXPECT_EQ(std::get<Link>(wf.nodes.at("8").inputs.at("vae")), (Link{"4", "vae"}));
  EXPECT_EQ(std::get<Link>(wf.nodes.at("8").inputs.at("latent")), (Link{"3", "latent"}));
  const auto& save = wf.nodes.at("9");
  EXPECT_EQ(std::get<Link>(save.inputs.at("image")), (Link{"8", "image"}));
  EXPECT_EQ(std::get<json>(save.inputs.at("prefix")), "ComfyUI");
  EXPECT_EQ(save.loc.line, 46);
  EXPECT_EQ(save.loc.column, 3);
  EXPECT_EQ(wf.original["3"]["class_type"], "KSampler");
}

TEST(ComfyImport, UnknownClassBadIndicesAndSubfolderModels) {
  auto models = make_models_dir("comfy_sub", {"checkpoints/sd15/dreamshaper_8.safetensors"});
  graph::LoadOptions opts;
  opts.models_dir = models;
  auto r = load_file(graph_data() / "sd15_comfy_subfolder.json", opts);
  EXPECT_EQ(error_keys(r), (std::vector<std::string>{
                               "link_to_missing_node 11 positive",
                               "link_to_missing_output 11 model",
                               "missing_required_input 11 latent",
                               "missing_required_input 11 negative",
                               "missing_required_input 11 sampler_name",
                               "missing_required_input 11 seed",
                               "unknown_class_type 10 ",
                           }))
      << all_errors(r);
  for (const auto& d : r.errors) {
    if (d.code == "unknown_class_type") EXPECT_NE(d.message.find("'PreviewImage'"), std::string::npos);
    if (d.code == "link_to_missing_output") EXPECT_NE(d.message.find("no output '#7'"), std::string::npos);
  }
  EXPECT_EQ(literal_string(r.workflow.nodes.at("4"), "checkpoint"),
            (models / "checkpoints/sd15/dreamshaper_8.safetensors").string());
}

TEST(ComfyImport, DetectsFormats) {
  EXPECT_TRUE(graph::is_comfy_api_format(json::parse(R"({"1": {"class_type": "X", "inputs": {}}})")));
  EXPECT_FALSE(graph::is_comfy_api_format(json::parse(R"({"1": {"class_type": "X"}, "vkflow": 1})")));
  EXPECT_FALSE(graph::is_comfy_api_format(json::object()));
  EXPECT_TRUE(graph::is_comfy_ui_format(json::parse(R"({"nodes": [], "links": []})")));
  auto r = load_text(R"({"last_node_id": 9, "nodes": [{"id": 3, "type": "KSampler"}], "links": []})");
  EXPECT_EQ(error_keys(r), (std::vector<std::string>{"comfy_ui_format  "}));
}

TEST(ComfyImport, OverridesAcceptComfyInputNames) {
  auto models = make_models_dir("comfy_set", {"checkpoints/v1-5-pruned-emaonly.safetensors"});
  graph::LoadOptions opts;
  opts.models_dir = models;
  opts.overrides = {"3.steps=4", "9.filename_prefix=mine", "3.sampler_name=dpmpp_2m"};
  auto r = load_file(graph_data() / "sd15_comfy_api.json", opts);
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(std::get<json>(r.workflow.nodes.at("3").inputs.at("steps")), 4);
  EXPECT_EQ(std::get<json>(r.workflow.nodes.at("3").inputs.at("sampler_name")), "dpmpp_2m");
  EXPECT_EQ(std::get<json>(r.workflow.nodes.at("9").inputs.at("prefix")), "mine");
}

}  // namespace
}  // namespace vkflow::test
