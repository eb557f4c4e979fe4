#include "runtime/models/unet/unet_blocks.hpp"

#include "runtime/models/common/layers.hpp"
#include "runtime/ops/binary.hpp"
#include "runtime/ops/layout.hpp"
#include "runtime/ops/unary.hpp"

namespace vkflow::models::unet {
namespace {

Tensor attention_block(const WeightSet& w, const std::string& name, const Tensor& x, const Tensor& ctx, int heads) {
  Tensor o;
  {
    Tensor q = linear(w, name + ".to_q", x);
    Tensor k = linear(w, name + ".to_k", ctx);
    Tensor v = linear(w, name + ".to_v", ctx);
    o = multi_head_attention(q, k, v, heads);
  }
  return linear(w, name + ".to_out.0", o);
}

// GEGLU feed-forward: net.0.proj gives [hidden | gate]; hidden * gelu(gate) -> net.2.
Tensor feed_forward(const WeightSet& w, const std::string& name, const Tensor& x) {
  Tensor p = linear(w, name + ".net.0.proj", x);
  const int64_t inner = p.dim(-1) / 2;
  Tensor h = ops::mul(ops::slice(p, -1, 0, inner), ops::gelu(ops::slice(p, -1, inner, 2 * inner)));
  p = Tensor{};
  return linear(w, name + ".net.2", h);
}

Tensor transformer_block(const WeightSet& w, const UNetConfig& c, const std::string& name, Tensor x,
                         const Tensor& ctx, int heads) {
  {
    Tensor n = layer_norm(w, name + ".norm1", x, c.ln_eps);
    x = ops::add(x, attention_block(w, name + ".attn1", n, n, heads));
  }
  x = ops::add(x, attention_block(w, name + ".attn2", layer_norm(w, name + ".norm2", x, c.ln_eps), ctx, heads));
  return ops::add(x, feed_forward(w, name + ".ff", layer_norm(w, name + ".norm3", x, c.ln_eps)));
}

}  // namespace

Tensor res_block(const WeightSet& w, const UNetConfig& c, const std::string& name, const Tensor& x,
                 const Tensor& emb_silu) {
  Tensor h = conv2d(w, name + ".in_layers.2", ops::silu(group_norm(w, name + ".in_layers.0", x, c.groups, c.res_eps)));
  Tensor e = linear(w, name + ".emb_layers.1", emb_silu);
  h = ops::add(h, e.view({e.dim(0), e.dim(1), 1, 1}));
  e = Tensor{};
  h = conv2d(w, name + ".out_layers.3", ops::silu(group_norm(w, name + ".out_layers.0", h, c.groups, c.res_eps)));
  if (w.has(name + ".skip_connection.weight")) return ops::add(conv2d(w, name + ".skip_connection", x), h);
  return ops::add(x, h);
}

Tensor spatial_transformer(const WeightSet& w, const UNetConfig& c, const UNetPart& part, const Tensor& x,
                           const Tensor& context) {
  const int64_t hgt = x.dim(2), wid = x.dim(3);
  // proj_in as linear on tokens: the same as LDM's 1x1 conv followed by the rearrange, and
  // diffusers' use_linear_projection variant.
  Tensor t = linear(w, part.name + ".proj_in", to_tokens(group_norm(w, part.name + ".norm", x, c.groups, c.attn_norm_eps)));
  const int heads = static_cast<int>(c.heads_for(t.dim(-1)));
  if (heads <= 0 || t.dim(-1) % heads != 0)
    throw w.error(part.name + ".proj_in.weight", "width " + std::to_string(t.dim(-1)) + " does not split into " +
                                                     std::to_string(heads) + " heads");
  for (int d = 0; d < part.depth; ++d)
    t = transformer_block(w, c, part.name + ".transformer_blocks." + std::to_string(d), t, context, heads);
  return ops::add(x, from_tokens(linear(w, part.name + ".proj_out", t), hgt, wid));
}

Tensor downsample(const WeightSet& w, const std::string& name, const Tensor& x) {
  return conv2d(w, name + ".op", x, /*stride=*/2, /*pad=*/1);
}

Tensor upsample(const WeightSet& w, const std::string& name, const Tensor& x, int64_t out_h, int64_t out_w) {
  return conv2d(w, name + ".conv", ops::upsample_nearest_to(x, out_h, out_w));
}

}  // namespace vkflow::models::unet
