// Runs every parity case on every test device. A device without a kernel for the case's
// op/dtype is listed as a skip (printed at the end), never silently passed.
#include <gtest/gtest.h>

#include <iostream>
#include <mutex>

#include "tests/common/devices.hpp"
#include "tests/ops/harness.hpp"

namespace vkflow::test {
namespace {

std::vector<std::string>& skips() {
  static std::vector<std::string> s;
  return s;
}

class SkipReport : public ::testing::Environment {
 public:
  void TearDown() override {
    if (skips().empty()) return;
    std::cout << "[ parity ] " << skips().size() << " device/op combinations skipped (no kernel):\n";
    for (const auto& s : skips()) std::cout << "[ skipped ] " << s << "\n";
  }
};
const auto* const kReport = ::testing::AddGlobalTestEnvironment(new SkipReport);

class Parity : public ::testing::TestWithParam<size_t> {};

TEST_P(Parity, MatchesFloat64Reference) {
  const OpCase& c = all_cases()[GetParam()];
  int ran = 0;
  for (Device* dev : test_devices()) {
    if (!dev->supports(c.op, c.dtype)) {
      skips().push_back(dev->name() + ": " + c.name + " (" + c.op + ", " + std::string(dtype_name(c.dtype)) + ")");
      continue;
    }
    ++ran;
    std::string err = run_case(c, *dev);
    EXPECT_EQ(err, "") << c.name << " on " << dev->name();
  }
  if (!ran) GTEST_SKIP() << "no device supports " << c.op;
}

std::string case_label(const ::testing::TestParamInfo<size_t>& info) {
  std::string n = all_cases()[info.param].name;
  for (char& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(Ops, Parity, ::testing::Range<size_t>(0, all_cases().size()), case_label);

}  // namespace
}  // namespace vkflow::test
