// The graph commands of the vkflow binary (validate, nodes, schema) against the real node
// registry: exit codes and output shapes. Needs build/vkflow (built with the whole project).
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <set>
#include <sys/wait.h>

#include "tests/graph/helpers.hpp"

namespace vkflow::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Ran {
  int rc;
  std::string out;
};

// Runs vkflow with `args` (stdout captured, stderr discarded).
Ran vkflow(const std::string& args) {
  std::string cmd = (binary_dir() / "vkflow").string() + " " + args + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  Ran r{-1, ""};
  if (!p) return r;
  std::array<char, 4096> buf;
  for (size_t n; (n = fread(buf.data(), 1, buf.size(), p)) > 0;) r.out.append(buf.data(), n);
  int st = pclose(p);
  r.rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(binary_dir() / "vkflow")) GTEST_SKIP() << "build the vkflow target first";
  }
  std::string tmpl = (source_dir() / "workflows/templates/image_resize.json").string();
};

TEST_F(Cli, ValidateExitCodes) {
  EXPECT_EQ(vkflow("validate " + tmpl + " --set image=cat.png --set width=300").rc, 0);
  EXPECT_EQ(vkflow("validate " + tmpl + " --set image=cat.png --set width=-1").rc, 3);
  EXPECT_EQ(vkflow("validate " + tmpl).rc, 3);  // "image" has no default
  EXPECT_EQ(vkflow("validate " + tmpl + " --set image").rc, 2);
  EXPECT_EQ(vkflow("validate " + tmpl + " --set image=a.png --set nope.width=3").rc, 2);
  EXPECT_EQ(vkflow("validate /nonexistent/wf.json").rc, 2);
  EXPECT_EQ(vkflow("validate --bogus-flag " + tmpl).rc, 2);
}

TEST_F(Cli, ValidateJson) {
  auto r = vkflow("validate --json " + tmpl + " --set image=cat.png --set method=sinc --set scale.crop=1");
  EXPECT_EQ(r.rc, 3);
  json j = json::parse(r.out);
  EXPECT_FALSE(j["valid"]);
  std::set<std::string> codes;
  for (const auto& e : j["errors"]) codes.insert(e["code"].get<std::string>() + " " + e.value("node", "") + " " + e["input"].get<std::string>());
  EXPECT_EQ(codes, (std::set<std::string>{"not_in_choices  method", "wrong_json_type scale crop"})) << r.out;
  auto ok = json::parse(vkflow("validate --json " + tmpl + " --set image=cat.png").out);
  EXPECT_TRUE(ok["valid"]);
  EXPECT_EQ(ok["nodes"], 3);
}

TEST_F(Cli, TemplateByNameFromAnotherFolder) {
  auto dir = scratch_dir("cli_template_by_name");
  std::ofstream(dir / "wf.json") << R"({"vkflow": 1, "nodes": {
    "r": {"type": "template:image_resize", "inputs": {"image": "cat.png", "width": 64}}}})";
  EXPECT_EQ(vkflow("validate " + (dir / "wf.json").string()).rc, 0);  // found in the repository's templates
}

TEST_F(Cli, NodesAndSchema) {
  auto nodes = vkflow("nodes --json");
  ASSERT_EQ(nodes.rc, 0);
  json list = json::parse(nodes.out);
  bool scale = false;
  for (const auto& n : list) scale = scale || n["type"] == "ImageScale";
  EXPECT_TRUE(scale);
  EXPECT_EQ(vkflow("nodes ImageScale").rc, 0);
  EXPECT_EQ(vkflow("nodes NoSuchNode").rc, 2);
  auto schema = vkflow("schema");
  ASSERT_EQ(schema.rc, 0);
  json s = json::parse(schema.out);
  EXPECT_EQ(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
  EXPECT_TRUE(s["$defs"].contains("node_ImageScale"));
  EXPECT_TRUE(s["$defs"].contains("node_SaveImage"));
}

}  // namespace
}  // namespace vkflow::test
