#include "runtime/models/whisper/whisper_vocab.hpp"

#include <fstream>
#include <sstream>

#include "runtime/core/error.hpp"
#include "runtime/formats/whisper_bin.hpp"

namespace vkflow::models::whisper {

std::shared_ptr<const text::WhisperTokenizer> tokenizer_for(const formats::ModelFile& m, const std::filesystem::path& path) {
  const int n_vocab = static_cast<int>(m.at("decoder.token_embedding.weight").shape.at(0));
  const bool multilingual = n_vocab >= 51865;
  const int langs = text::WhisperTokenizer::num_languages_for(n_vocab, multilingual);
  for (const auto& src : m.sources())
    if (const auto* bin = dynamic_cast<const formats::WhisperBinFile*>(src.get()))
      // Files converted by other tools may carry a differently sized vocabulary section:
      // then the embedded one (the same tokens) is used.
      if (bin->vocab().size() == (multilingual ? 50257u : 50256u))
        return std::make_shared<const text::WhisperTokenizer>(text::WhisperTokenizer::for_model(bin->vocab(), n_vocab));
  const auto vocab_json = path / "vocab.json";
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec) && std::filesystem::exists(vocab_json, ec)) {
    std::ifstream f(vocab_json, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    if (!f) throw FormatError(vocab_json.string(), "cannot be read");
    auto t = std::make_shared<const text::WhisperTokenizer>(
        text::WhisperTokenizer::from_hf_vocab(ss.str(), langs, vocab_json.string()));
    if (t->n_vocab() == n_vocab) return t;
  }
  // Aliasing constructor: a non-owning pointer to the process-wide embedded tokenizer.
  return std::shared_ptr<const text::WhisperTokenizer>(std::shared_ptr<void>(),
                                                       &text::WhisperTokenizer::embedded(multilingual, langs));
}

}  // namespace vkflow::models::whisper
