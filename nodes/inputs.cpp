#include "nodes/inputs.hpp"

#include <regex>

namespace vkflow::nodes {
namespace fs = std::filesystem;

namespace {
std::string quoted(std::string_view n) { return "input '" + std::string(n) + "'"; }
}  // namespace

bool has_input(const RunContext& ctx, std::string_view name) {
  auto it = ctx.inputs.find(std::string(name));
  return it != ctx.inputs.end() && !std::holds_alternative<std::monostate>(it->second);
}

const Value& input_value(const RunContext& ctx, std::string_view name) {
  auto it = ctx.inputs.find(std::string(name));
  if (it == ctx.inputs.end() || std::holds_alternative<std::monostate>(it->second))
    throw Error(quoted(name) + " is missing");
  return it->second;
}

int64_t input_int(const RunContext& ctx, std::string_view name) {
  const Value& v = input_value(ctx, name);
  if (auto* i = std::get_if<int64_t>(&v)) return *i;
  throw Error(quoted(name) + ": expected INT");
}

double input_float(const RunContext& ctx, std::string_view name) {
  const Value& v = input_value(ctx, name);
  if (auto* d = std::get_if<double>(&v)) return *d;
  if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  throw Error(quoted(name) + ": expected FLOAT");
}

bool input_bool(const RunContext& ctx, std::string_view name) {
  const Value& v = input_value(ctx, name);
  if (auto* b = std::get_if<bool>(&v)) return *b;
  throw Error(quoted(name) + ": expected BOOL");
}

const std::string& input_string(const RunContext& ctx, std::string_view name) {
  const Value& v = input_value(ctx, name);
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  throw Error(quoted(name) + ": expected STRING");
}

const Object& input_object(const RunContext& ctx, std::string_view name, std::string_view type) {
  const Value& v = input_value(ctx, name);
  auto* o = std::get_if<std::shared_ptr<const Object>>(&v);
  if (!o || !*o) throw Error(quoted(name) + ": expected " + std::string(type));
  if ((*o)->type() != type)
    throw Error(quoted(name) + ": expected " + std::string(type) + ", got " + std::string((*o)->type()));
  return **o;
}

fs::path resolve_input_path(const RunEnv& env, const std::string& value) {
  fs::path p(value);
  if (p.empty() || p.is_absolute()) return p;
  std::error_code ec;
  if (fs::exists(p, ec)) return p;
  if (env.workflow && !env.workflow->source.empty()) {
    fs::path beside = fs::path(env.workflow->source).parent_path() / p;
    if (fs::exists(beside, ec)) return beside;
  }
  return p;
}

fs::path next_output_path(const fs::path& out_dir, const std::string& prefix, const std::string& ext) {
  if (prefix.empty()) throw Error("filename_prefix is empty");
  fs::path rel = fs::path(prefix).lexically_normal();
  if (rel.is_absolute() || (!rel.empty() && *rel.begin() == ".."))
    throw Error("filename_prefix '" + prefix + "' must stay inside the output folder");
  fs::path dir = out_dir / rel.parent_path();
  std::string base = rel.filename().string();
  if (base.empty()) throw Error("filename_prefix '" + prefix + "' has no file name part");
  fs::create_directories(dir);
  // Counter = highest existing "<base>_NNNNN_.<ext>" + 1, as ComfyUI numbers its outputs.
  std::regex re("^" + std::regex_replace(base, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                R"(_(\d{5,})_\.)" + ext + "$");
  long highest = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::smatch m;
    std::string n = e.path().filename().string();
    if (std::regex_match(n, m, re)) highest = std::max(highest, std::stol(m[1]));
  }
  char num[32];
  std::snprintf(num, sizeof num, "%05ld", highest + 1);
  return dir / (base + "_" + num + "_." + ext);
}

}  // namespace vkflow::nodes
