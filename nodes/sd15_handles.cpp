#include "nodes/sd15_handles.hpp"

#include <algorithm>

#include "runtime/models/clip/clip_text.hpp"
#include "runtime/models/unet/eps_denoiser.hpp"
#include "runtime/models/unet/unet.hpp"
#include "runtime/models/vae/autoencoder_kl.hpp"
#include "runtime/models/vae/vae_tiled.hpp"
#include "runtime/ops/unary.hpp"
#include "runtime/sampling/discrete_schedule.hpp"
#include "runtime/sampling/schedulers.hpp"
#include "runtime/text/weighted_chunks.hpp"

namespace vkflow::nodes {
namespace {

using formats::ModelFile;
using FilePtr = std::shared_ptr<const ModelFile>;

Tensor to_device(Device& dev, const HostTensor& t) { return Tensor::from_f32(dev, t.shape, t.data); }

// The first entry's cross-attention of a conditioning (area/mask combinations are not supported).
const ConditioningEntry& single_entry(const ConditioningValue& c, const char* what) {
  if (c.entries.size() != 1)
    throw Unsupported(std::string(what) + " conditioning has " + std::to_string(c.entries.size()) +
                      " entries; combining several conditionings is not supported");
  return c.entries.front();
}

class Sd15Model final : public DiffusionModel {
 public:
  explicit Sd15Model(FilePtr f) : file_(std::move(f)), schedule_(sampling::DiscreteSchedule::comfy()) {}
  std::string family() const override { return "sd15"; }
  std::string source() const override { return file_->describe(); }
  sampling::ModelSampling model_sampling() const override {
    sampling::ModelSampling m;
    m.sigma_max = schedule_.sigma_max();
    m.sigma_min = schedule_.sigma_min();
    return m;
  }
  sampling::LatentFormat latent_format() const override { return sampling::LatentFormat::sd15(); }
  int64_t latent_channels() const override { return 4; }
  std::vector<double> sigmas(std::string_view scheduler, int steps) const override {
    auto s = sampling::comfy_sigmas(schedule_, scheduler, steps);
    return {s.begin(), s.end()};
  }

  sampling::Denoiser denoiser(const DenoiseRequest& req) const override {
    auto unet = unets_.get(req.device, [&](Device& d) { return std::make_shared<const models::UNetModel>(*file_, d); });
    auto sched = std::make_shared<const sampling::DiscreteSchedule>(schedule_);
    // ComfyUI's model_sampling.timestep: the nearest of the 1000 discrete timesteps.
    models::TimestepFn t_of = [sched](double s) { return double(sched->nearest_timestep(float(s))); };
    const Tensor cond = to_device(req.device, single_entry(req.positive, "positive").cross_attn);
    sampling::Denoiser cond_only = models::make_eps_denoiser(*unet, req.latent, cond, t_of);
    sampling::Denoiser d;
    if (req.cfg == 1.0) {
      d = sampling::make_cfg_denoiser({}, 1.0, cond_only);
    } else {
      if (!req.negative) throw Error("classifier-free guidance (cfg " + std::to_string(req.cfg) + ") needs a negative conditioning");
      const Tensor uncond = to_device(req.device, single_entry(*req.negative, "negative").cross_attn);
      d = sampling::make_cfg_denoiser(models::make_cfg_eps_denoiser(*unet, req.latent, uncond, cond, t_of), req.cfg,
                                      cond_only);
    }
    // The UNet reference inside the closures stays valid while this lambda lives.
    return [unet, d](std::span<const float> x, double sigma, std::span<float> out) { d(x, sigma, out); };
  }

 private:
  FilePtr file_;
  sampling::DiscreteSchedule schedule_;
  PerDevice<models::UNetModel> unets_;
};

class Sd15TextEncoder final : public TextEncoder {
 public:
  explicit Sd15TextEncoder(FilePtr f) : file_(std::move(f)), prefix_(models::ClipTextModel::prefix_in(*file_)) {}
  std::string source() const override { return file_->describe(); }

  ConditioningEntry encode(std::string_view text, int last_layer, Device& dev) const override {
    auto clip = models_.get(dev, [&](Device& d) { return std::make_shared<const models::ClipTextModel>(*file_, d, prefix_); });
    const auto chunks = text::clip_tokenize_with_weights(text::ClipTokenizer::embedded(), text);
    std::vector<int64_t> ids;
    std::vector<std::vector<double>> weights;
    bool weighted = false;
    for (const auto& c : chunks) {
      weights.emplace_back();
      for (const auto& t : c) {
        ids.push_back(t.id);
        weights.back().push_back(t.weight);
        weighted = weighted || t.weight != 1.0;
      }
    }
    const int64_t tokens = static_cast<int64_t>(chunks.front().size());
    if (weighted) {  // ComfyUI's gen_empty_tokens: BOS, EOS, then EOS padding
      ids.push_back(text::ClipTokenizer::kBos);
      ids.insert(ids.end(), tokens - 1, text::ClipTokenizer::kEos);
    }
    const int64_t rows = static_cast<int64_t>(ids.size()) / tokens;
    // ComfyUI: a layer index beyond the model's depth means the last layer.
    const int k = -last_layer;
    const bool last = k <= 1 || k > clip->config().layers;
    const models::ClipTextOutput o = clip->encode(ids, rows, last ? 0 : k);
    const Tensor& z = last ? o.last_hidden_state : o.hidden_normed;
    const int64_t dim = z.dim(2);
    ConditioningEntry e;
    e.cross_attn = weighted_chunk_conditioning(z.to_f32(), rows, tokens, dim, weights);
    std::vector<float> pooled = o.pooled.to_f32();
    pooled.resize(static_cast<size_t>(o.pooled.dim(1)));  // the first chunk's, as ComfyUI
    e.pooled = HostTensor{{1, o.pooled.dim(1)}, std::move(pooled)};
    return e;
  }

