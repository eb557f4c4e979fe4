#pragma once
// Writing output files so that readers never see a partial file: the bytes go to a temporary
// file in the destination's directory (same filesystem), are flushed, then rename()d over
// the final name. If anything fails (or the writer throws, e.g. on Ctrl-C) the temporary is
// removed and the destination is untouched.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <ostream>
#include <span>
#include <string_view>

namespace vkflow {

// Writes `bytes` to `path` atomically. Throws Error naming the file on failure.
void atomic_write(const std::filesystem::path& path, std::span<const std::byte> bytes);
void atomic_write(const std::filesystem::path& path, std::string_view bytes);

// Streams into the temporary file through `fill`; the rename happens only if it returns.
void atomic_write_stream(const std::filesystem::path& path,
                         const std::function<void(std::ostream&)>& fill);

// The temporary-file prefix atomic_write uses ("<dir>/.<name>.tmp-XXXXXX"), so callers and
// tests can recognise leftovers of a killed process.
bool is_atomic_temp(const std::filesystem::path& p);

}  // namespace vkflow
