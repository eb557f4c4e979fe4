#include "runtime/models/vae_estimate.hpp"

#include <algorithm>
#include <cmath>

#include "runtime/core/error.hpp"
#include "runtime/models/estimate_common.hpp"
#include "runtime/models/live_bytes.hpp"

namespace vkflow::models {
namespace {

struct DecoderShape {
  int64_t z = 4;             // latent channels
  int64_t mid = 512;         // channels of conv_in / the mid block
  std::vector<int64_t> ch;   // output channels of up.i (i = 0 is the full-resolution level)
  std::vector<int64_t> in;   // input channels of up.i
};

DecoderShape read_shape(const ModelHeader& h, const std::string& p) {
  DecoderShape s;
  const auto& conv_in = h.at(p + "decoder.conv_in.weight");
  s.mid = conv_in.shape[0];
  s.z = conv_in.shape[1];
  int levels = h.count_blocks(p + "decoder.up.");
  if (levels < 1) throw FormatError(h.path, "no decoder.up.* levels under '" + p + "'");
  for (int i = 0; i < levels; ++i) {
    const auto& c1 = h.at(p + "decoder.up." + std::to_string(i) + ".block.0.conv1.weight");
    s.ch.push_back(c1.shape[0]);
    s.in.push_back(c1.shape[1]);
  }
  return s;
}

// Replays models::AutoencoderKL's allocations (runtime/models/vae/autoencoder_kl.cpp) on a
// LiveBytes; every size is in activations of `B` images.
struct VaeWalk {
  const ModelHeader& h;
  const std::string& p;  // "first_stage_model." or ""
  LiveBytes& m;
  double B;
  double flops = 0;

