#pragma once
// Human progress on stderr, driven by run events: a redrawn bar with step counts and ETA on
// a terminal, plain lines otherwise (logs, CI), nothing in quiet mode.
#include <chrono>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

namespace vkflow::scheduler {

enum class ProgressStyle { Bar, Lines, Quiet };
// Bar when stderr is a terminal, else Lines; Quiet when `quiet`.
ProgressStyle default_progress_style(bool quiet);

class ProgressDisplay {
 public:
  ProgressDisplay(std::ostream& out, ProgressStyle style) : out_(out), style_(style) {}
  void on_event(const nlohmann::json& e);

 private:
  void draw_bar(const std::string& label, int64_t step, int64_t total, double eta);
  void end_bar();

  std::ostream& out_;
  ProgressStyle style_;
  int total_nodes_ = 0;
  int index_ = 0;
  std::string label_;
  double node_start_ = 0;
  int last_decile_ = -1;
  bool bar_open_ = false;
};

}  // namespace vkflow::scheduler
