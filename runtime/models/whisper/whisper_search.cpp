#include "runtime/models/whisper/whisper_search.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

#include "runtime/core/error.hpp"
#include "runtime/cpu/thread_pool.hpp"

namespace vkflow::models::whisper {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

struct RowStats {
  double lse;    // log-sum-exp: a token's log-probability is logits[t] - lse
  int32_t best;  // the first index of the largest logit
};

// Filters the row (EOT masked too when the run ignores it) and sums it up.
RowStats filter_row(std::vector<float>& logits, const std::vector<int32_t>& seq, const SearchConfig& cfg) {
  if (cfg.filters) cfg.filters->apply(logits, seq);
  if (cfg.ignore_eot && cfg.eot >= 0 && cfg.eot < static_cast<int32_t>(logits.size())) logits[cfg.eot] = kNegInf;
  const RowMax m = row_max(logits.data(), 0, logits.size());
  return {log_sum_exp(logits.data(), 0, logits.size(), m.value), static_cast<int32_t>(m.index)};
}

// Categorical(logits / temperature) by inverse CDF on one uniform draw.
int32_t sample(const std::vector<float>& logits, double temperature, std::mt19937_64& rng) {
  const double m = row_max(logits.data(), 0, logits.size()).value;
  if (m == -INFINITY) throw Error("whisper decode: every token is suppressed");
  std::vector<double> w(logits.size());
  double total = 0;
  for (size_t i = 0; i < logits.size(); ++i) total += w[i] = std::exp((double(logits[i]) - m) / temperature);
  double u = std::uniform_real_distribution<double>(0.0, total)(rng);
  for (size_t i = 0; i < w.size(); ++i) {
    if (u < w[i]) return static_cast<int32_t>(i);
    u -= w[i];
  }
  return static_cast<int32_t>(row_max(logits.data(), 0, logits.size()).index);  // rounding left u past the end
}

// Indices of the k largest values, largest first (lower index first among equals): one pass
// with a sorted list of the k best so far (k is the beam size + 1). Ranking logits ranks
// log-probabilities, which differ from them by one constant. Once the list is full, blocks
// of 8 whose largest value cannot enter it are skipped whole (most of a vocabulary row).
std::vector<int32_t> topk(const std::vector<float>& v, size_t k) {
  k = std::min(k, v.size());
  std::vector<int32_t> best;
  best.reserve(k + 1);
  auto offer = [&](int32_t i) {
    if (best.size() == k && !(v[i] > v[best.back()])) return;  // an equal one comes later: it ranks after
    auto pos = best.end();
    while (pos != best.begin() && v[i] > v[*(pos - 1)]) --pos;
    best.insert(pos, i);
    if (best.size() > k) best.pop_back();
  };
  constexpr int32_t kBlock = 8;
  const int32_t n = static_cast<int32_t>(v.size());
  int32_t i = 0;
  for (; i + kBlock <= n; i += kBlock) {
    if (best.size() == k && k > 0) {
      float m = v[i];
      for (int32_t j = i + 1; j < i + kBlock; ++j) m = v[j] > m ? v[j] : m;
      if (!(m > v[best.back()])) continue;
    }
    for (int32_t j = i; j < i + kBlock; ++j) offer(j);
  }
  for (; i < n; ++i) offer(i);
  return best;
}

std::vector<int32_t> joined(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
  std::vector<int32_t> out(a);
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

struct Beam {
  Hypothesis h;
  std::vector<float> logits;  // next-token logits after h.tokens (row of the batch state)
};

}  // namespace

double rank_score(const Hypothesis& h) {
  // openai divides by the length; an empty hypothesis counts as length 1 (no division by 0).
  return h.sum_logprob / static_cast<double>(std::max<size_t>(h.tokens.size(), 1));
}

const Hypothesis& best_ranked(const std::vector<Hypothesis>& hs) {
  if (hs.empty()) throw Error("whisper decode: no candidate sequences");
  size_t best = 0;
  for (size_t i = 1; i < hs.size(); ++i)
    if (rank_score(hs[i]) > rank_score(hs[best])) best = i;
  return hs[best];
}

Hypothesis sample_sequence(SequenceState& state, std::vector<float> logits, const std::vector<int32_t>& initial,
                           double temperature, std::mt19937_64& rng, const SearchConfig& cfg) {
  Hypothesis h;
  std::vector<int32_t> seq = initial;
  for (int i = 0; i < cfg.sample_len; ++i) {
    const RowStats row = filter_row(logits, seq, cfg);
    const int32_t next = temperature > 0 ? sample(logits, temperature, rng) : row.best;
    const double lp_next = double(logits[next]) - row.lse;
    h.sum_logprob += lp_next;  // EOT's own log-probability counts, as in openai-whisper
    seq.push_back(next);
    if (next == cfg.eot) {
      h.finished = true;
      break;
    }
    h.tokens.push_back(next);
    h.logprobs.push_back(static_cast<float>(lp_next));
    if (static_cast<int64_t>(seq.size()) > cfg.n_ctx || i + 1 == cfg.sample_len) break;
    logits = state.feed({next});
  }
  return h;
}

std::vector<Hypothesis> beam_search(BatchState& state, std::vector<float> first_logits,
                                    const std::vector<int32_t>& initial, int beam_size, double patience,
                                    const SearchConfig& cfg) {
  if (beam_size < 1) throw Error("whisper decode: beam_size must be at least 1");
  if (!(patience > 0)) throw Error("whisper decode: patience must be positive");
  const size_t beams = static_cast<size_t>(beam_size);
  const size_t max_candidates = std::max<size_t>(1, static_cast<size_t>(std::nearbyint(beam_size * patience)));
  // openai starts with beam_size copies of one prefix; their candidates coincide, so one beam
  // gives the same first step.
  std::vector<Beam> live;
  live.push_back({Hypothesis{}, std::move(first_logits)});
  std::vector<Hypothesis> finished;
  std::map<std::vector<int32_t>, size_t> finished_index;

  for (int step = 0; step < cfg.sample_len; ++step) {
    // Every live beam proposes its beam_size + 1 best next tokens; equal sequences merge.
    struct Candidate {
      Hypothesis h;
      size_t source;
      int32_t last;
    };
    // Each beam's row (filters, log-sum-exp, top-k over a whole vocabulary) on its own thread.
    std::vector<double> lse(live.size());
    std::vector<std::vector<int32_t>> top(live.size());
    cpu::parallel_for(static_cast<int64_t>(live.size()), 1, [&](int64_t a, int64_t e) {
      for (int64_t j = a; j < e; ++j) {
        lse[j] = filter_row(live[j].logits, joined(initial, live[j].h.tokens), cfg).lse;
        top[j] = topk(live[j].logits, beams + 1);
      }
    });
    std::vector<Candidate> cands;
    std::map<std::vector<int32_t>, size_t> seen;
    for (size_t j = 0; j < live.size(); ++j) {
      Beam& b = live[j];
      for (int32_t t : top[j]) {
        const double lp = double(b.logits[t]) - lse[j];
        Candidate c{b.h, j, t};
        c.h.sum_logprob += lp;
        c.h.tokens.push_back(t);
        c.h.logprobs.push_back(static_cast<float>(lp));
        auto [it, fresh] = seen.emplace(c.h.tokens, cands.size());
        if (fresh)
          cands.push_back(std::move(c));
        else
          cands[it->second] = std::move(c);  // a dict keeps the first position, the last value
      }
    }
    std::vector<size_t> order(cands.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return cands[a].h.sum_logprob > cands[b].h.sum_logprob; });

    std::vector<Candidate*> kept;
    for (size_t i : order) {
      Candidate& c = cands[i];
      if (c.last == cfg.eot) {
        c.h.tokens.pop_back();
        c.h.logprobs.pop_back();
        c.h.finished = true;
        if (finished.size() < max_candidates) {
          auto [it, fresh] = finished_index.emplace(c.h.tokens, finished.size());
          if (fresh)
            finished.push_back(c.h);
          else
            finished[it->second] = c.h;
        }
      } else {
        kept.push_back(&c);
        if (kept.size() == beams) break;
      }
    }
    const bool completed = finished.size() >= max_candidates;
    const bool at_end = completed || step + 1 == cfg.sample_len ||
                        static_cast<int64_t>(initial.size() + static_cast<size_t>(step) + 1) > cfg.n_ctx;
    std::vector<Beam> next;
    std::vector<size_t> sources;
    std::vector<int32_t> tokens;
    for (Candidate* c : kept) {
      sources.push_back(c->source);
      tokens.push_back(c->last);
      next.push_back({std::move(c->h), {}});
    }
    if (!at_end) {
      std::vector<std::vector<float>> rows = state.step(sources, tokens);
      if (rows.size() != next.size()) throw Error("whisper decode: the batch state returned the wrong row count");
      for (size_t i = 0; i < next.size(); ++i) next[i].logits = std::move(rows[i]);
    }
    live = std::move(next);
    if (at_end) break;
  }

  // Too few finished: the best unfinished beams join them.
  std::stable_sort(live.begin(), live.end(),
                   [](const Beam& a, const Beam& b) { return a.h.sum_logprob > b.h.sum_logprob; });
  for (Beam& b : live) {
    if (finished.size() >= beams) break;
    if (finished_index.emplace(b.h.tokens, finished.size()).second) finished.push_back(std::move(b.h));
  }
  return finished;
}

}  // namespace vkflow::models::whisper
