// The bad-workflow corpus: every file under tests/graph/bad/ must give exactly the errors its
// entry in tests/graph/bad/expectations.json lists (code, node, input; line and column where
// given), each with a message.
#include <gtest/gtest.h>

#include <set>

#include "graph/json_text.hpp"
#include "tests/graph/helpers.hpp"

namespace vkflow::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path corpus_dir() { return source_dir() / "tests" / "graph" / "bad"; }

json expectations() { return json::parse(graph::read_text_file(corpus_dir() / "expectations.json")); }

std::string key(const std::string& code, const std::string& node, const std::string& input) {
  return code + " node='" + node + "' input='" + input + "'";
}

TEST(BadCorpus, EveryFileHasAnExpectationAndThereAreAtLeastThirty) {
  json ex = expectations();
  std::set<std::string> files;
  for (const auto& e : fs::directory_iterator(corpus_dir()))
    if (e.path().extension() == ".json" && e.path().filename() != "expectations.json")
      files.insert(e.path().filename().string());
  std::set<std::string> listed;
  for (const auto& [k, v] : ex.items()) listed.insert(k);
  EXPECT_EQ(files, listed);
  EXPECT_GE(files.size(), 30u);
}

class BadWorkflow : public ::testing::TestWithParam<std::string> {};

TEST_P(BadWorkflow, GivesExactlyTheExpectedErrors) {
  const json e = expectations().at(GetParam());
  graph::LoadOptions opts;
  if (e.contains("set")) opts.overrides = e["set"].get<std::vector<std::string>>();
  if (e.value("models", false)) opts.models_dir = corpus_dir() / "models";
  auto r = load_file(corpus_dir() / GetParam(), opts);
  std::multiset<std::string> got, want;
  for (const auto& d : r.errors) {
    got.insert(key(d.code, d.node, d.input));
    EXPECT_FALSE(d.message.empty()) << d.code;
  }
  for (const auto& x : e["expect"]) {
    want.insert(key(x["code"], x["node"], x["input"]));
    if (!x.contains("line")) continue;
    bool found = false;
    for (const auto& d : r.errors)
      found = found || (d.code == x["code"] && d.loc.line == x["line"] && d.loc.column == x["column"]);
    EXPECT_TRUE(found) << x.dump() << " not at that position";
  }
  EXPECT_EQ(got, want) << all_errors(r);
  EXPECT_FALSE(r.ok());
}

std::vector<std::string> corpus_files() {
  std::vector<std::string> out;
  const json ex = expectations();
  for (const auto& [k, v] : ex.items()) out.push_back(k);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadWorkflow, ::testing::ValuesIn(corpus_files()),
                         [](const auto& info) {
                           std::string n = info.param.substr(0, info.param.size() - 5);
                           for (auto& c : n)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

}  // namespace
}  // namespace vkflow::test
