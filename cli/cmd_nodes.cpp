// vkflow nodes [TYPE] [--json]: every registered node type with its ports and parameters.
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "graph/schema_export.hpp"
#include "graph/validate.hpp"
#include "nodes/node.hpp"

namespace vkflow::cli {
namespace {

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

void print_node(const graph::NodeSchema& s, std::ostream& out) {
  out << s.type << "  [" << s.category << "]  devices: " << join(s.devices);
  if (s.output_node) out << "  (output node)";
  if (!s.comfy_class_types.empty()) out << "  ComfyUI: " << join(s.comfy_class_types);
  out << "\n";
  if (!s.description.empty()) out << "  " << s.description << "\n";
  for (const auto& in : s.inputs) {
    std::ostringstream line;
    line << "    " << std::left << std::setw(16) << in.name << " ";
    if (graph::types::is_primitive(in.type)) line << graph::describe_spec(in);
    else line << in.type << " (link)";
    if (!in.required) line << (in.default_value.is_null() ? "  optional" : "  default " + in.default_value.dump());
    if (!in.comfy_name.empty()) line << "  ComfyUI: " << in.comfy_name;
    if (!in.model_folder.empty()) line << "  models/" << in.model_folder << "/";
    if (!in.description.empty()) line << "  - " << in.description;
    out << (&in == &s.inputs.front() ? "  inputs:\n" : "") << line.str() << "\n";
  }
  for (const auto& o : s.outputs)
    out << (&o == &s.outputs.front() ? "  outputs:\n" : "") << "    " << std::left << std::setw(16) << o.name << " "
        << o.type << (o.description.empty() ? "" : "  - " + o.description) << "\n";
}

CommandRegistrar reg{{[](CLI::App& app, GlobalOptions&) -> std::function<int()> {
  auto* cmd = app.add_subcommand("nodes", "List node types: ports, types, defaults, ranges, choices, ComfyUI names");
  auto type = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("type", *type, "Show only this node type (vkflow or ComfyUI name)");
  cmd->add_flag("--json", *json, "Print as a JSON list");
  return [type, json] {
    std::vector<const graph::NodeSchema*> list;
    for (const auto* d : nodes::Registry::instance().all())
      if (type->empty() || d == nodes::Registry::instance().find(*type)) list.push_back(&d->schema);
    if (!type->empty() && list.empty()) {
      std::cerr << "error: unknown node type '" << *type << "' (run `vkflow nodes` for the list)\n";
      return static_cast<int>(kUsage);
    }
    if (*json) {
      nlohmann::json j = nlohmann::json::array();
      for (const auto* s : list) j.push_back(graph::node_schema_json(*s));
      std::cout << j.dump(2) << "\n";
    } else {
      for (const auto* s : list) {
        print_node(*s, std::cout);
        std::cout << "\n";
      }
      if (list.empty()) std::cout << "(no node types registered)\n";
    }
    return static_cast<int>(kOk);
  };
}}};

}  // namespace
}  // namespace vkflow::cli
