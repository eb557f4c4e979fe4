#pragma once
// Run-time values of the diffusion pipelines (ComfyUI's types): MODEL, CLIP, VAE, LATENT and
// CONDITIONING. Model values are handles: a loader node opens the file (headers only) and the
// consuming node loads the weights on the device the planner gave it, once per device; the
// handle owns the loaded copies, so they are freed when the executor drops the last value
// that refers to them. Each model family (SD1.5 now, FLUX later) implements the small
// interfaces below; nodes such as KSampler or CLIPTextEncode only see the interfaces.
//
// LATENT and CONDITIONING hold host float32 data (small next to the weights), so they can be
// cached on disk (model_codecs.cpp) and moved to any device by their consumer.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "graph/node_schema.hpp"
#include "nodes/node_timing.hpp"
#include "nodes/value.hpp"
#include "runtime/core/device.hpp"
#include "runtime/core/shape.hpp"
#include "runtime/media/image.hpp"
#include "runtime/sampling/ksampler.hpp"
#include "runtime/sampling/latent_format.hpp"
#include "runtime/sampling/sampler.hpp"

namespace vkflow::nodes {

// A host float32 tensor: values in row-major order for `shape`.
struct HostTensor {
  Shape shape;
  std::vector<float> data;
  bool empty() const { return data.empty(); }
  uint64_t bytes() const { return data.size() * sizeof(float); }
};

// ---- CONDITIONING: ComfyUI's list of [cross_attn, {"pooled_output": ..., "guidance": ...}].
struct ConditioningEntry {
  HostTensor cross_attn;                 // [1, tokens, dim] (SD1.5: 77·chunks x 768)
  std::optional<HostTensor> pooled;      // [1, dim] (SD1.5: CLIP pooled; FLUX: clip_l pooled)
  std::map<std::string, double> extra;   // named floats, e.g. "guidance" (FLUX), "strength"
};

struct ConditioningValue : Object {
  explicit ConditioningValue(std::vector<ConditioningEntry> e) : entries(std::move(e)) {}
  std::string_view type() const override { return graph::types::CONDITIONING; }
  uint64_t host_bytes() const override;
  std::vector<ConditioningEntry> entries;
};

// ---- LATENT: ComfyUI's {"samples", "noise_mask"?, "batch_index"?}; samples are stored
// unscaled (what the VAE produces), [B, C, h, w].
struct LatentValue : Object {
  explicit LatentValue(HostTensor s) : samples(std::move(s)) {}
  std::string_view type() const override { return graph::types::LATENT; }
  uint64_t host_bytes() const override { return samples.bytes() + (noise_mask ? noise_mask->bytes() : 0); }
  HostTensor samples;
  std::optional<HostTensor> noise_mask;       // [B or 1, 1, H, W] in [0, 1] (inpainting)
  std::optional<std::vector<int64_t>> batch_index;
};

// ---- MODEL: a denoiser and how it samples.
struct DenoiseRequest {
  Device& device;
  Shape latent;                               // [B, C, h, w] of the sampled latent
  const ConditioningValue& positive;
  const ConditioningValue* negative = nullptr;  // null or unused when cfg == 1 and the model allows it
  double cfg = 1.0;
  const nlohmann::json* options = nullptr;    // planner options for the sampling node
};

class DiffusionModel {
 public:
  virtual ~DiffusionModel() = default;
  virtual std::string family() const = 0;     // "sd15", "flux", ...
  virtual std::string source() const = 0;     // file it came from (messages, weight ids)
  virtual sampling::ModelSampling model_sampling() const = 0;
  virtual sampling::LatentFormat latent_format() const = 0;
  virtual int64_t latent_channels() const = 0;
  // ComfyUI's calculate_sigmas(model_sampling, scheduler, steps); Error naming the scheduler.
  virtual std::vector<double> sigmas(std::string_view scheduler, int steps) const = 0;
  // D(x, σ) with CFG applied, loading the weights on req.device on first use. The denoiser
  // keeps what it needs alive.
  virtual sampling::Denoiser denoiser(const DenoiseRequest& req) const = 0;
  virtual void release_loaded() const {}      // frees the weights loaded on every device
};

struct ModelValue : Object {
  explicit ModelValue(std::shared_ptr<const DiffusionModel> m) : model(std::move(m)) {}
  std::string_view type() const override { return graph::types::MODEL; }
  std::shared_ptr<const DiffusionModel> model;
  void release_loaded() const override { model->release_loaded(); }
};

// ---- CLIP: the text encoder(s) with their tokenizer(s).
class TextEncoder {
 public:
  virtual ~TextEncoder() = default;
  virtual std::string source() const = 0;
  // ComfyUI's CLIPTextEncode on `device` (weights loaded there on first use). last_layer is
  // CLIPSetLastLayer's stop_at_clip_layer: -1 = the last layer, -2 = the penultimate, ...
  virtual ConditioningEntry encode(std::string_view text, int last_layer, Device& device) const = 0;
  virtual void release_loaded() const {}      // frees the weights loaded on every device
};

struct ClipValue : Object {
  ClipValue(std::shared_ptr<const TextEncoder> e, int layer) : encoder(std::move(e)), last_layer(layer) {}
  std::string_view type() const override { return graph::types::CLIP; }
  std::shared_ptr<const TextEncoder> encoder;
  int last_layer = -1;
  void release_loaded() const override { encoder->release_loaded(); }
};

// ---- VAE: pixels <-> stored latents.
class ImageAutoencoder {
 public:
  virtual ~ImageAutoencoder() = default;
  virtual std::string source() const = 0;
  virtual int64_t downscale() const = 0;        // image pixels per latent pixel (8)
  virtual int64_t latent_channels() const = 0;
  // Stored latent [B, C, h, w] -> RGB image [B, h·f, w·f, 3] in [0, 1] (ComfyUI's IMAGE).
  // tiling: latent pixels per tile side and overlap (VAEDecodeTiled); nullopt = whole.
  struct Tiling { int64_t tile, overlap; };
  virtual media::Image decode(const HostTensor& latent, Device& device, std::optional<Tiling> tiling) const = 0;
  // RGB image [B, H, W, 3] in [0, 1], H and W multiples of downscale() -> stored latent
  // (the posterior mean, as ComfyUI's VAEEncode).
  virtual HostTensor encode(const media::Image& image, Device& device) const = 0;
  virtual void release_loaded() const {}      // frees the weights loaded on every device
};

struct VaeValue : Object {
  explicit VaeValue(std::shared_ptr<const ImageAutoencoder> v) : vae(std::move(v)) {}
  std::string_view type() const override { return graph::types::VAE; }
  std::shared_ptr<const ImageAutoencoder> vae;
  void release_loaded() const override { vae->release_loaded(); }
};

// Weights loaded lazily, one copy per device, shared by every node using the handle.
// `load` runs at most once per device (under a lock, so concurrent nodes wait for it).
template <class T>
class PerDevice {
 public:
  std::shared_ptr<const T> get(Device& dev, const std::function<std::shared_ptr<const T>(Device&)>& load) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = loaded_[&dev];
    if (!slot) {
      PhaseTimer t = load_timer(dev);
      slot = load(dev);
      t.done();
    }
    return slot;
  }
  void release() const {
    std::lock_guard<std::mutex> lock(mu_);
    loaded_.clear();
  }

 private:
  mutable std::mutex mu_;
  mutable std::map<Device*, std::shared_ptr<const T>> loaded_;
};

}  // namespace vkflow::nodes
