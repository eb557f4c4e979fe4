#include "scheduler/byte_size.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <string>

#include "runtime/core/error.hpp"

namespace vkflow::scheduler {

uint64_t parse_size(std::string_view text, std::string_view what) {
  auto fail = [&] {
    return Error(std::string(what) + ": '" + std::string(text) +
                 "' is not a size (examples: 8GiB, 7.5G, 512MiB, 1048576)");
  };
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  std::string num(text.substr(0, i));
  if (num.empty() || num == "." || num.find('.') != num.rfind('.')) throw fail();
  std::string unit;
  for (char c : text.substr(i))
    if (c != ' ') unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  double mult = 0;
  if (unit.empty() || unit == "b") mult = 1;
  else if (unit == "k" || unit == "kb" || unit == "kib") mult = 1024.0;
  else if (unit == "m" || unit == "mb" || unit == "mib") mult = 1024.0 * 1024;
  else if (unit == "g" || unit == "gb" || unit == "gib") mult = 1024.0 * 1024 * 1024;
  else if (unit == "t" || unit == "tb" || unit == "tib") mult = 1024.0 * 1024 * 1024 * 1024;
  else throw fail();
  double v = std::stod(num) * mult;
  if (!(v >= 0) || v > 1.8e19) throw fail();
  return static_cast<uint64_t>(std::llround(v));
}

std::string format_size(uint64_t bytes) {
  static const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double v = static_cast<double>(bytes);
  int u = -1;
  while (v >= 1024 && u < 3) v /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, v < 10 ? "%.2f %s" : (v < 100 ? "%.1f %s" : "%.0f %s"), v, units[u]);
  return buf;
}

std::string format_seconds(double s) {
  char buf[32];
  if (s < 0.01) std::snprintf(buf, sizeof buf, "%.1f ms", s * 1000);
  else if (s < 120) std::snprintf(buf, sizeof buf, "%.2f s", s);
  else std::snprintf(buf, sizeof buf, "%.1f min", s / 60);
  return buf;
}

}  // namespace vkflow::scheduler
