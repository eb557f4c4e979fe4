#pragma once
// Errors the runtime throws. Library code never prints-and-aborts: it throws one of these
// and the caller (executor, CLI) decides what to tell the user.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace vkflow {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// An allocation did not fit. The scheduler catches this to re-plan (tile, move to CPU).
struct OutOfMemory : Error {
  OutOfMemory(std::string device, uint64_t requested, uint64_t in_use)
      : Error("out of memory on " + device + ": requested " + std::to_string(requested) +
              " bytes with " + std::to_string(in_use) + " in use"),
        device(std::move(device)), requested(requested), in_use(in_use) {}
  std::string device;
  uint64_t requested, in_use;
};

// Input that is not what it claims to be (model file, image, audio). `where` names the file
// and, when known, the field or tensor.
struct FormatError : Error {
  FormatError(const std::string& where, const std::string& what)
      : Error(where + ": " + what), where(where) {}
  std::string where;
};

// The op or dtype is not implemented on that device.
struct Unsupported : Error {
  using Error::Error;
};

}  // namespace vkflow
