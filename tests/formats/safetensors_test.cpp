#include <gtest/gtest.h>

#include <fstream>

#include "runtime/core/error.hpp"
#include "runtime/formats/safetensors.hpp"
#include "tests/common/paths.hpp"

using namespace vkflow;
using namespace vkflow::formats;

TEST(Safetensors, ReadsFixture) {
  auto f = SafetensorsFile::open(test::data_dir() / "gguf_quants/io.safetensors");
  const TensorInfo& in = f.at("input");
  EXPECT_EQ(in.dtype, DType::F32);
  EXPECT_EQ(in.shape, (Shape{4, 512}));
  EXPECT_EQ(f.read_f32("input").size(), 2048u);
  EXPECT_EQ(f.at("raw_Q8_0").nbytes, 2176u);
}

static void write_file(const std::filesystem::path& p, const std::string& header, size_t data_bytes) {
  std::ofstream o(p, std::ios::binary);
  uint64_t n = header.size();
  o.write(reinterpret_cast<const char*>(&n), 8);
  o << header << std::string(data_bytes, '\0');
}

TEST(Safetensors, RejectsHostileHeaders) {
  auto dir = test::scratch_dir("safetensors_hostile");
  struct Case { const char* header; size_t data; const char* needle; } cases[] = {
      {R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}})", 8, "outside the data"},
      {R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8, "needs 12"},
      {R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 12, "overlap"},
      {R"({"a":{"dtype":"X9","shape":[2],"data_offsets":[0,8]}})", 8, "unsupported dtype"},
      {R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", 8, "non-negative"},
      {R"([1,2,3])", 0, "not a JSON object"},
      {R"({"a":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,8]}})", 8, "overflows"},
  };
  int i = 0;
  for (auto& c : cases) {
    auto p = dir / ("case" + std::to_string(i++) + ".safetensors");
    write_file(p, c.header, c.data);
    try {
      SafetensorsFile::open(p);
      ADD_FAILURE() << "accepted " << c.header;
    } catch (const FormatError& e) {
      EXPECT_NE(std::string(e.what()).find(c.needle), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(p.filename().string()), std::string::npos) << e.what();
    }
  }
  // Truncated: header length larger than the file.
  auto p = dir / "truncated.safetensors";
  { std::ofstream o(p, std::ios::binary); uint64_t n = 1000; o.write(reinterpret_cast<const char*>(&n), 8); o << "{}"; }
  EXPECT_THROW(SafetensorsFile::open(p), FormatError);
  EXPECT_THROW(SafetensorsFile::open(dir / "missing.safetensors"), FormatError);
}
