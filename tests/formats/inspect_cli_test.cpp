// `vkflow inspect` end to end: JSON for a good file, exit 5 with the reader's error for a bad one.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "tests/common/paths.hpp"
#include "tests/formats/file_builders.hpp"

namespace {
int run(const std::string& cmd, std::string* out) {
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  std::array<char, 4096> buf;
  for (size_t n; (n = fread(buf.data(), 1, buf.size(), p)) > 0;) out->append(buf.data(), n);
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}
}  // namespace

TEST(InspectCli, JsonReportAndBadFileExitCode) {
  auto exe = vkflow::test::binary_dir() / "vkflow";
  if (!std::filesystem::exists(exe)) GTEST_SKIP() << "build the vkflow target first";
  std::string out;
  auto good = vkflow::test::data_dir() / "formats/flux_tiny-sdcpp-q8_0.gguf";
  ASSERT_EQ(run(exe.string() + " inspect --json " + good.string(), &out), 0);
  auto j = nlohmann::json::parse(out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["architecture"], "flux");
  EXPECT_EQ(j[0]["parameters"], 87104);
  EXPECT_EQ(j[0]["dtypes"]["q8_0"]["tensors"], 16);
  EXPECT_EQ(j[0]["problems"].size(), 0u);

  auto bad = vkflow::test::scratch_dir("inspect_cli") / "evil.pth";
  vkflow::test::write_file(bad, vkflow::test::torch_zip("\x80\x02" + vkflow::test::pk_global("os", "system") + ")R."));
  std::string err;
  EXPECT_EQ(run(exe.string() + " inspect " + bad.string() + " 2>&1", &err), 5);
  EXPECT_NE(err.find("refusing global 'os.system'"), std::string::npos) << err;
}
