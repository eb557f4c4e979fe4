#include "runtime/media/png_io.hpp"

#include <png.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "runtime/core/atomic_write.hpp"
#include "runtime/core/error.hpp"

namespace vkflow::media {
namespace {

// libpng reports errors through longjmp; these callbacks only copy the message. All C++
// objects live in the caller's frame, so nothing with a destructor is skipped by the jump.
struct IoState {
  const std::string* in = nullptr;
  size_t pos = 0;
  std::string* out = nullptr;
  char msg[256] = {0};
};

void on_error(png_structp png, png_const_charp m) {
  auto* s = static_cast<IoState*>(png_get_error_ptr(png));
  std::snprintf(s->msg, sizeof s->msg, "%s", m);
  png_longjmp(png, 1);
}
void on_warning(png_structp, png_const_charp) {}

void read_cb(png_structp png, png_bytep dst, png_size_t n) {
  auto* s = static_cast<IoState*>(png_get_io_ptr(png));
  if (s->pos + n > s->in->size()) png_error(png, "unexpected end of file");
  std::memcpy(dst, s->in->data() + s->pos, n);
  s->pos += n;
}
void write_cb(png_structp png, png_bytep src, png_size_t n) {
  static_cast<IoState*>(png_get_io_ptr(png))->out->append(reinterpret_cast<const char*>(src), n);
}
void flush_cb(png_structp) {}

struct Raw {
  png_uint_32 width = 0, height = 0;
  int channels = 0, depth = 0;
  std::vector<unsigned char> pixels;
  std::vector<png_bytep> rows;
  std::vector<PngText> text;
};

void collect_text(png_structp png, png_infop info, Raw& raw) {
  png_textp t = nullptr;
  int n = 0;
  png_get_text(png, info, &t, &n);
  for (int i = 0; i < n; ++i) {
    size_t len = t[i].compression == PNG_ITXT_COMPRESSION_NONE || t[i].compression == PNG_ITXT_COMPRESSION_zTXt
                     ? t[i].itxt_length : t[i].text_length;
    raw.text.push_back({t[i].key, std::string(t[i].text ? t[i].text : "", len)});
  }
}

bool decode_raw(IoState& st, Raw& raw) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &st, on_error, on_warning);
  if (!png) return false;
  png_infop info = png_create_info_struct(png);
  if (!info || setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  png_set_read_fn(png, &st, read_cb);
  png_read_info(png, info);
  int color = png_get_color_type(png, info);
  int depth = png_get_bit_depth(png, info);
  if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
  if (depth == 16) png_set_swap(png);  // host (little-endian) order for uint16 access
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  raw.width = png_get_image_width(png, info);
  raw.height = png_get_image_height(png, info);
  raw.channels = png_get_channels(png, info);
  raw.depth = png_get_bit_depth(png, info);
  size_t stride = png_get_rowbytes(png, info);
  raw.pixels.resize(stride * raw.height);
  raw.rows.resize(raw.height);
  for (png_uint_32 y = 0; y < raw.height; ++y) raw.rows[y] = raw.pixels.data() + y * stride;
  png_read_image(png, raw.rows.data());
  png_read_end(png, info);
  collect_text(png, info, raw);
  png_destroy_read_struct(&png, &info, nullptr);
  return true;
}

// libpng's view of the text chunks; the strings stay owned by `raw`.
std::vector<png_text> text_chunks(const Raw& raw) {
  std::vector<png_text> chunks(raw.text.size());
  for (size_t i = 0; i < raw.text.size(); ++i) {
    const auto& t = raw.text[i];
    bool ascii = true;
    for (unsigned char c : t.text) ascii &= c < 0x80;
    png_text& c = chunks[i];
    std::memset(&c, 0, sizeof c);
    c.compression = ascii ? PNG_TEXT_COMPRESSION_NONE : PNG_ITXT_COMPRESSION_NONE;
    c.key = const_cast<char*>(t.key.c_str());
    c.text = const_cast<char*>(t.text.c_str());
    if (ascii) c.text_length = t.text.size(); else c.itxt_length = t.text.size();
  }
  return chunks;
}

// Only trivially destructible locals here: the longjmp from on_error lands in this frame.
bool encode_raw(IoState& st, const Raw& raw, std::vector<png_text>& chunks) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &st, on_error, on_warning);
  if (!png) return false;
  png_infop info = png_create_info_struct(png);
  if (!info || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  static const int kColor[] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
                               PNG_COLOR_TYPE_RGB_ALPHA};
  png_set_write_fn(png, &st, write_cb, flush_cb);
  png_set_IHDR(png, info, raw.width, raw.height, 8, kColor[raw.channels], PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (!chunks.empty()) png_set_text(png, info, chunks.data(), static_cast<int>(chunks.size()));
  png_write_info(png, info);
  png_write_image(png, const_cast<png_bytepp>(raw.rows.data()));
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  return true;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw FormatError(p.string(), "cannot open the file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

PngFile decode_png(const std::string& bytes, const std::string& name) {
  static const unsigned char kSig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kSig, 8) != 0)
    throw FormatError(name, "not a PNG file (bad signature)");
  IoState st;
  st.in = &bytes;
  Raw raw;
  if (!decode_raw(st, raw)) throw FormatError(name, std::string("invalid PNG: ") + st.msg);
  PngFile f;
  f.image = Image(1, static_cast<int>(raw.height), static_cast<int>(raw.width), raw.channels);
  float* dst = f.image.data.data();
  size_t n = f.image.data.size();
  if (raw.depth == 16) {
    const auto* src = reinterpret_cast<const uint16_t*>(raw.pixels.data());
    for (size_t i = 0; i < n; ++i) dst[i] = src[i] / 65535.0f;
  } else {
    for (size_t i = 0; i < n; ++i) dst[i] = raw.pixels[i] / 255.0f;
  }
  f.text = std::move(raw.text);
  return f;
}

