#pragma once
// The 30 prompts of tests/data/text/tokenizer_cases.json (from ../shared/fixtures/assets).
#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/common/paths.hpp"

namespace vkflow::test {
inline const nlohmann::json& tokenizer_cases() {
  static const nlohmann::json j = [] {
    std::ifstream f(data_dir() / "text/tokenizer_cases.json");
    return nlohmann::json::parse(f);
  }();
  return j;
}
}  // namespace vkflow::test
