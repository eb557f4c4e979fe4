// libFuzzer target: the restricted unpickler and the torch.save zip / legacy reader must
// reject bad input with FormatError, never crash or execute anything.
#include "fuzz/fuzz_input.hpp"
#include "runtime/formats/pickle.hpp"
#include "runtime/formats/torch_checkpoint.hpp"

using namespace vkflow;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {  // the pickle machine alone, on the raw bytes
    auto r = formats::pickle::load({data, size}, "input");
    (void)formats::pickle::to_json(r, r.root).size();
  } catch (const FormatError&) {
  }
  fuzz::with_file(data, size, [](const std::string& p) {
    try {
      fuzz::exercise(formats::TorchCheckpoint::open(p));
    } catch (const Error&) {  // FormatError, or Unsupported for a type with no conversion
    }
  });
  return 0;
}
