// vkflow: run local AI workflows on Vulkan GPUs and the CPU.
#include <iostream>
#include <map>

#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "runtime/core/error.hpp"

namespace vkflow::cli {
std::vector<Command>& commands() {
  static std::vector<Command> c;
  return c;
}
}  // namespace vkflow::cli

int main(int argc, char** argv) {
  using namespace vkflow::cli;
  CLI::App app{"vkflow: local AI workflows (Stable Diffusion, FLUX, Whisper, RVC) on any Vulkan GPU and the CPU"};
  app.require_subcommand(1);
  app.fallthrough();  // global flags (--quiet, --verbose) may follow the subcommand
  GlobalOptions g;
  app.add_flag("-v,--verbose", g.verbose, "More detail on stderr");
  app.add_flag("-q,--quiet", g.quiet, "Only errors on stderr");
  std::map<CLI::App*, std::function<int()>> runners;
  for (auto& c : commands()) {
    size_t before = app.get_subcommands({}).size();
    auto fn = c.setup(app, g);
    auto subs = app.get_subcommands({});
    if (subs.size() > before) runners[subs.back()] = std::move(fn);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kUsage;  // CLI11's own codes (105, 106, ...) are not vkflow's documented ones
  }
  try {
    for (auto& [sub, fn] : runners)
      if (sub->parsed()) return fn();
  } catch (const vkflow::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
