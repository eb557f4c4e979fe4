#pragma once
// A read-only memory map of a whole file. Readers check every offset against size()
// before touching bytes.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>

namespace vkflow::formats {

class MappedFile {
 public:
  // Throws FormatError naming the path when it cannot be opened or mapped.
  static std::shared_ptr<const MappedFile> open(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  uint64_t size() const { return size_; }
  const uint8_t* data() const { return data_; }
  // Bytes [offset, offset+n); throws FormatError when the range is not inside the file.
  std::span<const uint8_t> range(uint64_t offset, uint64_t n, const char* what) const;

 private:
  MappedFile() = default;
  std::filesystem::path path_;
  const uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
};

}  // namespace vkflow::formats
