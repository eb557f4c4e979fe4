#include "runtime/models/sd15_estimate.hpp"

#include <algorithm>
#include <cmath>

#include "runtime/core/error.hpp"
#include "runtime/models/estimate_common.hpp"
#include "runtime/models/live_bytes.hpp"

namespace vkflow::models {
namespace {

// LDM UNet layout (SD1.x): input_blocks 0..11 (conv_in; 2 blocks per level, a downsample after
// levels 0-2), middle_block at the lowest level, output_blocks 0..11 back up. Level L works on
// (h/2^L) x (w/2^L) positions. Attention blocks exist at levels 0-2 (8 heads in SD1.5; the
// head count changes no buffer size but the CPU kernel's packed keys, which barely depend on it).

int input_level(int i) { return i == 0 ? 0 : i / 3; }
int output_level(int j) { return 3 - j / 3; }

// Positions a tensor's weights are applied at (for FLOPs), from its LDM name.
double positions(const std::string& name, int64_t h, int64_t w, int ctx_tokens) {
  auto level_pos = [&](int L) { return static_cast<double>((h >> L) * (w >> L)); };
  if (name.find("attn2.to_k") != std::string::npos || name.find("attn2.to_v") != std::string::npos)
    return ctx_tokens;
  if (name.find("emb_layers") != std::string::npos || name.rfind("time_embed", 0) == 0) return 1;
  int idx = 0;
  if (std::sscanf(name.c_str(), "input_blocks.%d.", &idx) == 1) return level_pos(input_level(idx));
  if (std::sscanf(name.c_str(), "output_blocks.%d.", &idx) == 1) return level_pos(output_level(idx));
  if (name.rfind("middle_block", 0) == 0) return level_pos(3);
  return level_pos(0);  // out.*
}

// Replays models::UNetModel::forward's allocations (runtime/models/unet/) on a LiveBytes.
// Sizes are activations of `B` latents (the CFG batch).
struct UnetWalk {
  const ModelHeader& h;
  const std::string& p;  // "model.diffusion_model." or ""
  LiveBytes& m;
  double B;
  double ctx_tokens;
  double heads;

