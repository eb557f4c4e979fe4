#pragma once
// Shared helpers for graph/ tests: loading with the fake schemas, a temporary models folder.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "graph/load.hpp"
#include "tests/common/paths.hpp"
#include "tests/graph/fake_schemas.hpp"

namespace vkflow::test {

inline const FakeRegistry& fake_registry() {
  static FakeRegistry r;
  return r;
}

inline std::filesystem::path graph_data() { return data_dir() / "graph"; }

inline graph::LoadResult load_text(const std::string& text, graph::LoadOptions opts = {}) {
  return graph::load_workflow_text(text, "wf.json", fake_registry().lookup(), opts);
}

inline graph::LoadResult load_file(const std::filesystem::path& p, graph::LoadOptions opts = {}) {
  return graph::load_workflow(p, fake_registry().lookup(), opts);
}

// "code node input" for each error, sorted, for compact assertions.
inline std::vector<std::string> error_keys(const graph::LoadResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.errors) out.push_back(d.code + " " + d.node + " " + d.input);
  std::sort(out.begin(), out.end());
  return out;
}

inline std::string all_errors(const graph::LoadResult& r) {
  std::string s;
  for (const auto& d : r.errors) s += graph::format_human(d, r.workflow.source) + "\n";
  return s;
}

// A models folder laid out like ComfyUI's, holding empty files at the given relative paths.
inline std::filesystem::path make_models_dir(const std::string& name, const std::vector<std::string>& files) {
  auto dir = scratch_dir(name);
  for (const auto& f : files) {
    std::filesystem::create_directories((dir / f).parent_path());
    std::ofstream(dir / f) << "";
  }
  return dir;
}

inline std::string literal_string(const graph::NodeDoc& n, const std::string& input) {
  return std::get<nlohmann::json>(n.inputs.at(input)).get<std::string>();
}

}  // namespace vkflow::test
