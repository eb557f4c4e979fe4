#pragma once
// The CLIP text encoder (transformers CLIPTextModel): token + position embeddings, pre-LN
// transformer layers with a causal mask, final layer norm, pooled output. Used by SD1.x
// (cond_stage_model.transformer.*) and FLUX (clip_l); sizes come from the weights.
//
// Weight names (after the prefix): text_model.embeddings.{token,position}_embedding.weight,
// text_model.encoder.layers.N.{layer_norm1,layer_norm2,self_attn.{q,k,v,out}_proj,mlp.fc1,mlp.fc2}.*,
// text_model.final_layer_norm.*, optional text_projection.weight.
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "runtime/core/tensor.hpp"
#include "runtime/formats/model_file.hpp"
#include "runtime/models/common/weight_set.hpp"

namespace vkflow::models {

enum class ClipActivation { QuickGelu, Gelu };

struct ClipTextConfig {
  int64_t vocab = 0, hidden = 0, layers = 0, heads = 0, intermediate = 0, max_positions = 0;
  int64_t projection = 0;  // text_projection output width, 0 = none
  ClipActivation act = ClipActivation::QuickGelu;
  // transformers' rule: eos_token_id == 2 (the legacy value in SD1.5's and CLIP-L's configs)
  // pools at argmax(ids) (the highest id is the EOS 49407); otherwise at the first id equal
  // to eos_token_id.
  int64_t eos_token_id = 2;
  float layer_norm_eps = 1e-5f;
};

// What the weights cannot tell. Unset fields come from the file: an HF folder's config.json
// (num_attention_heads, hidden_act, eos_token_id), else safetensors metadata
// "vkflow.clip.num_heads", else heads = hidden / 64 (every released CLIP), quick_gelu, eos 2.
struct ClipTextOptions {
  std::optional<int64_t> heads;
  std::optional<ClipActivation> act;
  std::optional<int64_t> eos_token_id;
};

struct ClipTextOutput {
  Tensor last_hidden_state;  // [B, L, D], after final_layer_norm
  Tensor pooled;             // [B, D], last_hidden_state at the pooling position
  Tensor pooled_projected;   // [B, P], text_projection(pooled) when the file has it
  Tensor hidden;             // hidden_states[-k] (before the final norm) when requested
  Tensor hidden_normed;      // final_layer_norm(hidden): clip skip as A1111/ComfyUI/diffusers
};

class ClipTextModel {
 public:
  // prefix: "cond_stage_model.transformer." inside an SD1.x checkpoint, "" for a CLIP file.
  ClipTextModel(const formats::ModelFile& m, Device& dev, const std::string& prefix = "", ClipTextOptions opt = {});

  // ids: batch rows of L token ids (L <= max_positions). hidden_from_end = k in 1..layers+1
  // also returns hidden_states[-k] (k = 1: last layer's output, 2: the penultimate layer's;
  // hidden_states[0] is the embedding output); 0 = not requested.
  ClipTextOutput encode(std::span<const int64_t> ids, int64_t batch, int hidden_from_end = 0) const;

  const ClipTextConfig& config() const { return cfg_; }
  uint64_t weight_bytes() const { return w_.bytes(); }
  Device& device() const { return w_.device(); }

  // The prefix of the text encoder in an opened file: SD1.x checkpoints and CLIP files.
  static std::string prefix_in(const formats::ModelFile& m);
  // Bytes the weights take on `dev` (planner), without loading.
  static uint64_t estimate_weight_bytes(const formats::ModelFile& m, const Device& dev, const std::string& prefix);

 private:
  Tensor layer(int i, const Tensor& x) const;
  WeightSet w_;
  ClipTextConfig cfg_;
};

}  // namespace vkflow::models