  const formats::TensorInfo& w(const std::string& name) const { return h.at(p + name + ".weight"); }
  DType wtype(const std::string& name) const { return resident_dtype(w(name).dtype, DeviceKind::Cpu); }
  double conv(const std::string& name, double cin, double cout, int64_t k, double pos) {
    return m.op(B * cout * pos, m.conv_scratch(cin, cout, k, pos, wtype(name)));
  }
  // linear `name` on `rows` token rows; returns the output's bytes.
  double linear(const std::string& name, double rows) {
    const auto& t = w(name);
    const double n = static_cast<double>(t.shape[0]), k = static_cast<double>(t.shape[1]);
    return m.op(rows * n, m.linear_scratch(rows, n, k, wtype(name)));
  }
  double norm_act_conv(const std::string& name, double c, double cout, double pos) {
    const double g = m.op(B * c * pos), a = m.op(B * c * pos);
    const double y = conv(name, c, cout, 3, pos);
    m.free(g + a);
    return y;
  }
  // unet::res_block on x (held by the caller).
  double res(const std::string& n, double cin, double pos) {
    const double cout = static_cast<double>(w(n + ".out_layers.3").shape[0]);
    double a = norm_act_conv(n + ".in_layers.2", cin, cout, pos);
    double e = linear(n + ".emb_layers.1", B);
    double b = m.op(B * cout * pos);  // + emb
    m.free(a + e);
    double c = norm_act_conv(n + ".out_layers.3", cout, cout, pos);
    m.free(b);
    double y;
    if (h.find(p + n + ".skip_connection.weight")) {
      double sc = conv(n + ".skip_connection", cin, cout, 1, pos);
      y = m.op(B * cout * pos);
      m.free(sc);
    } else {
      y = m.op(B * cout * pos);
    }
    m.free(c);
    return y;
  }
  // multi_head_attention on q (T rows) and k/v (S rows per latent), width c: the head-split
  // copies, the attention output, then the merged copy returned (the rest freed).
  double mha(double T, double keys, double c) {
    const double qs = m.op(T * c), ks = m.op(B * keys * c), vs = m.op(B * keys * c);
    const double o = m.op(T * c, m.attention_scratch(B * heads, T / B, keys, c / heads));
    const double mg = m.op(T * c);
    m.free(qs + ks + vs + o);
    return mg;
  }
  // unet attention_block: x normed (T rows), context of `keys` rows per latent (self: tokens).
  double attention(const std::string& n, double T, double keys, double c, bool self) {
    double q = linear(n + ".to_q", T);
    double k = linear(n + ".to_k", self ? T : B * keys), v = linear(n + ".to_v", self ? T : B * keys);
    double o = mha(T, keys, c);
    m.free(q + k + v);
    double y = linear(n + ".to_out.0", T);
    m.free(o);
    return y;
  }
  // unet transformer_block on tokens x (held by the caller); returns the new tokens.
  double block(const std::string& n, double T, double tokens, double c) {
    double n1 = m.op(T * c);
    double a1 = attention(n + ".attn1", T, tokens, c, true);
    double x1 = m.op(T * c);
    m.free(a1 + n1);
    double n2 = m.op(T * c);
    double a2 = attention(n + ".attn2", T, ctx_tokens, c, false);
    double x2 = m.op(T * c);
    m.free(a2 + n2 + x1);
    double n3 = m.op(T * c);
    double pr = linear(n + ".ff.net.0.proj", T);  // [hidden | gate]
    const double inner = static_cast<double>(w(n + ".ff.net.0.proj").shape[0]) / 2;
    double hs = m.op(T * inner), gs = m.op(T * inner), ge = m.op(T * inner), mu = m.op(T * inner);
    m.free(hs + gs + ge + pr);
    double f2 = linear(n + ".ff.net.2", T);
    m.free(mu);
    double y = m.op(T * c);
    m.free(f2 + n3 + x2);
    return y;
  }
  // unet::spatial_transformer on x (c channels at pos positions, held by the caller).
  double transformer(const std::string& n, double c, double pos) {
    const double T = B * pos;
    double g = m.op(T * c), tok = m.op(T * c);
    double t = linear(n + ".proj_in", T);
    m.free(g + tok);
    const int depth = h.count_blocks(p + n + ".transformer_blocks.");
    for (int d = 0; d < depth; ++d) {  // t = transformer_block(t): the old t lives through it
      double y = block(n + ".transformer_blocks." + std::to_string(d), T, pos, c);
      m.free(t);
      t = y;
    }
    double po = linear(n + ".proj_out", T), ft = m.op(T * c), y = m.op(T * c);
    m.free(po + ft + t);
    return y;
  }
};

}  // namespace

std::vector<Footprint> sd15_unet_estimate(const ModelHeader& hdr, const UnetRequest& r, DeviceKind device) {
  std::string prefix = hdr.find("model.diffusion_model.input_blocks.0.0.weight") ? "model.diffusion_model." : "";
  if (r.width % 8 || r.height % 8 || r.width <= 0 || r.height <= 0)
    throw Error("SD1.5 UNet: width and height must be positive multiples of 8 (got " + std::to_string(r.width) +
                "x" + std::to_string(r.height) + ")");
  const int64_t h = r.height / 8, w = r.width / 8;
  const double B = r.batch * (r.cfg ? 2 : 1);
  const int a = r.act_bytes;
  auto N = [&](int L) { return static_cast<double>((h >> L) * (w >> L)); };

  double lin_flops = 0;
  for (const auto& t : hdr.tensors) {
    if (t.name.compare(0, prefix.size(), prefix) != 0 || t.shape.size() < 2) continue;
    lin_flops += 2.0 * numel(t.shape) * positions(t.name.substr(prefix.size()), h, w, r.context_tokens);
  }
  WeightUse weights = weights_of(hdr, prefix, "unet", device);

  // Attention FLOPs: two transformers per attention block (self and cross), Lq x Lk x C x 4.
  double attn_flops = 0;
  for (const auto& t : hdr.tensors) {
    const std::string n = t.name.substr(std::min(prefix.size(), t.name.size()));
    if (t.name.compare(0, prefix.size(), prefix) != 0 || n.find(".attn1.to_q.weight") == std::string::npos) continue;
    int idx = 0, L = 3;
    if (std::sscanf(n.c_str(), "input_blocks.%d.", &idx) == 1) L = input_level(idx);
    else if (std::sscanf(n.c_str(), "output_blocks.%d.", &idx) == 1) L = output_level(idx);
    const double pos = N(L), c = static_cast<double>(t.shape[0]);
    attn_flops += 4.0 * B * pos * (pos + r.context_tokens) * c;
  }

  // The denoiser's device inputs: the latent batch, its timestep, both contexts and their
  // concatenation (the CFG batch's context), held through every forward.
  LiveBytes m(device, a);
  double ctx_dim = 0;
  for (const auto& t : hdr.tensors)
    if (t.name.find("attn2.to_k.weight") != std::string::npos && t.shape.size() == 2) ctx_dim = static_cast<double>(t.shape[1]);
  const double held = m.op(B * r.context_tokens * ctx_dim * 2 + B * 4 * h * w + 1);
  UnetWalk u{hdr, prefix, m, B, static_cast<double>(r.context_tokens),
             static_cast<double>(metadata_count(hdr.metadata, "vkflow.unet.num_heads", 8))};
  {
    const int64_t time_dim = hdr.at(prefix + "time_embed.0.weight").shape[0];
    double emb = m.op(B * time_dim * 3);  // timestep embedding, linear, silu (tiny)
    int64_t hh = h, ww = w;
    auto pos = [&] { return static_cast<double>(hh * ww); };
    std::vector<std::pair<double, double>> skips;  // bytes, channels
    std::vector<std::pair<int64_t, int64_t>> sizes;
    double cur = 0, c = static_cast<double>(hdr.at(prefix + "input_blocks.0.0.weight").shape[1]);
    // Runs one block's parts on x (held by the caller); returns the block's output.
    auto run_block = [&](const std::string& name, double x, int64_t up_h, int64_t up_w) {
      double hb = x;
      bool owned = false;  // hb is a part's output (x belongs to the caller)
      const int parts = hdr.count_blocks(prefix + name + ".");
      for (int k = 0; k < parts; ++k) {
        const std::string part = name + "." + std::to_string(k);
        double y = 0;
        if (hdr.find(prefix + part + ".in_layers.0.weight")) {
          y = u.res(part, c, pos());
          c = static_cast<double>(hdr.at(prefix + part + ".out_layers.3.weight").shape[0]);
        } else if (hdr.find(prefix + part + ".proj_in.weight")) {
          y = u.transformer(part, c, pos());
        } else if (hdr.find(prefix + part + ".op.weight")) {
          hh = (hh + 1) / 2, ww = (ww + 1) / 2;
          y = u.conv(part + ".op", c, c, 3, pos());
        } else if (hdr.find(prefix + part + ".conv.weight")) {
          hh = up_h, ww = up_w;
          double upn = m.op(B * c * pos());
          y = u.conv(part + ".conv", c, c, 3, pos());
          m.free(upn);
        }
        if (owned) m.free(hb);
        hb = y;
        owned = true;
      }
      return hb;
    };
    for (int i = 0; i < hdr.count_blocks(prefix + "input_blocks."); ++i) {
      if (i == 0) {
        c = static_cast<double>(hdr.at(prefix + "input_blocks.0.0.weight").shape[0]);
        cur = u.conv("input_blocks.0.0", 4, c, 3, pos());
      } else {
        cur = run_block("input_blocks." + std::to_string(i), cur, 0, 0);
      }
      skips.push_back({cur, c});
      sizes.push_back({hh, ww});
    }
    double mid = run_block("middle_block", cur, 0, 0);
    cur = mid;
    for (int j = 0; j < hdr.count_blocks(prefix + "output_blocks."); ++j) {
      const auto [sb, sc] = skips.back();
      const double cat = m.op(B * (c + sc) * pos());
      m.free(cur + sb);  // the previous h and the popped skip
      skips.pop_back();
      sizes.pop_back();
      c += sc;
      const int64_t up_h = sizes.empty() ? hh * 2 : sizes.back().first, up_w = sizes.empty() ? ww * 2 : sizes.back().second;
      double y = run_block("output_blocks." + std::to_string(j), cat, up_h, up_w);
      m.free(cat);
      cur = y;
    }
    double y = u.norm_act_conv("out.2", c, 4, pos());
    m.free(y + cur + emb);
  }
  m.free(held);

  Footprint f;
  f.device = device;
  f.label = "full";
  f.weights = {weights};
  f.peak_bytes = static_cast<uint64_t>(m.peak());
  f.largest_alloc = static_cast<uint64_t>(m.largest());
  f.flops = r.steps * (lin_flops * B + attn_flops);
  f.bytes_moved = r.steps * (static_cast<double>(weights.bytes) + 20.0 * f.peak_bytes);
  return {f};
}

}  // namespace vkflow::models
