#pragma once
// Data files compiled into the binary (tokenizer vocabularies, mel filters): see assets/README.md.
#include <string>
#include <string_view>
#include <vector>

namespace vkflow::assets {

// The bytes of an embedded file, named by its path under assets/ ("clip_tokenizer/vocab.json").
// Throws vkflow::Error naming the asset when there is no such file.
std::string_view get(std::string_view name);
std::vector<std::string> names();

}  // namespace vkflow::assets
