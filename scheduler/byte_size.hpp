#pragma once
// Memory sizes as users write them ("8GiB", "7.5G", "512MiB", "123456") and as the planner
// prints them ("7.60 GiB").
#include <cstdint>
#include <string>
#include <string_view>

namespace vkflow::scheduler {

// Binary units: K/KB/KiB = 1024, M/MB/MiB = 1024², G/GB/GiB = 1024³, T/TB/TiB = 1024⁴; a bare
// number is bytes. Case-insensitive, optional space. Throws Error naming `what` (e.g. "--vram").
uint64_t parse_size(std::string_view text, std::string_view what = "size");
// "512 B", "12.0 MiB", "7.60 GiB".
std::string format_size(uint64_t bytes);
// "0.42 s", "3.1 min".
std::string format_seconds(double s);

}  // namespace vkflow::scheduler
