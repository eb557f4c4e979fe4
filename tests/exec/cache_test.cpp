#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "nodes/media_values.hpp"
#include "runtime/media/png_io.hpp"
#include "tests/common/paths.hpp"
#include "tests/exec/image_pipeline.hpp"

using namespace vkflow;
using namespace vkflow::test;
namespace fs = std::filesystem;
using scheduler::NodeStatus;

namespace {

std::vector<NodeStatus> statuses(const scheduler::RunReport& r) {
  std::vector<NodeStatus> s;
  for (const auto& n : r.nodes) s.push_back(n.status);
  return s;
}

// A private copy of the input so tests may change it.
fs::path copy_input(const fs::path& dir) {
  fs::path p = dir / "in.png";
  fs::copy_file(data_dir() / "media" / "sd15_128.png", p, fs::copy_options::overwrite_existing);
  return p;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST(Cache, SecondRunReusesUnchangedNodesAndStillWritesOutputs) {
  auto dir = scratch_dir("cache_mem");
  auto wf = image_pipeline(copy_input(dir));
  scheduler::Cache cache;
  auto opts = exec_options(dir / "out", &wf);
  opts.cache = &cache;
  auto first = scheduler::execute(wf, image_plan(), opts);
  EXPECT_EQ(statuses(first), (std::vector<NodeStatus>{NodeStatus::Ran, NodeStatus::Ran, NodeStatus::Ran, NodeStatus::Ran}));

  Recorder rec;
  opts.events.add(rec.observer());
  auto second = scheduler::execute(wf, image_plan(), opts);
  // invert comes from the cache, so load and scale are not needed at all; save always runs.
  EXPECT_EQ(statuses(second),
            (std::vector<NodeStatus>{NodeStatus::Skipped, NodeStatus::Skipped, NodeStatus::Cached, NodeStatus::Ran}));
  EXPECT_EQ(rec.nodes("cached"), (std::vector<std::string>{"invert"}));
  EXPECT_EQ(rec.nodes("skipped"), (std::vector<std::string>{"load", "scale"}));
  ASSERT_EQ(second.outputs.size(), 1u);
  EXPECT_EQ(second.outputs[0].filename(), "t_00002_.png");
  EXPECT_EQ(slurp(first.outputs[0]), slurp(second.outputs[0]));  // same pixels, same metadata
}

TEST(Cache, ChangedParameterRerunsThatNodeAndEverythingBelow) {
  auto dir = scratch_dir("cache_param");
  auto wf = image_pipeline(copy_input(dir));
  scheduler::Cache cache;
  auto opts = exec_options(dir / "out", &wf);
  opts.cache = &cache;
  scheduler::execute(wf, image_plan(), opts);
  wf.nodes["scale"].inputs["width"] = lit(48);
  auto r = scheduler::execute(wf, image_plan(), opts);
  EXPECT_EQ(statuses(r), (std::vector<NodeStatus>{NodeStatus::Cached, NodeStatus::Ran, NodeStatus::Ran, NodeStatus::Ran}));
  EXPECT_EQ(media::read_png(r.outputs[0]).image.width, 48);
}

TEST(Cache, ChangedInputFileInvalidates) {
  auto dir = scratch_dir("cache_file");
  fs::path in = copy_input(dir);
  auto wf = image_pipeline(in);
  scheduler::Cache cache;
  auto opts = exec_options(dir / "out", &wf);
  opts.cache = &cache;
  scheduler::execute(wf, image_plan(), opts);
  // Same name, new content (and a new mtime): everything from the loader down runs again.
  media::write_png(in, media::Image(1, 20, 30, 3, 0.25f), 0);
  fs::last_write_time(in, fs::last_write_time(in) + std::chrono::seconds(5));
  auto r = scheduler::execute(wf, image_plan(), opts);
  EXPECT_EQ(statuses(r), (std::vector<NodeStatus>{NodeStatus::Ran, NodeStatus::Ran, NodeStatus::Ran, NodeStatus::Ran}));
  auto img = media::read_png(r.outputs[0]).image;
  EXPECT_NEAR(img.data[0], 0.75f, 1.0f / 255);
}

TEST(Cache, DiskCacheServesAFreshProcess) {
  auto dir = scratch_dir("cache_disk");
  auto wf = image_pipeline(copy_input(dir));
  scheduler::CacheOptions co;
  co.dir = dir / "cache";
  {
    scheduler::Cache cache(co);
    auto opts = exec_options(dir / "out", &wf);
    opts.cache = &cache;
    scheduler::execute(wf, image_plan(), opts);
    EXPECT_EQ(cache.stats().disk_writes, 3u);  // load (IMAGE+MASK), scale, invert
  }
  scheduler::Cache fresh(co);  // empty memory: what a new process sees
  auto opts = exec_options(dir / "out", &wf);
  opts.cache = &fresh;
  auto r = scheduler::execute(wf, image_plan(), opts);
  EXPECT_EQ(statuses(r), (std::vector<NodeStatus>{NodeStatus::Skipped, NodeStatus::Skipped, NodeStatus::Cached, NodeStatus::Ran}));
  EXPECT_EQ(fresh.stats().disk_hits, 1u);
}

TEST(Cache, DiskCacheEvictsLeastRecentlyUsed) {
  auto dir = scratch_dir("cache_evict");
  auto entry = [](float v) {
    return nodes::Values{{"image", nodes::make_value<nodes::ImageValue>(media::Image(1, 32, 32, 3, v))}};
  };
  const uint64_t one = scheduler::values_bytes(entry(0));  // ~12 KiB
  scheduler::DiskCache disk(dir, one * 5 / 2);            // room for two entries
  ASSERT_TRUE(disk.put("k1", entry(0.1f)));
  ASSERT_TRUE(disk.put("k2", entry(0.2f)));
  auto now = fs::file_time_type::clock::now();
  fs::last_write_time(disk.path_of("k1"), now - std::chrono::seconds(100));
  fs::last_write_time(disk.path_of("k2"), now - std::chrono::seconds(50));
  ASSERT_TRUE(disk.get("k1").has_value());  // k1 becomes the most recently used
  ASSERT_TRUE(disk.put("k3", entry(0.3f)));
  EXPECT_EQ(disk.evict(), 1u);
  EXPECT_TRUE(fs::exists(disk.path_of("k1")));
  EXPECT_FALSE(fs::exists(disk.path_of("k2")));
  EXPECT_TRUE(fs::exists(disk.path_of("k3")));
  EXPECT_LE(disk.size_bytes(), one * 5 / 2);
  auto v = disk.get("k3");
  ASSERT_TRUE(v);
  const auto& img = static_cast<const nodes::ImageValue&>(*std::get<std::shared_ptr<const nodes::Object>>(v->at("image")));
  EXPECT_EQ(img.image.width, 32);
  EXPECT_FLOAT_EQ(img.image.data[5], 0.3f);
}

TEST(Cache, CorruptDiskEntriesAreDroppedNotTrusted) {
  auto dir = scratch_dir("cache_corrupt");
  scheduler::DiskCache disk(dir, 1 << 20);
  ASSERT_TRUE(disk.put("k", nodes::Values{{"n", int64_t(7)}, {"s", std::string("x")}}));
  auto ok = disk.get("k");
  ASSERT_TRUE(ok);
  EXPECT_EQ(std::get<int64_t>(ok->at("n")), 7);
  std::string bytes = slurp(disk.path_of("k"));
  std::ofstream(disk.path_of("k"), std::ios::binary | std::ios::trunc) << bytes.substr(0, bytes.size() - 3);
  EXPECT_FALSE(disk.get("k").has_value());
  EXPECT_FALSE(fs::exists(disk.path_of("k")));
}

TEST(Cache, MemoryCapEvicts) {
  scheduler::CacheOptions co;
  co.memory_bytes = 20000;
  scheduler::Cache cache(co);
  auto entry = [](float v) {
    return nodes::Values{{"image", nodes::make_value<nodes::ImageValue>(media::Image(1, 32, 32, 3, v))}};
  };
  cache.put("a", entry(0));
  cache.put("b", entry(1));  // 2 x ~12 KiB > 20000: "a" goes
  EXPECT_FALSE(cache.get("a").has_value());
  EXPECT_TRUE(cache.get("b").has_value());
  EXPECT_EQ(cache.stats().evictions, 1u);
}