  DType wtype(const std::string& name) const { return resident_dtype(h.at(p + name + ".weight").dtype, DeviceKind::Cpu); }
  // conv2d `name` from cin to cout channels over `out` output positions; returns its bytes.
  double conv(const std::string& name, double cin, double cout, int64_t k, double out) {
    flops += 2.0 * B * out * cin * cout * k * k;
    return m.op(B * cout * out, m.conv_scratch(cin, cout, k, out, wtype(name)));
  }
  // group_norm then silu of x (c channels at n positions) held by the full-expression, then
  // conv2d `name` to cout: returns the conv's bytes, the temporaries freed.
  double norm_act_conv(const std::string& name, double c, double cout, double n) {
    const double g = m.op(B * c * n), a = m.op(B * c * n);
    const double y = conv(name, c, cout, 3, n);
    m.free(g + a);
    return y;
  }
  // A resnet on x (held by the caller); returns the output's bytes.
  double resnet(const std::string& n, double cin, double cout, double pos) {
    double h1 = norm_act_conv(n + ".conv1", cin, cout, pos);
    double h2 = norm_act_conv(n + ".conv2", cout, cout, pos);
    m.free(h1);
    double y;
    if (h.find(p + n + ".nin_shortcut.weight")) {
      double sc = conv(n + ".nin_shortcut", cin, cout, 1, pos);
      y = m.op(B * cout * pos);
      m.free(sc);
    } else {
      y = m.op(B * cout * pos);
    }
    m.free(h2);
    return y;
  }
  // Single-head self-attention with residual over c channels at n positions.
  double attn(const std::string& n, double c, double pos) {
    auto lin = [&](double rows) {
      flops += 2.0 * rows * c * c;
      return m.op(rows * c, m.linear_scratch(rows, c, c, wtype(n + ".q")));
    };
    const double T = B * pos;
    double g = m.op(T * c), t = m.op(T * c);  // group_norm, to_tokens
    m.free(g);
    double q = lin(T), k = lin(T), v = lin(T);
    m.free(t);
    flops += 4.0 * B * pos * pos * c;
    double o = m.op(T * c, m.attention_scratch(B, pos, pos, c));
    m.free(q + k + v);
    double pr = lin(T), ft = m.op(T * c), y = m.op(T * c);  // proj_out, from_tokens, + x
    m.free(pr + ft + o);
    return y;
  }
  double mid(const std::string& side, double c, double pos, double x) {
    double a = resnet(side + ".mid.block_1", c, c, pos);
    m.free(x);
    double b = attn(side + ".mid.attn_1", c, pos);
    m.free(a);
    double y = resnet(side + ".mid.block_2", c, c, pos);
    m.free(b);
    return y;
  }
  // norm_out, silu, conv_out to `cout` channels; frees x.
  double head(const std::string& side, double c, double cout, double pos, double x) {
    double y = norm_act_conv(side + ".conv_out", c, cout, pos);
    m.free(x);
    return y;
  }
};

// The decoder on an lh x lw latent (z already allocated by the caller). Returns the bytes of
// the decoded image [B, 3, H, W], still allocated.
double walk_decode(VaeWalk& w, const DecoderShape& s, double lh, double lw) {
  LiveBytes& m = w.m;
  double pos = lh * lw;
  double x = 0;
  if (w.h.find(w.p + "post_quant_conv.weight")) x = w.conv("post_quant_conv", s.z, s.z, 1, pos);
  double hb = w.conv("decoder.conv_in", s.z, s.mid, 3, pos);
  m.free(x);
  hb = w.mid("decoder", s.mid, pos, hb);
  double c = s.mid;
  const int L = static_cast<int>(s.ch.size());
  for (int i = L - 1; i >= 0; --i) {
    const std::string lvl = "decoder.up." + std::to_string(i);
    const int blocks = w.h.count_blocks(w.p + lvl + ".block.");
    for (int j = 0; j < blocks; ++j) {
      const double cout = s.ch[i];
      double y = w.resnet(lvl + ".block." + std::to_string(j), c, cout, pos);
      m.free(hb);
      hb = y;
      c = cout;
    }
    if (w.h.find(w.p + lvl + ".upsample.conv.weight")) {
      double up = m.op(w.B * c * 4 * pos);
      double y = w.conv(lvl + ".upsample.conv", c, c, 3, 4 * pos);
      m.free(up + hb);
      hb = y;
      pos *= 4;
    }
  }
  const double img_c = static_cast<double>(w.h.at(w.p + "decoder.conv_out.weight").shape[0]);
  return w.head("decoder", c, img_c, pos, hb);
}

// LdmVae::decode's tail on the decoded image of `img` bytes: scale, then clamp; frees all.
void walk_postprocess(LiveBytes& m, double img) {
  m.alloc(img);
  m.alloc(img);
  m.free(3 * img);
}

}  // namespace

std::vector<Footprint> vae_decode_estimate(const ModelHeader& h, const std::string& prefix,
                                           const VaeDecodeRequest& r, DeviceKind device) {
  DecoderShape s = read_shape(h, prefix);
  if (r.latent_h <= 0 || r.latent_w <= 0) throw Error("VAE decode: empty latent");
  const double B = r.batch;
  const double scale = std::pow(2.0, static_cast<double>(s.ch.size() - 1));
  WeightUse weights = weights_of(h, prefix + "decoder.", "vae_decoder", device);

  std::vector<int64_t> tiles;
  if (r.tile) {
    tiles = {*r.tile};
  } else {
    tiles = {0};
    for (int64_t t : {64, 32})
      if (t < std::max(r.latent_h, r.latent_w)) tiles.push_back(t);
  }
  std::vector<Footprint> out;
  for (int64_t t : tiles) {
    Footprint f;
    f.device = device;
    f.weights = {weights};
    LiveBytes m(device, r.act_bytes);
    VaeWalk w{h, prefix, m, B};
    const double z = m.op(B * s.z * r.latent_h * r.latent_w);  // the latent, on the device throughout
    const double img = m.act(B * 3 * r.latent_h * scale * r.latent_w * scale);
    if (t == 0 || (t >= r.latent_h && t >= r.latent_w)) {
      walk_postprocess(m, walk_decode(w, s, r.latent_h, r.latent_w));
      f.options = {{"tile", 0}};
      f.label = "full";
    } else {
      if (t <= r.overlap) throw Error("VAE decode: tile " + std::to_string(t) + " must exceed the overlap " +
                                      std::to_string(r.overlap));
      const int64_t th = std::min(t, r.latent_h), tw = std::min(t, r.latent_w);
      auto count = [&](int64_t n, int64_t tt) {
        return tt >= n ? 1 : (n - r.overlap + (tt - r.overlap) - 1) / (tt - r.overlap);
      };
      const double n_tiles = static_cast<double>(count(r.latent_h, th) * count(r.latent_w, tw));
      // models::decode_tiled: a row band, then the tile sliced out of it; each tile's image
      // goes to the host and blends there; the blend comes back whole at the end.
      const double band = m.op(B * s.z * th * r.latent_w), zt = m.op(B * s.z * th * tw);
      m.free(band);
      const double tile_img = walk_decode(w, s, th, tw);
      m.free(tile_img + zt);
      w.flops *= n_tiles;
      m.alloc(img);
      walk_postprocess(m, img);
      f.options = {{"tile", t}, {"overlap", r.overlap}};
      f.label = "tile " + std::to_string(t) + "/" + std::to_string(r.overlap);
      f.note = "decoded in " + std::to_string(static_cast<int64_t>(n_tiles)) + " overlapping tiles";
      f.host_peak_bytes = static_cast<uint64_t>(2 * img);  // the blend's sums and weights
    }
    m.free(z);
    f.peak_bytes = static_cast<uint64_t>(m.peak());
    f.largest_alloc = static_cast<uint64_t>(m.largest());
    f.flops = w.flops;
    f.bytes_moved = static_cast<double>(weights.bytes) + 6.0 * f.peak_bytes;
    out.push_back(std::move(f));
  }
  return out;
}

Footprint vae_encode_estimate(const ModelHeader& h, const std::string& prefix, int64_t batch, int64_t height,
                              int64_t width, int act_bytes, DeviceKind device) {
  const std::string p = prefix + "encoder.";
  const int levels = h.count_blocks(p + "down.");
  if (levels < 1) throw FormatError(h.path, "no encoder.down.* levels under '" + prefix + "'");
  if (height <= 0 || width <= 0) throw Error("VAE encode: empty image");
  LiveBytes m(device, act_bytes);
  const double B = static_cast<double>(batch);
  VaeWalk w{h, prefix, m, B};
  double pos = static_cast<double>(height) * width, hh = static_cast<double>(height), ww = static_cast<double>(width);
  const auto& conv_in = h.at(p + "conv_in.weight");
  const double x = m.op(B * conv_in.shape[1] * pos);  // the image, held by LdmVae::encode
  double c = static_cast<double>(conv_in.shape[0]);
  double hb = w.conv("encoder.conv_in", conv_in.shape[1], c, 3, pos);
  for (int i = 0; i < levels; ++i) {
    const std::string lvl = "encoder.down." + std::to_string(i);
    const int blocks = h.count_blocks(p + "down." + std::to_string(i) + ".block.");
    for (int j = 0; j < blocks; ++j) {
      const double cout = static_cast<double>(h.at(prefix + lvl + ".block." + std::to_string(j) + ".conv1.weight").shape[0]);
      double y = w.resnet(lvl + ".block." + std::to_string(j), c, cout, pos);
      m.free(hb);
      hb = y;
      c = cout;
    }
    if (h.find(prefix + lvl + ".downsample.conv.weight")) {  // pad right/bottom, stride-2 conv
      double pad = m.op(B * c * (hh + 1) * (ww + 1));
      hh = std::floor(hh / 2), ww = std::floor(ww / 2), pos = hh * ww;
      double y = w.conv(lvl + ".downsample.conv", c, c, 3, pos);
      m.free(pad + hb);
      hb = y;
    }
  }
  hb = w.mid("encoder", c, pos, hb);
  const double moments = static_cast<double>(h.at(p + "conv_out.weight").shape[0]);
  hb = w.head("encoder", c, moments, pos, hb);
  if (h.find(prefix + "quant_conv.weight")) {
    double q = w.conv("quant_conv", moments, moments, 1, pos);
    m.free(hb);
    hb = q;
  }
  const double mean = m.op(B * moments / 2 * pos);  // encode_mean's slice
  m.free(hb + mean + x);
  Footprint f;
  f.device = device;
  f.options = {{"tile", 0}};
  f.label = "full";
  f.weights = {weights_of(h, p, "vae_encoder", device)};
  f.peak_bytes = static_cast<uint64_t>(m.peak());
  f.largest_alloc = static_cast<uint64_t>(m.largest());
  f.flops = w.flops;
  f.bytes_moved = static_cast<double>(f.weights[0].bytes) + 6.0 * f.peak_bytes;
  return f;
}

}  // namespace vkflow::models