PngFile read_png(const std::filesystem::path& path) { return decode_png(read_file(path), path.string()); }

std::string find_text(const std::vector<PngText>& text, const std::string& key) {
  for (const auto& t : text)
    if (t.key == key) return t.text;
  return "";
}

std::string encode_png(const Image& img, int index, const std::vector<PngText>& text) {
  if (index < 0 || index >= img.batch) throw Error("encode_png: frame index out of range");
  if (img.width <= 0 || img.height <= 0) throw Error("encode_png: empty image");
  for (const auto& t : text)
    if (t.key.empty() || t.key.size() > 79) throw Error("encode_png: text key must be 1-79 characters: " + t.key);
  Raw raw;
  raw.width = img.width;
  raw.height = img.height;
  raw.channels = img.channels;
  raw.text = text;
  const float* src = img.frame(index);
  raw.pixels.resize(img.frame_size());
  for (size_t i = 0; i < raw.pixels.size(); ++i) {
    float v = std::isfinite(src[i]) ? std::min(std::max(src[i], 0.0f), 1.0f) : 0.0f;
    raw.pixels[i] = static_cast<unsigned char>(std::lround(v * 255.0f));
  }
  size_t stride = size_t(img.width) * img.channels;
  raw.rows.resize(img.height);
  for (int y = 0; y < img.height; ++y) raw.rows[y] = raw.pixels.data() + y * stride;
  std::string out;
  IoState st;
  st.out = &out;
  auto chunks = text_chunks(raw);
  if (!encode_raw(st, raw, chunks)) throw Error(std::string("PNG encoding failed: ") + st.msg);
  return out;
}

void write_png(const std::filesystem::path& path, const Image& img, int index,
               const std::vector<PngText>& text) {
  atomic_write(path, encode_png(img, index, text));
}

}  // namespace vkflow::media
