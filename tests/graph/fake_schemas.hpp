#pragma once
// Node schemas for graph/ tests, modelled on ComfyUI's SD1.5 nodes plus the image I/O nodes.
// They live only in the tests (never in nodes::Registry); vkflow names deliberately differ
// from ComfyUI's in places (CheckpointLoader, "checkpoint", "latent", "prefix") so that the
// name mapping is exercised.
#include <deque>
#include <initializer_list>
#include <string>

#include "graph/node_schema.hpp"

namespace vkflow::test {

struct FakeRegistry {
  std::deque<graph::NodeSchema> schemas;

  FakeRegistry() {
    using namespace graph;
    auto in = [](std::string name, std::string_view type, std::string comfy = "") {
      InputSpec s;
      s.name = std::move(name);
      s.type = std::string(type);
      s.comfy_name = std::move(comfy);
      return s;
    };
    auto num = [&](std::string name, std::string_view type, double lo, double hi, nlohmann::json def) {
      InputSpec s = in(std::move(name), type);
      s.min = lo;
      s.max = hi;
      if (!def.is_null()) {
        s.default_value = def;
        s.required = false;
      }
      return s;
    };
    auto out = [](std::string name, std::string_view type) { return OutputSpec{std::move(name), std::string(type), ""}; };

    NodeSchema ckpt{"CheckpointLoader", "loaders", "SD checkpoint", {}, {}, false, {"CheckpointLoaderSimple"}};
    InputSpec c = in("checkpoint", types::STRING, "ckpt_name");
    c.model_folder = "checkpoints";
    ckpt.inputs = {c};
    ckpt.outputs = {out("model", types::MODEL), out("clip", types::CLIP), out("vae", types::VAE)};
    add(ckpt);

    NodeSchema enc{"CLIPTextEncode", "conditioning", "", {in("text", types::STRING), in("clip", types::CLIP)},
                   {out("conditioning", types::CONDITIONING)}};
    enc.devices = {"cpu", "vulkan"};
    add(enc);

    add({"EmptyLatentImage", "latent", "", {num("width", types::INT, 16, 16384, 512),
         num("height", types::INT, 16, 16384, 512), num("batch_size", types::INT, 1, 64, 1)},
         {out("latent", types::LATENT)}});

    InputSpec sampler = in("sampler_name", types::STRING);
    sampler.choices = {"euler", "euler_ancestral", "dpmpp_2m"};
    InputSpec sched = in("scheduler", types::STRING);
    sched.choices = {"normal", "karras"};
    sched.default_value = "normal";
    sched.required = false;
    InputSpec seed = in("seed", types::INT);
    seed.min = 0;
    NodeSchema ks{"KSampler", "sampling", "", {in("model", types::MODEL), seed,
                  num("steps", types::INT, 1, 10000, 20), num("cfg", types::FLOAT, 0, 100, 8.0), sampler, sched,
                  in("positive", types::CONDITIONING), in("negative", types::CONDITIONING),
                  in("latent", types::LATENT, "latent_image"), num("denoise", types::FLOAT, 0, 1, 1.0)},
                  {out("latent", types::LATENT)}};
    ks.devices = {"cpu", "vulkan"};
    add(ks);

    add({"VAEDecode", "latent", "", {in("latent", types::LATENT, "samples"), in("vae", types::VAE)},
         {out("image", types::IMAGE)}});

    InputSpec prefix = in("prefix", types::STRING, "filename_prefix");
    prefix.default_value = "vkflow";
    prefix.required = false;
    NodeSchema save{"SaveImage", "image", "", {in("image", types::IMAGE, "images"), prefix}, {}};
    save.output_node = true;
    add(save);

    add({"LoadImage", "image", "", {in("image", types::STRING)},
         {out("image", types::IMAGE), out("mask", types::MASK)}});

    InputSpec method = in("method", types::STRING);
    method.choices = {"bilinear", "nearest", "bicubic"};
    method.default_value = "bilinear";
    method.required = false;
    NodeSchema scale{"ImageScale", "image", "", {in("image", types::IMAGE), num("width", types::INT, 1, 16384, nullptr),
                     num("height", types::INT, 1, 16384, nullptr), method}, {out("image", types::IMAGE)}};
    scale.devices = {"cpu", "vulkan"};
    add(scale);

    NodeSchema flag{"Invert", "image", "", {in("image", types::IMAGE), in("enabled", types::BOOL)},
                    {out("image", types::IMAGE)}};
    add(flag);
  }

  void add(graph::NodeSchema s) { schemas.push_back(std::move(s)); }

  const graph::NodeSchema* find(std::string_view t) const {
    for (const auto& s : schemas) {
      if (s.type == t) return &s;
      for (const auto& c : s.comfy_class_types)
        if (c == t) return &s;
    }
    return nullptr;
  }

  graph::SchemaLookup lookup() const {
    return [this](std::string_view t) { return find(t); };
  }
};

}  // namespace vkflow::test
