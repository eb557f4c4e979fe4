#include "nodes/sd15_handles.hpp"

#include "nodes/vae_handle.hpp"

#include <algorithm>

#include "runtime/models/clip/clip_text.hpp"
#include "runtime/models/unet/eps_denoiser.hpp"
#include "runtime/models/unet/unet.hpp"
#include "runtime/models/vae/autoencoder_kl.hpp"
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
  void release_loaded() const override { unets_.release(); }
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

  void release_loaded() const override { models_.release(); }
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
          make_ldm_vae(file)};
}

}  // namespace vkflow::nodes
