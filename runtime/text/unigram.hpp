#pragma once
// SentencePiece unigram segmentation (Viterbi over piece log-probabilities) as HF tokenizers'
// Unigram model runs it: characters no piece covers become <unk> scored min_score - 10, and
// consecutive unknowns fuse into one <unk>.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace vkflow::text {

class UnigramModel {
 public:
  UnigramModel(std::vector<std::pair<std::string, double>> pieces, int32_t unk_id);
  // Ids of the best segmentation of one pre-tokenized word.
  void encode(std::string_view word, std::vector<int32_t>& out) const;
  const std::string& piece(int32_t id) const { return pieces_.at(static_cast<size_t>(id)).first; }
  size_t size() const { return pieces_.size(); }
  int32_t unk_id() const { return unk_id_; }

 private:
  std::vector<std::pair<std::string, double>> pieces_;
  std::unordered_map<std::string_view, int32_t> index_;
  int32_t unk_id_;
  double unk_score_;
  size_t max_piece_bytes_ = 0;
};

}  // namespace vkflow::text
