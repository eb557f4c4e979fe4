#include "runtime/core/atomic_write.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "runtime/core/error.hpp"

namespace vkflow {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kTempTag = ".tmp-";

std::string errno_text() { return std::strerror(errno); }

// Creates a unique temporary beside `path`; returns its name (the descriptor is closed).
fs::path make_temp(const fs::path& path) {
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::string templ = (dir / ("." + path.filename().string() + std::string(kTempTag) + "XXXXXX")).string();
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  int fd = mkstemp(buf.data());
  if (fd < 0) throw Error(path.string() + ": cannot create a temporary file: " + errno_text());
  ::close(fd);
  return fs::path(buf.data());
}

void sync_file(const fs::path& p) {
  int fd = ::open(p.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// Removes the temporary on every exit path unless released after the rename.
struct TempGuard {
  fs::path path;
  bool armed = true;
  ~TempGuard() {
    if (armed) {
      std::error_code ec;
      fs::remove(path, ec);
    }
  }
};

}  // namespace

void atomic_write_stream(const fs::path& path, const std::function<void(std::ostream&)>& fill) {
  TempGuard tmp{make_temp(path)};
  {
    std::ofstream out(tmp.path, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(path.string() + ": cannot open for writing: " + errno_text());
    fill(out);
    out.flush();
    if (!out) throw Error(path.string() + ": write failed: " + errno_text());
  }
  sync_file(tmp.path);
  // mkstemp creates 0600; outputs should be readable like any other file the user writes.
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::chmod(tmp.path.c_str(), 0666 & ~mask);
  if (std::rename(tmp.path.c_str(), path.c_str()) != 0)
    throw Error(path.string() + ": cannot rename the temporary into place: " + errno_text());
  tmp.armed = false;
}

void atomic_write(const fs::path& path, std::span<const std::byte> bytes) {
  atomic_write_stream(path, [&](std::ostream& o) {
    o.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  });
}

void atomic_write(const fs::path& path, std::string_view bytes) {
  atomic_write(path, std::span<const std::byte>(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()));
}

bool is_atomic_temp(const fs::path& p) {
  std::string n = p.filename().string();
  return !n.empty() && n[0] == '.' && n.find(kTempTag) != std::string::npos;
}

}  // namespace vkflow
