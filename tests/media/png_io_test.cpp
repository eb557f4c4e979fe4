#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "runtime/core/error.hpp"
#include "runtime/media/png_io.hpp"
#include "tests/common/paths.hpp"

using namespace vkflow;
using namespace vkflow::media;
using vkflow::test::data_dir;
using vkflow::test::scratch_dir;

namespace {
std::filesystem::path fixture(const char* n) { return data_dir() / "media" / n; }
}  // namespace

TEST(PngRead, Rgb16BitKeepsFullPrecision) {
  Image im = read_png(fixture("rgb16.png")).image;
  ASSERT_EQ(im.width, 5);
  ASSERT_EQ(im.height, 3);
  ASSERT_EQ(im.channels, 3);
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 5; ++x) {
      EXPECT_FLOAT_EQ(im.at(0, y, x, 0), x * 13000 / 65535.0f);
      EXPECT_FLOAT_EQ(im.at(0, y, x, 1), y * 30000 / 65535.0f);
      EXPECT_FLOAT_EQ(im.at(0, y, x, 2), (65535 - x * 13000) / 65535.0f);
    }
}

TEST(PngRead, GrayAlpha16) {
  Image im = read_png(fixture("graya16.png")).image;
  ASSERT_EQ(im.channels, 2);
  EXPECT_FLOAT_EQ(im.at(0, 2, 3, 0), 3 * 16383 / 65535.0f);
  EXPECT_FLOAT_EQ(im.at(0, 2, 3, 1), 2 * 32767 / 65535.0f);
  Image mask = mask_from_alpha(im);
  EXPECT_FLOAT_EQ(mask.at(0, 0, 0, 0), 1.0f);  // alpha 0 = fully masked
}

TEST(PngRead, Gray8) {
  Image im = read_png(fixture("gray8.png")).image;
  ASSERT_EQ(im.channels, 1);
  EXPECT_FLOAT_EQ(im.at(0, 2, 4, 0), (4 * 60 + 2) / 255.0f);
  Image rgb = with_channels(im, 3);
  EXPECT_FLOAT_EQ(rgb.at(0, 2, 4, 2), (4 * 60 + 2) / 255.0f);
}

TEST(PngRead, Palette4BitWithTransparency) {
  Image im = read_png(fixture("palette4.png")).image;
  ASSERT_EQ(im.channels, 4);  // tRNS expands to alpha
  const float colours[3][4] = {{1, 0, 0, 1}, {0, 1, 0, 128 / 255.0f}, {0, 0, 1, 0}};
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 5; ++x)
      for (int c = 0; c < 4; ++c) EXPECT_FLOAT_EQ(im.at(0, y, x, c), colours[(x + y) % 3][c]) << x << "," << y;
}

TEST(PngRead, RealImage) {
  Image im = read_png(fixture("sd15_128.png")).image;
  EXPECT_EQ(im.width, 128);
  EXPECT_EQ(im.height, 128);
  EXPECT_EQ(im.channels, 3);
}

TEST(PngRead, BadFilesNameTheFile) {
  for (const char* n : {"not_png.png", "truncated.png", "missing.png"}) {
    try {
      read_png(fixture(n));
      FAIL() << n << " was accepted";
    } catch (const FormatError& e) {
      EXPECT_NE(std::string(e.what()).find(n), std::string::npos) << e.what();
    }
  }
}

TEST(PngWrite, RoundTripWithTextChunks) {
  Image im(2, 4, 6, 4);
  for (size_t i = 0; i < im.data.size(); ++i) im.data[i] = float(i % 256) / 255.0f;
  std::vector<PngText> text = {{"workflow", R"({"a": 1})"}, {"prompt", "caf\xc3\xa9 \xe2\x98\x95"}};
  auto dir = scratch_dir("png_roundtrip");
  write_png(dir / "f1.png", im, 1, text);
  PngFile back = read_png(dir / "f1.png");
  ASSERT_EQ(back.image.channels, 4);
  ASSERT_EQ(back.image.width, 6);
  for (size_t i = 0; i < back.image.data.size(); ++i) ASSERT_FLOAT_EQ(back.image.data[i], im.frame(1)[i]);
  EXPECT_EQ(back.text, text);  // the non-ASCII one went through iTXt
  EXPECT_EQ(find_text(back.text, "prompt"), text[1].text);
  EXPECT_EQ(find_text(back.text, "absent"), "");
}

TEST(PngWrite, ClampsAndRounds) {
  Image im(1, 1, 3, 3);
  im.data = {-0.5f, 0.5f, 2.0f, 0.1f, 0.999f, 0.002f, 1.0f, 0.0f, 0.25f};
  std::string bytes = encode_png(im, 0);
  Image back = decode_png(bytes, "mem").image;
  const float expect[] = {0, 128, 255, 26, 255, 1, 255, 0, 64};
  for (int i = 0; i < 9; ++i) EXPECT_FLOAT_EQ(back.data[i], expect[i] / 255.0f);
}
