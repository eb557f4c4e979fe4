#include <gtest/gtest.h>

#include "runtime/core/error.hpp"
#include "scheduler/budget.hpp"
#include "scheduler/byte_size.hpp"
#include "scheduler/profiles.hpp"

using namespace vkflow;
using namespace vkflow::scheduler;

TEST(ByteSize, ParsesUnits) {
  EXPECT_EQ(parse_size("8GiB"), 8ull << 30);
  EXPECT_EQ(parse_size("7.5G"), (15ull << 30) / 2);
  EXPECT_EQ(parse_size("512MiB"), 512ull << 20);
  EXPECT_EQ(parse_size("512 mb"), 512ull << 20);
  EXPECT_EQ(parse_size("1048576"), 1048576u);
  EXPECT_EQ(parse_size("2k"), 2048u);
  EXPECT_EQ(parse_size("1TiB"), 1ull << 40);
}

TEST(ByteSize, RejectsGarbageNamingTheFlag) {
  for (const char* bad : {"", "GiB", "8 parsecs", "1.2.3G", "-1G", "."}) {
    try {
      parse_size(bad, "--vram");
      FAIL() << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("--vram: '"), std::string::npos) << e.what();
    }
  }
}

TEST(ByteSize, Formats) {
  EXPECT_EQ(format_size(512), "512 B");
  EXPECT_EQ(format_size(8ull << 30), "8.00 GiB");
  EXPECT_EQ(format_size(12ull << 20), "12.0 MiB");
  EXPECT_EQ(format_size(300ull << 20), "300 MiB");
}

TEST(Profiles, Rx580IsTheSeedCard) {
  const Profile* p = find_profile("rx580-8gb");
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(p->gpus.size(), 1u);
  EXPECT_EQ(p->gpus[0].vram, 8ull << 30);
  EXPECT_EQ(p->gpus[0].max_alloc, 4ull << 30);
  EXPECT_FALSE(p->gpus[0].fast_fp16);
  for (const char* n : {"cpu-only", "gtx1060-6gb", "rtx3060-12gb", "rx6600-8gb", "h100-80gb"})
    EXPECT_NE(find_profile(n), nullptr) << n;
  EXPECT_EQ(find_profile("rx9999"), nullptr);
  EXPECT_TRUE(find_profile("cpu-only")->gpus.empty());
}

TEST(Budgets, ProfileMinusReserve) {
  Machine m = machine_from_profile(*find_profile("rx580-8gb"));
  ASSERT_EQ(m.devices.size(), 2u);
  EXPECT_EQ(m.devices[0].name, "vulkan0");
  EXPECT_EQ(m.devices[0].usable, (8ull << 30) - (8ull << 30) / 20);  // 5 % reserve
  EXPECT_EQ(m.host().name, "cpu");
  EXPECT_EQ(m.host().usable, (32ull << 30) - (32ull << 30) / 10);
  EXPECT_EQ(m.devices[0].max_alloc, 4ull << 30);
}

TEST(Budgets, OverridesAreExact) {
  Machine m = machine_from_profile(*find_profile("rx580-8gb"), {parse_size("6GiB"), parse_size("12G")});
  EXPECT_EQ(m.devices[0].usable, 6ull << 30);
  EXPECT_EQ(m.devices[0].source, "--vram");
  EXPECT_EQ(m.host().usable, 12ull << 30);
  Machine c = machine_from_profile(*find_profile("cpu-only"));
  EXPECT_EQ(c.devices.size(), 1u);
  EXPECT_EQ(c.host_index(), 0);
}

TEST(Budgets, MeminfoAvailable) {
  std::string text = "MemTotal:       32768000 kB\nMemFree:         1000 kB\nMemAvailable:   20000000 kB\n";
  EXPECT_EQ(meminfo_field(text, "MemAvailable"), 20000000ull * 1024);
  EXPECT_EQ(meminfo_field(text, "MemTotal"), 32768000ull * 1024);
  EXPECT_THROW(meminfo_field("MemTotal: 1 kB\n", "MemAvailable"), Error);
  HostOnlySource live;  // this machine's /proc/meminfo
  EXPECT_GT(live.host_available(), 0u);
  EXPECT_GE(live.host_total(), live.host_available());
}

namespace {
struct FakeSource : LiveDeviceSource {
  std::vector<LiveGpu> g;
  std::vector<LiveGpu> gpus() override { return g; }
  uint64_t host_total() override { return 16ull << 30; }
  uint64_t host_available() override { return 10ull << 30; }
};
}  // namespace

TEST(Budgets, LiveUsesMemoryBudgetExtensionWhenPresent) {
  FakeSource s;
  s.g.push_back({"GPU A", 8ull << 30, 6ull << 30, 4ull << 30, false});   // another app holds 2 GiB
  s.g.push_back({"GPU B", 4ull << 30, std::nullopt, 1ull << 30, false});
  Machine m = machine_from_live(s);
  ASSERT_EQ(m.devices.size(), 3u);
  EXPECT_EQ(m.devices[0].usable, (6ull << 30) - (8ull << 30) / 20);
  EXPECT_EQ(m.devices[0].source, "VK_EXT_memory_budget minus reserve");
  EXPECT_EQ(m.devices[1].usable, (4ull << 30) - (256ull << 20));
  EXPECT_EQ(m.devices[1].name, "vulkan1");
  EXPECT_EQ(m.devices[1].max_alloc, 1ull << 30);
  EXPECT_EQ(m.host().usable, (10ull << 30) - (512ull << 20));
  Machine o = machine_from_live(s, {1ull << 30, 2ull << 30});
  EXPECT_EQ(o.devices[1].usable, 1ull << 30);
  EXPECT_EQ(o.host().usable, 2ull << 30);
}
