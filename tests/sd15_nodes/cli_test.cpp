// `vkflow run` / `vkflow plan` on the SD1.5 workflows: a PNG is written, bad input exits
// non-zero naming node and field, and every node has an estimate the planner can place.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "tests/common/paths.hpp"

namespace vkflow::test {
namespace {

namespace fs = std::filesystem;

struct Result {
  int rc;
  std::string out;
};

Result vkflow(const std::string& args) {
  const std::string cmd = (binary_dir() / "vkflow").string() + " " + args + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p.get())) > 0) out.append(buf.data(), n);
  const int status = pclose(p.release());
  return {WEXITSTATUS(status), out};
}

const std::string kTxt2Img = (source_dir() / "workflows" / "sd15_txt2img.json").string();
const std::string kSmall = " --set latent.width=64 --set latent.height=64 --set sampler.steps=2";

TEST(Sd15Cli, RunWritesAPng) {
  const fs::path out = scratch_dir("sd15_cli_run");
  const Result r = vkflow("run " + kTxt2Img + " --device cpu --out " + out.string() + kSmall);
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_TRUE(fs::exists(out / "sd15_txt2img_00001_.png")) << r.out;
}

TEST(Sd15Cli, BadWidthFailsNamingNodeAndField) {
  const fs::path out = scratch_dir("sd15_cli_bad");
  const Result r = vkflow("run " + kTxt2Img + " --device cpu --out " + out.string() + kSmall + " --set latent.width=100");
  EXPECT_EQ(r.rc, 1) << r.out;
  EXPECT_NE(r.out.find("latent"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("'width'"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(out / "sd15_txt2img_00001_.png"));
}

TEST(Sd15Cli, WrongCheckpointFileExitsWithTheFileCode) {
  const fs::path out = scratch_dir("sd15_cli_badfile");
  const std::string png = (source_dir() / "workflows" / "assets" / "demo_image.png").string();
  const Result r = vkflow("run " + kTxt2Img + " --device cpu --out " + out.string() + " --set checkpoint.ckpt_name=" + png);
  EXPECT_NE(r.rc, 0) << r.out;
  EXPECT_NE(r.out.find("ckpt_name"), std::string::npos) << r.out;
}

TEST(Sd15Cli, PlanPlacesEveryNodeOnTheRx580Profile) {
  const Result r = vkflow("plan " + kTxt2Img + " --profile rx580-8gb --json");
  ASSERT_EQ(r.rc, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out.substr(r.out.find('{')));
  std::string text = j.dump();
  for (const char* node : {"checkpoint", "positive", "negative", "latent", "sampler", "decode", "save"})
    EXPECT_NE(text.find(std::string("\"") + node + "\""), std::string::npos) << node;
  EXPECT_NE(text.find("#unet"), std::string::npos) << "the sampler's weights are named";
}

}  // namespace
}  // namespace vkflow::test
