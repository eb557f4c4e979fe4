#include "runtime/models/vae_estimate.hpp"

#include <algorithm>
#include <cmath>

#include "runtime/core/error.hpp"
#include "runtime/models/estimate_common.hpp"

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

// Peak activation elements and the largest buffer decoding an lh x lw latent in one piece.
struct Work {
  double peak = 0, largest = 0, flops = 0;
};
Work decode_work(const DecoderShape& s, double lh, double lw, double B, bool chunked_mid) {
  Work w;
  const int L = static_cast<int>(s.ch.size());
  double tokens = lh * lw;
  // Mid block at latent resolution: resnets, then attention over every latent pixel (one head).
  double midX = B * s.mid * tokens;
  double scores = B * (chunked_mid ? std::min(1024.0, tokens) : tokens) * tokens;
  w.peak = std::max(4 * midX, 3 * midX + scores);
  w.largest = std::max(midX, scores);
  w.flops += 4.0 * tokens * tokens * s.mid * B;
  for (int i = L - 1; i >= 0; --i) {
    double r2 = tokens * std::pow(4.0, L - 1 - i);  // positions at level i
    double cin = s.in[i], cout = s.ch[i];
    // First resnet: input, its GroupNorm output, conv1 out, conv2 out, 1x1 shortcut when widths differ.
    double resnet = B * r2 * (2 * cin + 2 * cout + (cin != cout ? cout : 0));
    w.peak = std::max(w.peak, resnet);
    w.largest = std::max(w.largest, B * r2 * std::max(cin, cout));
    // 3 resnets of two 3x3 convs each (+ the first one's shortcut).
    w.flops += B * r2 * 2 * 9 * (cin * cout + 5 * cout * cout);
    if (i > 0) {  // nearest x2 upsample then a 3x3 conv at 4x the positions
      double up = B * cout * (r2 + 2 * 4 * r2);
      w.peak = std::max(w.peak, up);
      w.largest = std::max(w.largest, B * cout * 4 * r2);
      w.flops += B * 4 * r2 * 2 * 9 * cout * cout;
    }
  }
  return w;
}

}  // namespace

std::vector<Footprint> vae_decode_estimate(const ModelHeader& h, const std::string& prefix,
                                           const VaeDecodeRequest& r, DeviceKind device) {
  DecoderShape s = read_shape(h, prefix);
  if (r.latent_h <= 0 || r.latent_w <= 0) throw Error("VAE decode: empty latent");
  const int a = r.act_bytes;
  const double B = r.batch;
  const double scale = std::pow(2.0, static_cast<double>(s.ch.size() - 1));
  const double out_px = r.latent_h * scale * r.latent_w * scale;
  WeightUse weights = weights_of(h, prefix + "decoder.", "vae_decoder", device);
  // Held whole during any decode: the latent and the output image (tiles blend into it).
  double held = B * (s.z * r.latent_h * r.latent_w + 3 * out_px);

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
    if (t == 0 || (t >= r.latent_h && t >= r.latent_w)) {
      Work w = decode_work(s, r.latent_h, r.latent_w, B, false);
      f.options = {{"tile", 0}};
      f.label = "full";
      f.peak_bytes = act_bytes(held + w.peak, a);
      f.largest_alloc = act_bytes(w.largest, a);
      f.flops = w.flops;
    } else {
      if (t <= r.overlap) throw Error("VAE decode: tile " + std::to_string(t) + " must exceed the overlap " +
                                      std::to_string(r.overlap));
      int64_t th = std::min(t, r.latent_h), tw = std::min(t, r.latent_w);
      auto count = [&](int64_t n, int64_t tt) {
        return tt >= n ? 1 : (n - r.overlap + (tt - r.overlap) - 1) / (tt - r.overlap);
      };
      double n_tiles = static_cast<double>(count(r.latent_h, th) * count(r.latent_w, tw));
      Work w = decode_work(s, th, tw, B, false);
      f.options = {{"tile", t}, {"overlap", r.overlap}};
      f.label = "tile " + std::to_string(t) + "/" + std::to_string(r.overlap);
      f.peak_bytes = act_bytes(held + w.peak + B * 3 * th * tw * scale * scale, a);
      f.largest_alloc = act_bytes(w.largest, a);
      f.flops = w.flops * n_tiles;
      f.note = "decoded in " + std::to_string(static_cast<int64_t>(n_tiles)) + " overlapping tiles";
    }
    f.bytes_moved = static_cast<double>(weights.bytes) + 6.0 * f.peak_bytes;
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace vkflow::models
