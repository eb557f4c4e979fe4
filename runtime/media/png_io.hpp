#pragma once
// PNG files through libpng. Reading accepts every bit depth and colour type (palette,
// gray, gray+alpha, RGB, RGBA, 1..16 bits, tRNS, interlaced) and gives float pixels in
// [0, 1]; writing produces 8-bit gray/RGB/RGBA with text chunks (tEXt, or iTXt when the
// text is not plain ASCII) holding e.g. the workflow JSON. Malformed files -> FormatError.
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/media/image.hpp"

namespace vkflow::media {

struct PngText {
  std::string key;   // keyword, 1-79 Latin-1 characters ("workflow", "prompt", ...)
  std::string text;  // UTF-8
  bool operator==(const PngText&) const = default;
};

struct PngFile {
  Image image;                // batch 1, channels as stored after expansion (1-4)
  std::vector<PngText> text;  // every tEXt/zTXt/iTXt chunk, in file order
};

PngFile read_png(const std::filesystem::path& path);
// Decodes PNG bytes; `name` identifies them in error messages.
PngFile decode_png(const std::string& bytes, const std::string& name);
// Value of the text chunk `key`, or "" when there is none.
std::string find_text(const std::vector<PngText>& text, const std::string& key);

// Encodes frame `index` of `img` as an 8-bit PNG (values clamped, rounded to nearest).
std::string encode_png(const Image& img, int index, const std::vector<PngText>& text = {});
// encode_png + atomic_write: never leaves a partial file.
void write_png(const std::filesystem::path& path, const Image& img, int index,
               const std::vector<PngText>& text = {});

}  // namespace vkflow::media
