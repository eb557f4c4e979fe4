#include "nodes/vae_handle.hpp"

#include "runtime/models/vae/autoencoder_kl.hpp"
#include "runtime/models/vae/vae_tiled.hpp"
#include "runtime/ops/unary.hpp"

namespace vkflow::nodes {
namespace {

using FilePtr = std::shared_ptr<const formats::ModelFile>;

Tensor to_device(Device& dev, const HostTensor& t) { return Tensor::from_f32(dev, t.shape, t.data); }

class LdmVae final : public ImageAutoencoder {
 public:
  explicit LdmVae(FilePtr f)
      : file_(std::move(f)),
        prefix_(models::AutoencoderKL::prefix_in(*file_)),
        channels_(file_->at(prefix_ + "decoder.conv_in.weight").shape.at(1)) {}
  std::string source() const override { return file_->describe(); }
  int64_t downscale() const override { return 8; }
  int64_t latent_channels() const override { return channels_; }
  void release_loaded() const override {
    decoders_.release();
    encoders_.release();
  }

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
  int64_t channels_;
  PerDevice<models::AutoencoderKL> decoders_, encoders_;
};

}  // namespace

std::shared_ptr<const ImageAutoencoder> make_ldm_vae(std::shared_ptr<const formats::ModelFile> file) {
  return std::make_shared<const LdmVae>(std::move(file));
}

std::shared_ptr<const ImageAutoencoder> open_vae_file(const std::filesystem::path& path) {
  auto file = std::make_shared<const formats::ModelFile>(formats::ModelFile::open(path));
  const auto& arch = file->detection().arch;
  if (arch != formats::arch::kSdVae && arch != formats::arch::kFluxAe && arch != formats::arch::kSd15)
    throw FormatError(path.string(), "not a VAE (detected " + arch + "); expected an SD VAE, the FLUX ae.safetensors or an SD1.x checkpoint");
  if (!file->find(models::AutoencoderKL::prefix_in(*file) + "decoder.conv_in.weight"))
    throw FormatError(path.string(), "the VAE has no decoder");
  return make_ldm_vae(std::move(file));
}

}  // namespace vkflow::nodes
