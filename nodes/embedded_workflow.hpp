#pragma once
// What `vkflow run` was given: a workflow or template JSON file, or a PNG written by
// SaveImage (or ComfyUI) whose text chunks hold the workflow (see image_io.cpp).
#include <filesystem>

#include "graph/load.hpp"

namespace vkflow::nodes {

bool is_png_file(const std::filesystem::path& p);
// PNG: the "prompt" chunk (ComfyUI API format: the workflow exactly as it ran) or else the
// "workflow" chunk when it is a vkflow document. A PNG without either gives an error result.
graph::LoadResult load_run_source(const std::filesystem::path& p, const graph::SchemaLookup& schemas,
                                  const graph::LoadOptions& opts);

}  // namespace vkflow::nodes