 private:
  FilePtr file_;
  std::string prefix_;
  PerDevice<models::ClipTextModel> models_;
};

class LdmVae final : public ImageAutoencoder {
 public:
  explicit LdmVae(FilePtr f) : file_(std::move(f)), prefix_(models::AutoencoderKL::prefix_in(*file_)) {}
  std::string source() const override { return file_->describe(); }
  int64_t downscale() const override { return 8; }
  int64_t latent_channels() const override { return 4; }

  media::Image decode(const HostTensor& latent, Device& dev, std::optional<Tiling> tiling) const override {
    auto vae = part(dev, models::VaeParts::Decoder);
    const Tensor z = to_device(dev, latent);
    const Tensor x = tiling ? models::decode_tiled(*vae, z, {tiling->tile, tiling->overlap}) : vae->decode(z);
    const Tensor img = ops::clamp(ops::scale(x, 0.5f, 0.5f), 0.f, 1.f);  // (x + 1) / 2
    const std::vector<float> chw = img.to_f32();
    const int b = int(img.dim(0)), c = int(img.dim(1)), h = int(img.dim(2)), w = int(img.dim(3));
    media::Image out(b, h, w, c);
    for (int n = 0; n < b; ++n)
      for (int ch = 0; ch < c; ++ch)
        for (int y = 0; y < h; ++y)
          for (int xx = 0; xx < w; ++xx) out.at(n, y, xx, ch) = chw[((size_t(n) * c + ch) * h + y) * w + xx];
    return out;
  }

  HostTensor encode(const media::Image& im, Device& dev) const override {
    if (im.channels < 3) throw Error("VAE encode needs an RGB image, got " + std::to_string(im.channels) + " channel(s)");
    auto vae = part(dev, models::VaeParts::Encoder);
    const int b = im.batch, h = im.height, w = im.width;
    std::vector<float> chw(size_t(b) * 3 * h * w);
    for (int n = 0; n < b; ++n)
      for (int ch = 0; ch < 3; ++ch)
        for (int y = 0; y < h; ++y)
          for (int x = 0; x < w; ++x) chw[((size_t(n) * 3 + ch) * h + y) * w + x] = im.at(n, y, x, ch) * 2.f - 1.f;
    const Tensor mean = vae->encode_mean(Tensor::from_f32(dev, {b, 3, h, w}, chw));
    return HostTensor{mean.shape(), mean.to_f32()};
  }

 private:
  std::shared_ptr<const models::AutoencoderKL> part(Device& dev, models::VaeParts p) const {
    const auto& slot = p == models::VaeParts::Decoder ? decoders_ : encoders_;
    return slot.get(dev, [&](Device& d) { return std::make_shared<const models::AutoencoderKL>(*file_, d, prefix_, p); });
  }
  FilePtr file_;
  std::string prefix_;
  PerDevice<models::AutoencoderKL> decoders_, encoders_;
};

}  // namespace

HostTensor weighted_chunk_conditioning(const std::vector<float>& z, int64_t rows, int64_t tokens, int64_t dim,
                                       const std::vector<std::vector<double>>& weights) {
  const int64_t sections = static_cast<int64_t>(weights.size());
  const bool weighted = rows > sections;
  const size_t row = size_t(tokens * dim);
  HostTensor out{{1, sections * tokens, dim}, std::vector<float>(size_t(sections) * row)};
  const float* empty = weighted ? z.data() + size_t(sections) * row : nullptr;
  for (int64_t k = 0; k < sections; ++k) {
    const float* src = z.data() + size_t(k) * row;
    float* dst = out.data.data() + size_t(k) * row;
    std::copy(src, src + row, dst);
    if (!weighted) continue;
    for (int64_t j = 0; j < tokens; ++j) {
      const double wt = weights[size_t(k)][size_t(j)];
      if (wt == 1.0) continue;
      for (int64_t d = 0; d < dim; ++d) {
        const float e = empty[j * dim + d];
        dst[j * dim + d] = (src[j * dim + d] - e) * float(wt) + e;
      }
    }
  }
  return out;
}

Sd15Checkpoint open_sd15_checkpoint(const std::filesystem::path& path) {
  auto file = std::make_shared<const ModelFile>(ModelFile::open(path));
  const auto& det = file->detection();
  const std::string where = path.string();
  if (det.arch != formats::arch::kSd15)
    throw FormatError(where, "not an SD1.x checkpoint (detected " + det.arch + (det.layout.empty() ? "" : ", layout " + det.layout) + ")");
  if (!det.problems.empty()) throw FormatError(where, det.problems.front());
  if (!det.variant.value("has_text_encoder", false)) throw FormatError(where, "the checkpoint has no CLIP text encoder");
  if (!det.variant.value("has_vae", false)) throw FormatError(where, "the checkpoint has no VAE");
  if (det.variant.value("inpainting", false)) throw FormatError(where, "inpainting UNets (9 input channels) are not supported");
  return {std::make_shared<const Sd15Model>(file), std::make_shared<const Sd15TextEncoder>(file),
          std::make_shared<const LdmVae>(file)};
}

}  // namespace vkflow::nodes
