#pragma once
// Where tests find their data (tests/data/, copied from ../shared/fixtures) and scratch space.
#include <filesystem>
#include <string>

namespace vkflow::test {
inline std::filesystem::path data_dir() { return VKFLOW_TEST_DATA; }
inline std::filesystem::path source_dir() { return VKFLOW_SOURCE_DIR; }
inline std::filesystem::path binary_dir() { return VKFLOW_BINARY_DIR; }
// A fresh empty directory under the build tree for one test.
std::filesystem::path scratch_dir(const std::string& name);
}  // namespace vkflow::test
