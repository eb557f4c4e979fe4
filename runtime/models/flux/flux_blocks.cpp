#include "runtime/models/flux/flux_blocks.hpp"

#include <array>
#include <utility>
#include <vector>

#include "runtime/models/common/layers.hpp"
#include "runtime/ops/attention.hpp"
#include "runtime/ops/binary.hpp"
#include "runtime/ops/embedding.hpp"
#include "runtime/ops/layout.hpp"
#include "runtime/ops/norm.hpp"
#include "runtime/ops/unary.hpp"

namespace vkflow::models::flux {
namespace {

// The chunks of a modulation output [B, k·hidden] as [B, 1, hidden] (broadcast over tokens).
struct Mod {
  Tensor out;
  int64_t hidden;
  Tensor operator[](int i) const {
    return ops::slice(out, 1, i * hidden, (i + 1) * hidden).view({out.dim(0), 1, hidden});
  }
};

Mod modulation(const WeightSet& w, const FluxConfig& c, const std::string& name, const Tensor& vec_act) {
  return {linear(w, name, vec_act), c.hidden};
}

// (1 + scale) · LayerNorm(x) + shift; the LayerNorm has no affine parameters.
Tensor modulate(const FluxConfig& c, const Tensor& x, const Tensor& shift, const Tensor& scale) {
  return ops::add(ops::mul(ops::layer_norm(x, {}, {}, c.eps), ops::scale(scale, 1.0f, 1.0f)), shift);
}

// qkv [B, L, 3·hidden] -> q, k, v as [B, heads, L, head_dim]; q and k RMS-normed (QKNorm).
// Takes qkv by value and drops it once permuted, so the caller can hand its only reference over.
std::array<Tensor, 3> split_qkv(const WeightSet& w, const FluxConfig& c, const std::string& norm, Tensor qkv) {
  const int64_t b = qkv.dim(0), l = qkv.dim(1);
  const Tensor t = ops::permute(qkv.view({b, l, 3, c.heads, c.head_dim}), {2, 0, 3, 1, 4});
  qkv = Tensor{};
  std::array<Tensor, 3> out;
  for (int i = 0; i < 3; ++i) out[i] = t.slice0(i, i + 1).view({b, c.heads, l, c.head_dim});
  out[0] = ops::rms_norm(out[0], w.get(norm + ".query_norm.scale"), c.eps);
  out[1] = ops::rms_norm(out[1], w.get(norm + ".key_norm.scale"), c.eps);
  return out;
}

// softmax((rope(q) rope(k)^T) / sqrt(D)) v over the joint sequence -> tokens [B, L, hidden].
Tensor rope_attention(const FluxConfig& c, const Rope& pe, const Tensor& q, const Tensor& k, const Tensor& v) {
  Tensor o = ops::attention(ops::rope(q, pe.cos, pe.sin), ops::rope(k, pe.cos, pe.sin), v);
  return ops::permute(o, {0, 2, 1, 3}).view({o.dim(0), o.dim(2), c.hidden});
}

Tensor mlp(const WeightSet& w, const std::string& name, const Tensor& x) {
  return linear(w, name + ".2", ops::gelu_tanh(linear(w, name + ".0", x)));
}

}  // namespace

void double_block(const WeightSet& w, const FluxConfig& c, const std::string& name, const Tensor& vec_act,
                  const Rope& pe, Tensor& img, Tensor& txt) {
  const Mod im = modulation(w, c, name + ".img_mod.lin", vec_act);
  const Mod tm = modulation(w, c, name + ".txt_mod.lin", vec_act);
  const int64_t lt = txt.dim(1), l = lt + img.dim(1);
  Tensor attn;
  {
    auto iq = split_qkv(w, c, name + ".img_attn.norm", linear(w, name + ".img_attn.qkv", modulate(c, img, im[0], im[1])));
    auto tq = split_qkv(w, c, name + ".txt_attn.norm", linear(w, name + ".txt_attn.qkv", modulate(c, txt, tm[0], tm[1])));
    std::array<Tensor, 3> j;
    for (int i = 0; i < 3; ++i) {
      j[i] = ops::concat({tq[i], iq[i]}, 2);
      tq[i] = iq[i] = Tensor{};
    }
    attn = rope_attention(c, pe, j[0], j[1], j[2]);
  }
  const Tensor txt_attn = ops::slice(attn, 1, 0, lt), img_attn = ops::slice(attn, 1, lt, l);
  attn = Tensor{};
  img = ops::add(img, ops::mul(im[2], linear(w, name + ".img_attn.proj", img_attn)));
  img = ops::add(img, ops::mul(im[5], mlp(w, name + ".img_mlp", modulate(c, img, im[3], im[4]))));
  txt = ops::add(txt, ops::mul(tm[2], linear(w, name + ".txt_attn.proj", txt_attn)));
  txt = ops::add(txt, ops::mul(tm[5], mlp(w, name + ".txt_mlp", modulate(c, txt, tm[3], tm[4]))));
}

Tensor single_block(const WeightSet& w, const FluxConfig& c, const std::string& name, const Tensor& vec_act,
                    const Rope& pe, const Tensor& x) {
  const Mod m = modulation(w, c, name + ".modulation.lin", vec_act);
  Tensor joined;
  {
    // linear1 = [qkv | mlp in]; its output is dropped as soon as both parts are taken out.
    Tensor act, qkv_in;
    {
      const Tensor lin1 = linear(w, name + ".linear1", modulate(c, x, m[0], m[1]));
      const int64_t h3 = 3 * c.hidden;
      act = ops::gelu_tanh(ops::slice(lin1, 2, h3, h3 + c.mlp_hidden));
      qkv_in = ops::slice(lin1, 2, 0, h3);
    }
    auto qkv = split_qkv(w, c, name + ".norm", std::move(qkv_in));
    Tensor attn = rope_attention(c, pe, qkv[0], qkv[1], qkv[2]);
    qkv = {};
    joined = ops::concat({attn, act}, 2);
  }
  return ops::add(x, ops::mul(m[2], linear(w, name + ".linear2", joined)));
}

Tensor final_layer(const WeightSet& w, const FluxConfig& c, const Tensor& vec_act, const Tensor& x) {
  const Mod m = modulation(w, c, "final_layer.adaLN_modulation.1", vec_act);  // BFL order: shift, scale
  return linear(w, "final_layer.linear", modulate(c, x, m[0], m[1]));
}

}  // namespace vkflow::models::flux
