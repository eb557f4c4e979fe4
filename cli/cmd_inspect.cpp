// `vkflow inspect FILE...`: what a model file is (architecture, variant), how big (parameters,
// dtype histogram, bytes at stored and dequantized types), its metadata and any problems.
#include <cstdio>
#include <iostream>
#include <map>

#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "runtime/core/error.hpp"
#include "runtime/cpu/cpu_device.hpp"
#include "runtime/formats/gguf.hpp"
#include "runtime/formats/model_file.hpp"
#include "runtime/formats/torch_checkpoint.hpp"

namespace vkflow::cli {
namespace {

using formats::ModelFile;

std::string human(double b) {
  const char* u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int i = 0;
  while (b >= 1024 && i < 4) { b /= 1024; ++i; }
  char s[32];
  std::snprintf(s, sizeof s, i ? "%.2f %s" : "%.0f %s", b, u[i]);
  return s;
}

// Long arrays (GGUF vocabularies, merges) are summarised instead of printed.
nlohmann::json summarise(const nlohmann::json& j, int depth = 0) {
  if (j.is_array() && (j.size() > 16 || depth > 3)) return "[" + std::to_string(j.size()) + " items]";
  if (j.is_string() && j.get_ref<const std::string&>().size() > 200) return j.get<std::string>().substr(0, 200) + "...";
  if (j.is_object() || j.is_array()) {
    nlohmann::json o = j.is_object() ? nlohmann::json::object() : nlohmann::json::array();
    for (auto& [k, v] : j.items()) {
      if (j.is_object()) o[k] = summarise(v, depth + 1);
      else o.push_back(summarise(v, depth + 1));
    }
    return o;
  }
  return j;
}

nlohmann::json report(const ModelFile& m) {
  nlohmann::json r;
  const auto& d = m.detection();
  r["file"] = m.describe();
  r["format"] = m.format();
  r["architecture"] = d.arch;
  r["layout"] = d.layout;
  if (!d.prefix.empty()) r["prefix"] = d.prefix;
  r["variant"] = d.variant;
  uint64_t params = 0, stored = 0, f16 = 0, f32 = 0, cpu_bytes = 0;
  Device& cpu = cpu::device();
  std::map<std::string, std::pair<uint64_t, uint64_t>> hist;  // dtype -> tensors, bytes
  for (auto& w : m.weights()) {
    uint64_t n = static_cast<uint64_t>(numel(w.shape));
    params += n;
    stored += w.nbytes;
    f32 += n * 4;
    f16 += dtype_info(w.dtype).floating || dtype_info(w.dtype).quantized ? n * 2 : w.nbytes;
    // Block types the CPU's linear kernel cannot read would have to be dequantized to f32.
    cpu_bytes += !dtype_info(w.dtype).quantized || cpu.supports("linear", w.dtype) ? w.nbytes : n * 4;
    auto& h = hist[std::string(dtype_name(w.dtype))];
    h.first += 1;
    h.second += w.nbytes;
  }
  r["tensors"] = m.weights().size();
  r["parameters"] = params;
  for (auto& [t, h] : hist) r["dtypes"][t] = {{"tensors", h.first}, {"bytes", h.second}};
  // A device keeps weights at their stored type where it has kernels for it; otherwise it
  // needs the dequantized f32 size. GPUs are planned by the scheduler from these figures.
  r["bytes"] = {{"stored", stored}, {"as_f16", f16}, {"as_f32", f32}};
  r["devices"] = {{"cpu", cpu_bytes}};
  r["metadata"] = summarise(m.metadata());
  nlohmann::json problems = nlohmann::json::array();
  for (auto& p : d.problems) problems.push_back(p);
  if (m.metadata().contains("_problems"))
    for (auto& p : m.metadata()["_problems"]) problems.push_back(p);
  if (!m.ignored().empty())
    problems.push_back(std::to_string(m.ignored().size()) + " stored tensors are not part of the " + d.arch +
                       " model (e.g. '" + m.ignored().front() + "')");
  r["problems"] = problems;
  return r;
}

void print_text(const nlohmann::json& r) {
  auto dump = [](const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); };
  std::cout << r["file"].get<std::string>() << "\n";
  std::cout << "  format:       " << r["format"].get<std::string>() << "\n";
  std::cout << "  architecture: " << r["architecture"].get<std::string>();
  if (!r["layout"].get<std::string>().empty()) std::cout << " (" << r["layout"].get<std::string>() << " names)";
  std::cout << "\n  variant:      " << dump(r["variant"]) << "\n";
  std::cout << "  parameters:   " << r["parameters"].get<uint64_t>() << " in " << r["tensors"].get<uint64_t>() << " tensors\n";
  std::cout << "  dtypes:      ";
  for (auto& [t, h] : r["dtypes"].items())
    std::cout << " " << t << " x" << h["tensors"].get<uint64_t>() << " (" << human(h["bytes"].get<double>()) << ")";
  std::cout << "\n  bytes:        stored " << human(r["bytes"]["stored"].get<double>()) << "; cpu "
            << human(r["devices"]["cpu"].get<double>()) << "; as f16 "
            << human(r["bytes"]["as_f16"].get<double>()) << "; dequantized f32 " << human(r["bytes"]["as_f32"].get<double>())
            << "\n";
  if (!r["metadata"].empty()) {
    std::cout << "  metadata:\n";
    for (auto& [k, v] : r["metadata"].items()) std::cout << "    " << k << ": " << dump(v) << "\n";
  }
  for (auto& p : r["problems"]) std::cout << "  problem: " << p.get<std::string>() << "\n";
}

CommandRegistrar reg{Command{[](CLI::App& app, GlobalOptions& g) {
  auto* sub = app.add_subcommand("inspect", "Show what model files hold: architecture, variant, sizes, metadata, problems");
  auto files = std::make_shared<std::vector<std::string>>();
  auto json = std::make_shared<bool>(false);
  sub->add_option("files", *files, "Model files or HF model folders")->required();
  sub->add_flag("--json", *json, "Print one JSON object per file (a JSON array)");
  return std::function<int()>([files, json] {
    int rc = kOk;
    nlohmann::json all = nlohmann::json::array();
    for (auto& f : *files) {
      try {
        auto r = report(ModelFile::open(f));
        if (*json) all.push_back(r);
        else print_text(r);
      } catch (const FormatError& e) {
        std::cerr << "error: " << e.what() << "\n";
        if (*json) all.push_back({{"file", f}, {"error", e.what()}});
        rc = kBadInputFile;
      }
    }
    if (*json) std::cout << all.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return rc;
  });
}}};

}  // namespace
}  // namespace vkflow::cli
