#include "runtime/formats/zip_archive.hpp"

#include <algorithm>
#include <unordered_set>

#include "runtime/core/error.hpp"
#include "runtime/formats/byte_reader.hpp"

namespace vkflow::formats {
namespace {
constexpr uint32_t kEocd = 0x06054b50, kEocd64 = 0x06064b50, kLocator64 = 0x07064b50;
constexpr uint32_t kCentral = 0x02014b50, kLocal = 0x04034b50;
constexpr uint64_t kMaxEntries = 1u << 20;
}  // namespace

bool is_zip(std::span<const uint8_t> head) {
  return head.size() >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
}

ZipArchive::ZipArchive(std::shared_ptr<const MappedFile> file) : file_(std::move(file)) {
  const std::string where = file_->path().string();
  const uint64_t size = file_->size();
  if (size < 22) throw FormatError(where, "zip: too short for an end-of-central-directory record");
  // The end record sits in the last 22 + 65535 (comment) bytes; scan backwards.
  uint64_t eocd = UINT64_MAX;
  for (uint64_t p = size - 22 + 1; p-- > (size > 22 + 65535 ? size - 22 - 65535 : 0);) {
    uint32_t sig;
    std::memcpy(&sig, file_->data() + p, 4);
    if (sig == kEocd) { eocd = p; break; }
  }
  if (eocd == UINT64_MAX) throw FormatError(where, "zip: no end-of-central-directory record (truncated?)");
  ByteReader e(file_->range(eocd, size - eocd, "zip end record"), where + ": zip end record", eocd);
  e.skip(4, "signature");
  uint16_t disk = e.get<uint16_t>("disk"), cd_disk = e.get<uint16_t>("cd disk");
  uint64_t n_disk = e.get<uint16_t>("entries on disk"), n = e.get<uint16_t>("entries");
  uint64_t cd_size = e.get<uint32_t>("cd size"), cd_off = e.get<uint32_t>("cd offset");
  if (disk != 0 || cd_disk != 0 || n_disk != n) throw FormatError(where, "zip: multi-disk archives are not supported");
  if ((n == 0xffff || cd_size == 0xffffffffu || cd_off == 0xffffffffu) && eocd >= 20) {
    ByteReader l(file_->range(eocd - 20, 20, "zip64 locator"), where + ": zip64 locator", eocd - 20);
    if (l.get<uint32_t>("signature") == kLocator64) {
      l.skip(4, "disk");
      uint64_t off64 = l.get<uint64_t>("zip64 end offset");
      if (off64 >= eocd - 20) throw FormatError(where, "zip64 end record offset is out of range");
      ByteReader z(file_->range(off64, eocd - 20 - off64, "zip64 end record"), where + ": zip64 end record", off64);
      if (z.get<uint32_t>("signature") != kEocd64) throw FormatError(where, "zip64 end record: bad signature");
      z.skip(8 + 2 + 2 + 4 + 4, "zip64 fields");
      n_disk = z.get<uint64_t>("entries on disk");
      n = z.get<uint64_t>("entries");
      cd_size = z.get<uint64_t>("cd size");
      cd_off = z.get<uint64_t>("cd offset");
    }
  }
  if (n > kMaxEntries || n > cd_size / 46) throw FormatError(where, "zip: entry count " + std::to_string(n) + " is implausible");
  if (cd_off > eocd || cd_size > eocd - cd_off) throw FormatError(where, "zip: central directory lies outside the file");

  ByteReader c(file_->range(cd_off, cd_size, "zip central directory"), where + ": zip central directory", cd_off);
  std::unordered_set<std::string> names;
  for (uint64_t i = 0; i < n; ++i) {
    if (c.get<uint32_t>("entry signature") != kCentral) c.fail("entry " + std::to_string(i) + ": bad signature");
    c.skip(4, "versions");
    uint16_t flags = c.get<uint16_t>("flags");
    ZipEntry z;
    z.method = c.get<uint16_t>("method");
    c.skip(8, "time, date, crc");
    z.size = c.get<uint32_t>("compressed size");
    z.uncompressed = c.get<uint32_t>("uncompressed size");
    uint16_t nl = c.get<uint16_t>("name length"), xl = c.get<uint16_t>("extra length"), cl = c.get<uint16_t>("comment length");
    c.skip(8, "disk, attributes");
    uint64_t local = c.get<uint32_t>("local header offset");
    z.name = std::string(c.str(nl, "entry name"));
    ByteReader x(c.bytes(xl, "extra field"), c.where());
    while (x.remaining() >= 4) {  // zip64 extended information replaces saturated fields
      uint16_t id = x.get<uint16_t>("extra id"), len = x.get<uint16_t>("extra length");
      ByteReader f(x.bytes(len, "extra data"), c.where());
      if (id != 1) continue;
      if (z.uncompressed == 0xffffffffu) z.uncompressed = f.get<uint64_t>("zip64 uncompressed size");
      if (z.size == 0xffffffffu) z.size = f.get<uint64_t>("zip64 compressed size");
      if (local == 0xffffffffu) local = f.get<uint64_t>("zip64 local offset");
    }
    c.skip(cl, "entry comment");
    const std::string ew = where + ": zip entry '" + z.name + "'";
    if (flags & 1) throw FormatError(ew, "is encrypted");
    if (!names.insert(z.name).second) throw FormatError(ew, "appears twice");
    // Stored entries hold exactly their size; a compressed entry may not claim more than a
    // deflate stream can expand to (1032:1) — the zip-bomb signature.
    if (z.method == 0 && z.size != z.uncompressed) throw FormatError(ew, "stored entry with different compressed/uncompressed sizes");
    if (z.method != 0 && z.uncompressed / 1032 > z.size + 1) throw FormatError(ew, "claims an implausible compression ratio (zip bomb?)");
    if (local > cd_off) throw FormatError(ew, "local header lies outside the data area");
    ByteReader h(file_->range(local, cd_off - local, "local header"), ew, local);
    if (h.get<uint32_t>("local signature") != kLocal) throw FormatError(ew, "bad local header signature");
    h.skip(22, "local header fields");
    uint16_t lnl = h.get<uint16_t>("local name length"), lxl = h.get<uint16_t>("local extra length");
    h.skip(uint64_t(lnl) + lxl, "local name and extra");
    z.data_offset = h.file_pos();
    if (z.size > cd_off - z.data_offset) throw FormatError(ew, "data of " + std::to_string(z.size) + " bytes runs past the central directory");
    entries_.push_back(std::move(z));
  }
  // Entries must not share bytes (overlapping entries are how some zip bombs multiply data).
  std::vector<const ZipEntry*> v;
  for (auto& z : entries_) v.push_back(&z);
  std::sort(v.begin(), v.end(), [](auto* a, auto* b) { return a->data_offset < b->data_offset; });
  for (size_t i = 1; i < v.size(); ++i)
    if (v[i - 1]->data_offset + v[i - 1]->size > v[i]->data_offset && v[i]->size > 0)
      throw FormatError(where, "zip entries '" + v[i - 1]->name + "' and '" + v[i]->name + "' overlap");
}

const ZipEntry* ZipArchive::find(std::string_view name) const {
  for (auto& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}

std::span<const uint8_t> ZipArchive::stored_bytes(const ZipEntry& e) const {
  if (e.method != 0)
    throw FormatError(file_->path().string() + ": zip entry '" + e.name + "'",
                      "is compressed (method " + std::to_string(e.method) +
                          "); torch.save writes stored entries only — re-save the checkpoint with torch.save");
  return file_->range(e.data_offset, e.size, e.name.c_str());
}

}  // namespace vkflow::formats
