#pragma once
// Running the built `vkflow` binary from tests: exit code and stdout+stderr together.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>

#include "tests/common/paths.hpp"

namespace vkflow::test {

struct CliResult {
  int rc;
  std::string out;
};

// `args` follow the binary name ("plan wf.json --json"); `env` is prefixed ("VAR=1 ").
inline CliResult vkflow_cli(const std::string& args, const std::string& env = "") {
  std::string cmd = env + (binary_dir() / "vkflow").string() + " " + args + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p.get())) > 0) out.append(buf.data(), n);
  int status = pclose(p.release());
  return {WEXITSTATUS(status), out};
}

}  // namespace vkflow::test
