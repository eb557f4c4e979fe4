#include "runtime/formats/json_file.hpp"

#include "runtime/core/error.hpp"
#include "runtime/formats/mapped_file.hpp"

namespace vkflow::formats {

nlohmann::json read_json_file(const std::filesystem::path& p) {
  auto f = MappedFile::open(p);
  if (f->size() > (16u << 20)) throw FormatError(p.string(), "implausibly large JSON file");
  auto b = f->range(0, f->size(), "json");
  auto j = nlohmann::json::parse(b.begin(), b.end(), nullptr, false);
  if (j.is_discarded()) throw FormatError(p.string(), "not valid JSON");
  return j;
}

}  // namespace vkflow::formats
