#include "scheduler/progress.hpp"

#include "scheduler/byte_size.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace vkflow::scheduler {

ProgressStyle default_progress_style(bool quiet) {
  if (quiet) return ProgressStyle::Quiet;
  return isatty(STDERR_FILENO) ? ProgressStyle::Bar : ProgressStyle::Lines;
}

void ProgressDisplay::draw_bar(const std::string& label, int64_t step, int64_t total, double eta) {
  constexpr int kWidth = 28;
  int filled = total > 0 ? int(kWidth * step / total) : 0;
  std::string bar(filled, '#');
  bar.resize(kWidth, '.');
  out_ << "\r\033[K" << label << " [" << bar << "] " << step << "/" << total;
  if (eta >= 0) out_ << "  ETA " << format_seconds(eta);
  out_.flush();
  bar_open_ = true;
}

void ProgressDisplay::end_bar() {
  if (bar_open_) out_ << "\r\033[K";
  bar_open_ = false;
}

void ProgressDisplay::on_event(const nlohmann::json& e) {
  if (style_ == ProgressStyle::Quiet) return;
  const std::string ev = e.value("event", "");
  const double t = e.value("t", 0.0);
  if (ev == "run_started") {
    total_nodes_ = e.value("nodes", 0);
    return;
  }
  if (ev == "started") {
    index_ = e.value("index", index_ + 1);
    label_ = "[" + std::to_string(index_) + "/" + std::to_string(total_nodes_) + "] " +
             e.value("node", "") + " (" + e.value("type", "") + ")";
    node_start_ = t;
    last_decile_ = -1;
    if (style_ == ProgressStyle::Bar) {
      end_bar();
      out_ << label_;
      out_.flush();
      bar_open_ = true;
    }
    return;
  }
  if (ev == "progress") {
    int64_t step = e.value("step", int64_t(0)), total = e.value("total", int64_t(0));
    double elapsed = t - node_start_;
    double eta = (step > 0 && total > 0) ? elapsed * double(total - step) / double(step) : -1;
    if (style_ == ProgressStyle::Bar) {
      draw_bar(label_, step, total, eta);
    } else if (total > 0) {
      // Plain output: one line per 10% so logs stay short.
      int decile = int(10 * step / total);
      if (decile != last_decile_) {
        last_decile_ = decile;
        out_ << label_ << ": " << step << "/" << total;
        if (eta >= 0 && step < total) out_ << ", ETA " << format_seconds(eta);
        out_ << "\n";
      }
    }
    return;
  }
  if (ev == "finished") {
    end_bar();
    out_ << label_ << " done in " << format_seconds(e.value("seconds", 0.0)) << "\n";
  } else if (ev == "cached" || ev == "skipped") {
    end_bar();
    out_ << e.value("node", "") << " (" << e.value("type", "") << ") "
         << (ev == "cached" ? "cached" : "skipped: " + e.value("reason", std::string())) << "\n";
  } else if (ev == "failed") {
    end_bar();
    out_ << label_ << " failed after " << format_seconds(e.value("seconds", 0.0)) << "\n";
  } else if (ev == "cancelled") {
    end_bar();
    out_ << "cancelled" << (e.contains("node") ? " during " + e.value("node", std::string()) : "") << "\n";
  }
  out_.flush();
}

}  // namespace vkflow::scheduler
