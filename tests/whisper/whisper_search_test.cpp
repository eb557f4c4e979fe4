// Greedy, sampling and beam search (whisper_search.hpp) on a hand-made scorer whose best
// sequence greedy decoding misses, checked against brute-force enumeration.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>

#include "runtime/core/error.hpp"
#include "runtime/models/whisper/whisper_search.hpp"

namespace vkflow::test {
namespace {

using namespace models::whisper;

// Vocabulary: 0 = a, 1 = b, 2 = c, 3 = EOT. Next-token probabilities by history (the sampled
// tokens); histories not listed end at once.
constexpr int32_t kEot = 3;
const std::map<std::vector<int32_t>, std::vector<double>>& table() {
  static const std::map<std::vector<int32_t>, std::vector<double>> t{
      {{}, {0.5, 0.4, 0.1, 0.0}},
      {{0}, {0.4, 0.4, 0.0, 0.2}},   // after a: spread out
      {{0, 0}, {0.05, 0.05, 0.0, 0.9}},
      {{0, 1}, {0.1, 0.1, 0.0, 0.8}},
      {{1}, {0.0, 0.95, 0.0, 0.05}},  // after b: almost surely b, then the end
      {{1, 1}, {0.0, 0.0, 0.01, 0.99}},
  };
  return t;
}

std::vector<float> logits_after(const std::vector<int32_t>& history) {
  auto it = table().find(history);
  std::vector<double> p = it != table().end() ? it->second : std::vector<double>{0.0, 0.0, 0.0, 1.0};
  std::vector<float> l;
  for (double v : p) l.push_back(v > 0 ? static_cast<float>(std::log(v)) : -INFINITY);
  return l;
}

// A scorer state: the sampled tokens so far (the initial ones are not part of the table).
class TableState final : public SequenceState {
 public:
  explicit TableState(int* feeds) : feeds_(feeds) {}
  std::unique_ptr<SequenceState> fork() const override { return std::make_unique<TableState>(*this); }
  std::vector<float> feed(const std::vector<int32_t>& tokens) override {
    ++*feeds_;
    history_.insert(history_.end(), tokens.begin(), tokens.end());
    return logits_after(history_);
  }

 private:
  std::vector<int32_t> history_;
  int* feeds_;
};

// The same scorer as a batch: one history per row.
class TableBatch final : public BatchState {
 public:
  explicit TableBatch(int* steps) : steps_(steps) {}
  std::vector<std::vector<float>> step(const std::vector<size_t>& sources, const std::vector<int32_t>& tokens) override {
    ++*steps_;
    std::vector<std::vector<int32_t>> next;
    std::vector<std::vector<float>> out;
    for (size_t i = 0; i < tokens.size(); ++i) {
      next.push_back(rows_.at(sources[i]));
      next.back().push_back(tokens[i]);
      out.push_back(logits_after(next.back()));
    }
    rows_ = std::move(next);
    return out;
  }

