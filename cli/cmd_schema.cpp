// vkflow schema: the JSON Schema (draft 2020-12) of workflow format v1, generated from the
// node registry, for editors and external validators.
#include <iostream>

#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "graph/schema_export.hpp"
#include "nodes/node.hpp"

namespace vkflow::cli {
namespace {

CommandRegistrar reg{{[](CLI::App& app, GlobalOptions&) -> std::function<int()> {
  app.add_subcommand("schema", "Print the JSON Schema of workflow format v1 for the registered nodes");
  return [] {
    std::vector<const graph::NodeSchema*> types;
    for (const auto* d : nodes::Registry::instance().all()) types.push_back(&d->schema);
    std::cout << graph::workflow_json_schema(types).dump(2) << "\n";
    return kOk;
  };
}}};

}  // namespace
}  // namespace vkflow::cli
