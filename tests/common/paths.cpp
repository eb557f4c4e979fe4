#include "tests/common/paths.hpp"

namespace vkflow::test {
std::filesystem::path scratch_dir(const std::string& name) {
  auto p = binary_dir() / "test-scratch" / name;
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p;
}
}  // namespace vkflow::test
