#include "runtime/models/flux/flux_model.hpp"

#include "runtime/models/common/layers.hpp"
#include "runtime/models/flux/flux_blocks.hpp"
#include "runtime/models/flux/flux_latent.hpp"
#include "runtime/ops/binary.hpp"
#include "runtime/ops/embedding.hpp"
#include "runtime/ops/layout.hpp"
#include "runtime/ops/unary.hpp"

namespace vkflow::models {
namespace {

WeightUse flux_use(std::string_view, const Shape& s) { return s.size() == 2 ? WeightUse::Linear : WeightUse::F32; }

const std::string kWhere = "flux forward: ";

void expect(bool ok, const std::string& msg) {
  if (!ok) throw Error(kWhere + msg);
}

// in_layer -> SiLU -> out_layer (BFL MLPEmbedder).
Tensor mlp_embedder(const WeightSet& w, const std::string& name, const Tensor& x) {
  return linear(w, name + ".out_layer", ops::silu(linear(w, name + ".in_layer", x)));
}

// BFL timestep_embedding(t, 256) with time_factor 1000: [cos, sin] of 1000·t·freq.
Tensor sinusoid(const FluxConfig& c, const Tensor& t) {
  ops::TimestepEmbeddingParams p;
  p.dim = static_cast<int32_t>(c.time_dim);
  p.flip_sin_to_cos = 1;
  p.downscale_freq_shift = 0.0f;
  p.scale = 1000.0f;
  return ops::timestep_embedding(t, p);
}

void expect_scalar_per_sample(const Tensor& t, int64_t batch, const char* what) {
  expect(t.defined() && t.rank() == 1 && (t.dim(0) == 1 || t.dim(0) == batch),
         std::string(what) + " must be [B] or [1], got " + (t.defined() ? to_string(t.shape()) : "nothing"));
}

}  // namespace

FluxModel::FluxModel(const formats::ModelFile& m, Device& dev, const std::string& prefix, FluxOptions opt)
    : w_(WeightSet::load(m, dev, prefix, flux_use)), cfg_(infer_flux_config(w_, opt)) {}

uint64_t FluxModel::estimate_weight_bytes(const formats::ModelFile& m, const Device& dev, const std::string& prefix) {
  return WeightSet::estimate_bytes(m, dev, prefix, flux_use);
}

Tensor FluxModel::embed_vector(const FluxInputs& in, int64_t batch) const {
  expect_scalar_per_sample(in.timesteps, batch, "timesteps");
  Tensor vec = mlp_embedder(w_, "time_in", sinusoid(cfg_, in.timesteps));
  if (cfg_.guidance_embed) {
    expect_scalar_per_sample(in.guidance, batch, "guidance (this model embeds it)");
    vec = ops::add(vec, mlp_embedder(w_, "guidance_in", sinusoid(cfg_, in.guidance)));
  }
  expect(in.pooled.defined() && in.pooled.rank() == 2 && in.pooled.dim(0) == batch && in.pooled.dim(1) == cfg_.vec_dim,
         "pooled must be [" + std::to_string(batch) + ", " + std::to_string(cfg_.vec_dim) + "]");
  return ops::add(vec, mlp_embedder(w_, "vector_in", in.pooled));
}

Tensor FluxModel::forward(const FluxInputs& in) const {
  expect(in.img.defined() && in.img.rank() == 3 && in.img.dim(2) == cfg_.in_channels,
         "img must be [B, L, " + std::to_string(cfg_.in_channels) + "]");
  const int64_t b = in.img.dim(0), li = in.img.dim(1);
  expect(in.txt.defined() && in.txt.rank() == 3 && in.txt.dim(0) == b && in.txt.dim(2) == cfg_.context_dim,
         "txt must be [" + std::to_string(b) + ", L, " + std::to_string(cfg_.context_dim) + "]");
  const int64_t lt = in.txt.dim(1);
  expect(static_cast<int64_t>(in.img_ids.size()) == li * 3, "img_ids must hold 3 positions per image token");
  expect(in.txt_ids.empty() || static_cast<int64_t>(in.txt_ids.size()) == lt * 3,
         "txt_ids must hold 3 positions per text token");

  const Tensor vec_act = ops::silu(embed_vector(in, b));
  flux::Rope pe;
  {
    std::vector<float> pos = in.txt_ids.empty() ? std::vector<float>(static_cast<size_t>(lt * 3), 0.0f) : in.txt_ids;
    pos.insert(pos.end(), in.img_ids.begin(), in.img_ids.end());
    std::tie(pe.cos, pe.sin) = ops::rope_cos_sin(device(), pos, lt + li, cfg_.axes_dim, cfg_.theta);
  }
  Tensor img = linear(w_, "img_in", in.img);
  Tensor txt = linear(w_, "txt_in", in.txt);
  for (int i = 0; i < cfg_.depth; ++i)
    flux::double_block(w_, cfg_, "double_blocks." + std::to_string(i), vec_act, pe, img, txt);
  Tensor x = ops::concat({txt, img}, 1);
  img = txt = Tensor{};
  for (int i = 0; i < cfg_.depth_single; ++i)
    x = flux::single_block(w_, cfg_, "single_blocks." + std::to_string(i), vec_act, pe, x);
  return flux::final_layer(w_, cfg_, vec_act, ops::slice(x, 1, lt, lt + li));
}

Tensor FluxModel::forward_latent(const Tensor& x, const Tensor& sigma, const Tensor& txt, const Tensor& pooled,
                                 const Tensor& guidance) const {
  expect(x.rank() == 4 && x.dim(1) * 4 == cfg_.in_channels,
         "latent must be [B, " + std::to_string(cfg_.in_channels / 4) + ", h, w], got " + to_string(x.shape()));
  FluxInputs in;
  in.img = flux::pack_latent(x);
  in.txt = txt;
  in.pooled = pooled;
  in.timesteps = sigma;
  in.guidance = guidance;
  in.img_ids = flux::image_ids(x.dim(2), x.dim(3));
  return flux::unpack_latent(forward(in), x.dim(2), x.dim(3));
}

}  // namespace vkflow::models
