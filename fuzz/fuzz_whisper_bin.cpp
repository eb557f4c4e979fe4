// libFuzzer target: the whisper_bin reader must reject bad input with FormatError, never crash.
#include "fuzz/fuzz_input.hpp"
#include "runtime/formats/whisper_bin.hpp"

using namespace vkflow;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::with_file(data, size, [](const std::string& p) {
    try {
      fuzz::exercise(formats::WhisperBinFile::open(p));
    } catch (const Error&) {  // FormatError, or Unsupported for a type with no conversion
    }
  });
  return 0;
}
