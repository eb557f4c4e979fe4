#pragma once
// CLI subcommands register themselves: one file per command (cli/cmd_<name>.cpp).
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace vkflow::cli {

struct GlobalOptions {
  bool verbose = false;
  bool quiet = false;
};

struct Command {
  // Adds the subcommand to `app`; returns the function that runs it (exit code).
  std::function<std::function<int()>(CLI::App& app, GlobalOptions& g)> setup;
};

std::vector<Command>& commands();
struct CommandRegistrar {
  explicit CommandRegistrar(Command c) { commands().push_back(std::move(c)); }
};

}  // namespace vkflow::cli
