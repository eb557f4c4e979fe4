#pragma once
// The token searches of openai-whisper's decoding.py over any next-token scorer: greedy /
// temperature sampling (GreedyDecoder) and beam search (BeamSearchDecoder, patience), with the
// logit filters applied to every row and the candidates ranked as MaximumLikelihoodRanker
// does without a length penalty (sum logprob / length). Kept apart from the model so the
// search itself can be tested on hand-made scorers.
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "runtime/models/whisper/whisper_logit_filters.hpp"

namespace vkflow::models::whisper {

// One decoding sequence's model state (a KV cache): fork() copies it for a new beam.
class SequenceState {
 public:
  virtual ~SequenceState() = default;
  virtual std::unique_ptr<SequenceState> fork() const = 0;
  // Appends `tokens`; returns the next-token logits after the last one.
  virtual std::vector<float> feed(const std::vector<int32_t>& tokens) = 0;
};

// Rows of sequences that advance together (beam search's batch): row i of the new batch
// continues the current row sources[i] with tokens[i]; returns every new row's next-token
// logits. Before the first step the batch is the one row after the initial tokens.
class BatchState {
 public:
  virtual ~BatchState() = default;
  virtual std::vector<std::vector<float>> step(const std::vector<size_t>& sources,
                                               const std::vector<int32_t>& tokens) = 0;
};

struct SearchConfig {
  const LogitFilters* filters = nullptr;  // applied to every row before sampling
  int32_t eot = 0;
  int sample_len = 224;                   // tokens sampled at most
  int64_t n_ctx = 448;                    // the sequence (initial + sampled) never exceeds this
  bool ignore_eot = false;                // EOT never sampled (fixed-length timing runs)
};

struct Hypothesis {
  std::vector<int32_t> tokens;    // sampled tokens, without the initial ones and EOT
  std::vector<float> logprobs;    // log-probability of each token when it was chosen
  double sum_logprob = 0;
  bool finished = false;          // ended with EOT
};

// sum_logprob / len(tokens), openai-whisper's ranking without a length penalty.
double rank_score(const Hypothesis& h);
// The best-ranked hypothesis (the first among equals). Throws Error when `hs` is empty.
const Hypothesis& best_ranked(const std::vector<Hypothesis>& hs);

// Greedy (temperature 0: argmax) or sampling (softmax(logits / temperature)) from `state`,
// whose next-token logits after `initial` are `first_logits`.
Hypothesis sample_sequence(SequenceState& state, std::vector<float> first_logits, const std::vector<int32_t>& initial,
                           double temperature, std::mt19937_64& rng, const SearchConfig& cfg);

// Beam search with `beam_size` beams; finished candidates are collected until
// round(beam_size * patience) of them exist. Returns the finished candidates (topped up with
// the best unfinished beams, as finalize() does) in the order they were collected.
std::vector<Hypothesis> beam_search(BatchState& state, std::vector<float> first_logits,
                                    const std::vector<int32_t>& initial, int beam_size, double patience,
                                    const SearchConfig& cfg);

}  // namespace vkflow::models::whisper
