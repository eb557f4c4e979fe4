#pragma once
// Model names in workflows ("v1-5-pruned-emaonly.safetensors", "sd15/x.safetensors") resolve
// against a models folder laid out like ComfyUI's (checkpoints/, diffusion_models/ or unet/,
// text_encoders/ or clip/, vae/, whisper/, rvc/ or voices/); absolute paths are used as is.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "graph/diagnostic.hpp"
#include "graph/node_schema.hpp"
#include "graph/workflow.hpp"

namespace vkflow::graph {

// Subfolders of the models folder searched for an input's model_folder, in order
// ("unet" -> {"diffusion_models", "unet"}, "rvc" -> {"rvc", "voices"}, ...).
std::vector<std::string> model_subfolders(const std::string& model_folder);

// Every place `name` may be, in search order: the name itself when absolute; otherwise
// models_dir/<subfolder>/name for each subfolder, then workflow_dir/name, then the current
// folder's name.
std::vector<std::filesystem::path> model_candidates(const std::string& name, const std::string& model_folder,
                                                    const std::filesystem::path& models_dir,
                                                    const std::filesystem::path& workflow_dir);

// The first candidate that exists (file or folder), made absolute.
std::optional<std::filesystem::path> resolve_model_name(const std::string& name, const std::string& model_folder,
                                                        const std::filesystem::path& models_dir,
                                                        const std::filesystem::path& workflow_dir);

// Replaces every model-name literal in `wf` (inputs whose InputSpec::model_folder is set) by
// its absolute path; a name found nowhere is a "model_not_found" error listing where it looked.
void resolve_models(Workflow& wf, const SchemaLookup& schemas, const std::filesystem::path& models_dir,
                    const std::filesystem::path& workflow_dir, std::vector<Diagnostic>& diags);

}  // namespace vkflow::graph
