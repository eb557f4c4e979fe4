#pragma once
// A minimal read-only zip reader for torch.save archives: the central directory (zip64
// included) is parsed and every entry checked against the file — sizes, offsets, counts,
// overlaps — before use. Only stored (uncompressed) entries can be read: torch.save never
// compresses, and refusing deflate keeps zip bombs out by construction.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "runtime/formats/mapped_file.hpp"

namespace vkflow::formats {

struct ZipEntry {
  std::string name;
  uint16_t method = 0;     // 0 stored, 8 deflate
  uint64_t data_offset = 0;  // absolute offset of the entry's bytes in the file
  uint64_t size = 0;         // compressed size (== uncompressed for stored entries)
  uint64_t uncompressed = 0;
};

class ZipArchive {
 public:
  explicit ZipArchive(std::shared_ptr<const MappedFile> file);
  const std::vector<ZipEntry>& entries() const { return entries_; }
  const ZipEntry* find(std::string_view name) const;
  // The bytes of a stored entry; throws FormatError naming the entry when compressed.
  std::span<const uint8_t> stored_bytes(const ZipEntry& e) const;

 private:
  std::shared_ptr<const MappedFile> file_;
  std::vector<ZipEntry> entries_;
};

bool is_zip(std::span<const uint8_t> head);

}  // namespace vkflow::formats