 private:
  std::vector<std::vector<int32_t>> rows_{{}};
  int* steps_;
};

SearchConfig config(int sample_len = 8) {
  SearchConfig c;
  c.eot = kEot;
  c.sample_len = sample_len;
  c.n_ctx = 100;
  return c;
}

// Every finished sequence of at most `max_len` tokens with its summed log-probability.
void enumerate(std::vector<int32_t> seq, double lp, size_t max_len, std::vector<Hypothesis>& out) {
  const std::vector<float> l = logits_after(seq);
  for (int32_t t = 0; t < 4; ++t) {
    if (l[t] == -INFINITY) continue;
    if (t == kEot) {
      out.push_back({seq, {}, lp + l[t], true});
    } else if (seq.size() < max_len) {
      auto next = seq;
      next.push_back(t);
      enumerate(next, lp + l[t], max_len, out);
    }
  }
}

TEST(WhisperSearch, GreedyTakesTheLocallyBestToken) {
  int feeds = 0;
  TableState s(&feeds);
  std::mt19937_64 rng(0);
  const Hypothesis h = sample_sequence(s, logits_after({}), {}, 0.0, rng, config());
  EXPECT_EQ(h.tokens, (std::vector<int32_t>{0, 0}));
  EXPECT_TRUE(h.finished);
  ASSERT_EQ(h.logprobs.size(), 2u);
  EXPECT_NEAR(h.logprobs[0], std::log(0.5), 1e-6);
  // The EOT's log-probability is part of the sum, as in openai-whisper.
  EXPECT_NEAR(h.sum_logprob, std::log(0.5) + std::log(0.4) + std::log(0.9), 1e-6);  // float logits
  EXPECT_EQ(feeds, 2);
}

TEST(WhisperSearch, BeamFindsTheBestRankedSequence) {
  std::vector<Hypothesis> all;
  enumerate({}, 0.0, 6, all);
  const Hypothesis& truth = best_ranked(all);
  EXPECT_EQ(truth.tokens, (std::vector<int32_t>{1, 1}));

  int feeds = 0, steps = 0;
  TableBatch s(&steps);
  const auto cands = beam_search(s, logits_after({}), {}, 2, 1.0, config());
  EXPECT_EQ(steps, 2);  // one batched step per token, however many beams
  ASSERT_EQ(cands.size(), 2u);  // round(beam_size * patience) finished candidates
  for (const auto& c : cands) EXPECT_TRUE(c.finished);
  const Hypothesis& best = best_ranked(cands);
  EXPECT_EQ(best.tokens, truth.tokens);
  EXPECT_NEAR(best.sum_logprob, truth.sum_logprob, 1e-6);
  EXPECT_NEAR(best.logprobs[1], std::log(0.95), 1e-6);
  // Greedy misses it.
  std::mt19937_64 rng(0);
  TableState g(&feeds);
  EXPECT_NE(sample_sequence(g, logits_after({}), {}, 0.0, rng, config()).tokens, truth.tokens);
}

TEST(WhisperSearch, PatienceCollectsMoreCandidates) {
  int steps = 0;
  TableBatch s(&steps);
  const auto cands = beam_search(s, logits_after({}), {}, 2, 2.0, config());
  EXPECT_EQ(cands.size(), 4u);
  EXPECT_THROW(beam_search(s, logits_after({}), {}, 0, 1.0, config()), Error);
}

TEST(WhisperSearch, UnfinishedBeamsFillUpAtTheLengthLimit) {
  int steps = 0;
  TableBatch s(&steps);
  const auto cands = beam_search(s, logits_after({}), {}, 3, 1.0, config(1));
  ASSERT_EQ(cands.size(), 3u);
  // After one step nothing has ended; the three best one-token prefixes are returned.
  EXPECT_EQ(cands[0].tokens, std::vector<int32_t>{0});
  EXPECT_EQ(cands[1].tokens, std::vector<int32_t>{1});
  EXPECT_EQ(cands[2].tokens, std::vector<int32_t>{2});
  for (const auto& c : cands) EXPECT_FALSE(c.finished);
}

TEST(WhisperSearch, SamplingFollowsTheDistribution) {
  int feeds = 0, first_a = 0;
  const int n = 400;
  std::mt19937_64 rng(7);
  for (int i = 0; i < n; ++i) {
    TableState s(&feeds);
    const Hypothesis h = sample_sequence(s, logits_after({}), {}, 1.0, rng, config());
    ASSERT_FALSE(h.tokens.empty());
    first_a += h.tokens[0] == 0;
    EXPECT_NE(h.tokens[0], kEot);
  }
  EXPECT_NEAR(double(first_a) / n, 0.5, 0.08);
}

TEST(WhisperSearch, IgnoreEotDecodesAFixedLength) {
  int feeds = 0;
  TableState s(&feeds);
  SearchConfig c = config(5);
  c.ignore_eot = true;
  std::mt19937_64 rng(0);
  // Histories past the table allow only EOT: with it masked every logit is -inf and argmax
  // falls on token 0, so the run still has its fixed length.
  const Hypothesis h = sample_sequence(s, logits_after({}), {}, 0.0, rng, c);
  EXPECT_EQ(h.tokens.size(), 5u);
  EXPECT_FALSE(h.finished);
}

}  // namespace
}  // namespace vkflow::test
