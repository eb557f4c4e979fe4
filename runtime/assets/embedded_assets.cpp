#include "runtime/assets/embedded_assets.hpp"

#include "runtime/core/error.hpp"

// Each file is pulled into .rodata by the assembler (.incbin), so multi-megabyte vocabularies
// cost no compile time. VKFLOW_ASSETS_DIR comes from cmake/EmbedAssets.cmake, which also makes
// this object depend on the files.
#ifndef VKFLOW_ASSETS_DIR
#error "VKFLOW_ASSETS_DIR must be defined (cmake/EmbedAssets.cmake)"
#endif

#define VKFLOW_INCBIN(sym, file)                                                   \
  __asm__(".section .rodata\n"                                                     \
          ".global " #sym "_begin\n"                                               \
          ".balign 16\n" #sym "_begin:\n"                                          \
          ".incbin \"" VKFLOW_ASSETS_DIR "/" file "\"\n"                            \
          ".global " #sym "_end\n" #sym "_end:\n"                                  \
          ".byte 0\n"                                                              \
          ".previous\n");                                                          \
  extern "C" const char sym##_begin[];                                             \
  extern "C" const char sym##_end[];

VKFLOW_INCBIN(vkflow_asset_clip_vocab, "clip_tokenizer/vocab.json")
VKFLOW_INCBIN(vkflow_asset_clip_merges, "clip_tokenizer/merges.txt")
VKFLOW_INCBIN(vkflow_asset_t5_tokenizer, "t5_tokenizer/tokenizer.json")
VKFLOW_INCBIN(vkflow_asset_whisper_multilingual, "whisper/multilingual.tiktoken")
VKFLOW_INCBIN(vkflow_asset_whisper_gpt2, "whisper/gpt2.tiktoken")
VKFLOW_INCBIN(vkflow_asset_whisper_mel, "whisper/mel_filters.safetensors")

namespace vkflow::assets {

namespace {
struct Entry {
  const char* name;
  const char* begin;
  const char* end;
};
const Entry kEntries[] = {
    {"clip_tokenizer/vocab.json", vkflow_asset_clip_vocab_begin, vkflow_asset_clip_vocab_end},
    {"clip_tokenizer/merges.txt", vkflow_asset_clip_merges_begin, vkflow_asset_clip_merges_end},
    {"t5_tokenizer/tokenizer.json", vkflow_asset_t5_tokenizer_begin, vkflow_asset_t5_tokenizer_end},
    {"whisper/multilingual.tiktoken", vkflow_asset_whisper_multilingual_begin,
     vkflow_asset_whisper_multilingual_end},
    {"whisper/gpt2.tiktoken", vkflow_asset_whisper_gpt2_begin, vkflow_asset_whisper_gpt2_end},
    {"whisper/mel_filters.safetensors", vkflow_asset_whisper_mel_begin, vkflow_asset_whisper_mel_end},
};
}  // namespace

std::string_view get(std::string_view name) {
  for (const auto& e : kEntries)
    if (name == e.name) return {e.begin, static_cast<size_t>(e.end - e.begin)};
  throw Error("no embedded asset named '" + std::string(name) + "'");
}

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const auto& e : kEntries) out.emplace_back(e.name);
  return out;
}

}  // namespace vkflow::assets
