#include <gtest/gtest.h>

#include <sstream>

#include "scheduler/progress.hpp"
#include "tests/common/paths.hpp"
#include "tests/exec/image_pipeline.hpp"

using namespace vkflow;
using namespace vkflow::test;
using nlohmann::json;

TEST(Events, JsonLinesStreamDescribesTheRun) {
  auto out = scratch_dir("events");
  auto wf = image_pipeline(data_dir() / "media" / "sd15_128.png");
  auto opts = exec_options(out, &wf);
  auto stream = std::make_shared<std::ostringstream>();
  opts.events.add(scheduler::json_lines_writer(stream));
  scheduler::execute(wf, image_plan(), opts);

  std::vector<json> ev;
  std::istringstream lines(stream->str());
  for (std::string line; std::getline(lines, line);) ev.push_back(json::parse(line));  // one object per line
  ASSERT_GE(ev.size(), 10u);
  EXPECT_EQ(ev.front()["event"], "run_started");
  EXPECT_EQ(ev.front()["nodes"], 4);
  EXPECT_EQ(ev.back()["event"], "run_finished");
  EXPECT_EQ(ev.back()["ran"], 4);
  double last_t = 0;
  std::map<std::string, std::vector<std::string>> per_node;
  for (const auto& e : ev) {
    ASSERT_TRUE(e.contains("t"));
    EXPECT_GE(e["t"].get<double>(), last_t);  // timestamps never go back
    last_t = e["t"];
    if (e.contains("node")) per_node[e["node"]].push_back(e["event"]);
    if (e["event"] == "finished") EXPECT_GE(e["seconds"].get<double>(), 0.0);
    if (e["event"] == "started") EXPECT_EQ(e["device"], "cpu");
  }
  EXPECT_EQ(per_node["load"].front(), "started");
  EXPECT_EQ(per_node["scale"], (std::vector<std::string>{"started", "progress", "finished", "freed"}));
  EXPECT_EQ(per_node["save"], (std::vector<std::string>{"started", "output", "progress", "finished"}));
  for (const auto& e : ev)
    if (e["event"] == "output") EXPECT_EQ(e["path"], (out / "t_00001_.png").string());
  for (const auto& e : ev)
    if (e["event"] == "progress" && e["node"] == "scale") {
      EXPECT_EQ(e["step"], 1);
      EXPECT_EQ(e["total"], 1);
      EXPECT_EQ(e["type"], "ImageScale");
    }
}

TEST(Progress, PlainLinesAndQuiet) {
  std::vector<json> ev = {
      {{"event", "run_started"}, {"nodes", 2}, {"t", 0}},
      {{"event", "started"}, {"node", "rs"}, {"type", "AudioResample"}, {"index", 1}, {"t", 0.0}},
      {{"event", "progress"}, {"node", "rs"}, {"step", 5}, {"total", 10}, {"t", 1.0}},
      {{"event", "progress"}, {"node", "rs"}, {"step", 10}, {"total", 10}, {"t", 2.0}},
      {{"event", "finished"}, {"node", "rs"}, {"seconds", 2.0}, {"t", 2.0}},
      {{"event", "cached"}, {"node", "inv"}, {"type", "ImageInvert"}, {"t", 2.0}},
  };
  std::ostringstream plain, quiet, bar;
  scheduler::ProgressDisplay p(plain, scheduler::ProgressStyle::Lines), q(quiet, scheduler::ProgressStyle::Quiet),
      b(bar, scheduler::ProgressStyle::Bar);
  for (const auto& e : ev) {
    p.on_event(e);
    q.on_event(e);
    b.on_event(e);
  }
  EXPECT_EQ(plain.str(),
            "[1/2] rs (AudioResample): 5/10, ETA 1.00 s\n"
            "[1/2] rs (AudioResample): 10/10\n"
            "[1/2] rs (AudioResample) done in 2.00 s\n"
            "inv (ImageInvert) cached\n");
  EXPECT_EQ(quiet.str(), "");
  EXPECT_NE(bar.str().find("5/10  ETA 1.00 s"), std::string::npos) << bar.str();
  EXPECT_NE(bar.str().find("[##############..............]"), std::string::npos) << bar.str();
}
