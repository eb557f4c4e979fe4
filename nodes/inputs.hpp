#pragma once
// Typed access to a node's resolved inputs. Errors name the input and what was expected;
// the executor adds the node id and type.
#include <filesystem>
#include <string>
#include <string_view>

#include "nodes/run_context.hpp"
#include "runtime/core/error.hpp"

namespace vkflow::nodes {

const Value& input_value(const RunContext& ctx, std::string_view name);  // throws when absent
bool has_input(const RunContext& ctx, std::string_view name);
int64_t input_int(const RunContext& ctx, std::string_view name);
double input_float(const RunContext& ctx, std::string_view name);  // INT is accepted too
bool input_bool(const RunContext& ctx, std::string_view name);
const std::string& input_string(const RunContext& ctx, std::string_view name);
const Object& input_object(const RunContext& ctx, std::string_view name, std::string_view type);

// The object of input `name`, which must be a T (its type() is `type`).
template <class T>
const T& input_as(const RunContext& ctx, std::string_view name, std::string_view type) {
  const Object& o = input_object(ctx, name, type);
  const T* t = dynamic_cast<const T*>(&o);
  if (!t) throw Error("input '" + std::string(name) + "': expected " + std::string(type) + ", got " + std::string(o.type()));
  return *t;
}

// Where a file named by a string input lives: absolute paths as given; a relative path is
// taken from the current directory when it exists there, else from the workflow file's
// folder (so workflows can ship their inputs beside them).
std::filesystem::path resolve_input_path(const RunEnv& env, const std::string& value);

// The next free "<out>/<prefix>_NNNNN_.<ext>" (ComfyUI's numbering: one more than the
// highest number already there). The prefix may name subfolders but must stay in out_dir.
std::filesystem::path next_output_path(const std::filesystem::path& out_dir, const std::string& prefix,
                                       const std::string& ext);

}  // namespace vkflow::nodes
