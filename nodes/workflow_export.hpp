#pragma once
// The executed workflow in ComfyUI's API format ({"id": {"class_type", "inputs", "_meta"}}),
// which SaveImage embeds as the "prompt" text chunk: ComfyUI reads it, and vkflow's
// ComfyUI import reads it back for `vkflow run image.png`.
#include <nlohmann/json.hpp>

#include "graph/workflow.hpp"

namespace vkflow::nodes {

class Registry;
struct RunEnv;
// File inputs (InputSpec::file_path) are written as absolute paths when they resolve, so the
// exported workflow runs from wherever the file that carries it is opened.
nlohmann::json to_comfy_api(const graph::Workflow& wf, const Registry& reg, const RunEnv& env);

}  // namespace vkflow::nodes
