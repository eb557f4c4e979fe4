#include <gtest/gtest.h>

#include <fstream>

#include "runtime/core/atomic_write.hpp"
#include "runtime/core/error.hpp"
#include "tests/common/paths.hpp"
#include "tests/exec/image_pipeline.hpp"

using namespace vkflow;
using namespace vkflow::test;
namespace fs = std::filesystem;

namespace {
fs::path sample_png() { return data_dir() / "media" / "sd15_128.png"; }
}  // namespace

TEST(Cancel, BetweenNodesStopsBeforeAnyOutput) {
  auto out = scratch_dir("cancel_between");
  auto wf = image_pipeline(sample_png());
  auto opts = exec_options(out, &wf);
  scheduler::CancelToken token;
  opts.cancel = &token;
  Recorder rec;
  opts.events.add(rec.observer());
  opts.events.add([&](const nlohmann::json& e) {
    if (e.value("event", "") == "finished" && e.value("node", "") == "scale") token.cancel();  // "Ctrl-C"
  });
  EXPECT_THROW(scheduler::execute(wf, image_plan(), opts), scheduler::Cancelled);
  EXPECT_EQ(rec.nodes("started"), (std::vector<std::string>{"load", "scale"}));
  EXPECT_EQ(rec.events.back().value("event", ""), "cancelled");
  EXPECT_TRUE(files_under(out).empty());
}

TEST(Cancel, InsideANodeThatPolls) {
  auto out = scratch_dir("cancel_inside");
  graph::Workflow wf;
  add_node(wf, "audio", "LoadAudio", {{"audio", lit((data_dir() / "media" / "speech_6s.wav").string())}});
  add_node(wf, "rs", "AudioResample", {{"audio", from("audio", "audio")}, {"sample_rate", lit(44100)}});
  add_node(wf, "save", "SaveAudio", {{"audio", from("rs", "audio")}, {"format", lit("wav")}});
  auto opts = exec_options(out, &wf);
  scheduler::CancelToken token;
  opts.cancel = &token;
  Recorder rec;
  opts.events.add(rec.observer());
  opts.events.add([&](const nlohmann::json& e) {
    if (e.value("event", "") == "progress") token.cancel();  // first progress report of the resampler
  });
  EXPECT_THROW(scheduler::execute(wf, plan_in_order({"audio", "rs", "save"}), opts), scheduler::Cancelled);
  EXPECT_TRUE(rec.nodes("finished") == std::vector<std::string>{"audio"});
  EXPECT_EQ(rec.nodes("cancelled"), (std::vector<std::string>{"rs"}));
  EXPECT_TRUE(files_under(out).empty());
}

TEST(AtomicWrite, FailureLeavesNeitherPartialNorTemporaryFiles) {
  auto dir = scratch_dir("atomic");
  fs::path target = dir / "result.bin";
  struct Interrupted {};
  EXPECT_THROW(atomic_write_stream(target, [](std::ostream& o) {
                 o << std::string(100000, 'x');  // half written...
                 throw Interrupted{};
               }),
               Interrupted);
  EXPECT_TRUE(files_under(dir).empty());

  atomic_write(target, std::string_view("old"));
  EXPECT_THROW(atomic_write_stream(target, [](std::ostream& o) {
                 o << "new, but";
                 throw Interrupted{};
               }),
               Interrupted);
  EXPECT_EQ(files_under(dir), (std::vector<std::string>{"result.bin"}));
  std::ifstream in(target);
  std::string s;
  in >> s;
  EXPECT_EQ(s, "old");  // the previous complete file is untouched
  atomic_write(target, std::string_view("new"));
  std::ifstream in2(target);
  in2 >> s;
  EXPECT_EQ(s, "new");
  EXPECT_FALSE(is_atomic_temp(target));
  EXPECT_TRUE(is_atomic_temp(dir / ".result.bin.tmp-Ab12Cd"));
}

TEST(AtomicWrite, UnwritableFolderIsAnErrorNamingTheFile) {
  try {
    atomic_write(fs::path("/proc/vkflow-no/x.png"), std::string_view("x"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("x.png"), std::string::npos) << e.what();
  }
}
