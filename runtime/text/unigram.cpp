#include "runtime/text/unigram.hpp"

#include <algorithm>
#include <limits>

#include "runtime/core/error.hpp"
#include "runtime/text/unicode_text.hpp"

namespace vkflow::text {

UnigramModel::UnigramModel(std::vector<std::pair<std::string, double>> pieces, int32_t unk_id)
    : pieces_(std::move(pieces)), unk_id_(unk_id) {
  if (pieces_.empty()) throw Error("unigram model without pieces");
  if (unk_id_ < 0 || static_cast<size_t>(unk_id_) >= pieces_.size())
    throw Error("unigram unk id " + std::to_string(unk_id_) + " out of range");
  double min_score = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < pieces_.size(); ++i) {
    const auto& [p, score] = pieces_[i];
    min_score = std::min(min_score, score);
    max_piece_bytes_ = std::max(max_piece_bytes_, p.size());
    index_.emplace(std::string_view(p), static_cast<int32_t>(i));  // first id of a duplicate wins
  }
  unk_score_ = min_score - 10.0;
}

void UnigramModel::encode(std::string_view w, std::vector<int32_t>& out) const {
  struct Node {
    int32_t id = -1;
    double score = 0.0;
    ptrdiff_t start = -1;  // -1: not reached yet
  };
  const size_t n = w.size();
  std::vector<Node> best(n + 1);
  best[0].start = 0;
  for (size_t at = 0; at < n;) {
    const double here = best[at].score;
    const size_t mblen = std::min(utf8_length(static_cast<unsigned char>(w[at])), n - at);
    bool single = false;
    for (size_t len = 1; len <= std::min(max_piece_bytes_, n - at); ++len) {
      auto it = index_.find(w.substr(at, len));
      if (it == index_.end()) continue;
      Node& t = best[at + len];
      const double cand = pieces_[static_cast<size_t>(it->second)].second + here;
      if (t.start < 0 || cand > t.score) t = {it->second, cand, static_cast<ptrdiff_t>(at)};
      if (len == mblen) single = true;
    }
    if (!single) {
      Node& t = best[at + mblen];
      const double cand = unk_score_ + here;
      if (t.start < 0 || cand > t.score) t = {unk_id_, cand, static_cast<ptrdiff_t>(at)};
    }
    at += mblen;
  }
  // Backtrack; runs of <unk> collapse into one.
  std::vector<int32_t> rev;
  for (size_t end = n; end > 0;) {
    const Node& node = best[end];
    if (node.start < 0) throw Error("unigram lattice is broken");
    if (!(node.id == unk_id_ && !rev.empty() && rev.back() == unk_id_)) rev.push_back(node.id);
    end = static_cast<size_t>(node.start);
  }
  out.insert(out.end(), rev.rbegin(), rev.rend());
}

}  // namespace vkflow::text
