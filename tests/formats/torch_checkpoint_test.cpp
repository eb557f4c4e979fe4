#include <gtest/gtest.h>

#include "runtime/core/error.hpp"
#include "runtime/formats/model_file.hpp"
#include "runtime/formats/safetensors.hpp"
#include "runtime/formats/torch_checkpoint.hpp"
#include "tests/common/paths.hpp"

using namespace vkflow;
using namespace vkflow::formats;

TEST(TorchCheckpoint, RvcVoicesV1AndV2) {
  for (auto [file, version, phone] : {std::tuple{"rvc_tiny_v1_40k.pth", "v1", 256}, {"rvc_tiny_v2_40k.pth", "v2", 768}}) {
    auto c = TorchCheckpoint::open(test::data_dir() / "formats" / file);
    EXPECT_EQ(c->format(), "pytorch-zip");
    EXPECT_EQ(c->metadata()["_weights_under"], "weight");
    EXPECT_EQ(c->metadata()["sr"], "40k");
    EXPECT_EQ(c->metadata()["version"], version);
    EXPECT_EQ(c->metadata()["config"].size(), 18u);
    EXPECT_TRUE(c->problems().empty());
    const TensorInfo& emb = c->at("enc_p.emb_phone.weight");
    EXPECT_EQ(emb.dtype, DType::F16);
    EXPECT_EQ(emb.shape, (Shape{16, phone}));

    auto m = ModelFile::open(test::data_dir() / "formats" / file);
    EXPECT_EQ(m.detection().arch, arch::kRvc);
    EXPECT_EQ(m.detection().variant["version"], version);
    EXPECT_EQ(m.detection().variant["f0"], true);
    // Weight norm is folded: dec.ups.0.weight exists, weight_g/weight_v do not.
    const WeightInfo& up = m.at("dec.ups.0.weight");
    EXPECT_EQ(up.kind, WeightInfo::Kind::FoldWeightNorm);
    EXPECT_EQ(up.dtype, DType::F32);
    EXPECT_EQ(m.find("dec.ups.0.weight_g"), nullptr);
    // Each output channel's (dim 0) norm equals |g|.
    auto w = m.read_f32("dec.ups.0.weight");
    auto g = c->read_f32(c->at("dec.ups.0.weight_g"));
    int64_t per = static_cast<int64_t>(w.size()) / up.shape[0];
    for (int64_t o = 0; o < up.shape[0]; ++o) {
      double s = 0;
      for (int64_t i = 0; i < per; ++i) s += double(w[o * per + i]) * w[o * per + i];
      EXPECT_NEAR(std::sqrt(s), std::fabs(g[o]), 1e-3 * std::fabs(g[o]) + 1e-6);
    }
  }
}

TEST(TorchCheckpoint, RvcPthMatchesItsSafetensorsTwin) {
  // The fixture stores the same fp16 weights as .pth and .safetensors: every byte must agree.
  auto pth = TorchCheckpoint::open(test::data_dir() / "formats/rvc_tiny_v1_40k.pth");
  auto st = SafetensorsFile::open(test::data_dir() / "formats/rvc_tiny_v1_40k.safetensors");
  ASSERT_EQ(pth->tensors().size(), st.tensors().size());
  for (auto& t : st.tensors()) {
    const TensorInfo& p = pth->at(t.name);
    EXPECT_EQ(p.shape, t.shape) << t.name;
    EXPECT_EQ(p.dtype, t.dtype) << t.name;
    auto a = pth->bytes(p), b = st.bytes(t);
    ASSERT_EQ(a.size(), b.size()) << t.name;
    EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size())) << t.name;
  }
}

TEST(TorchCheckpoint, RmvpeAndContentVec) {
  auto r = ModelFile::open(test::data_dir() / "formats/rmvpe_tiny.pt");
  EXPECT_EQ(r.detection().arch, arch::kRmvpe);
  EXPECT_EQ(r.at("fc.1.weight").shape, (Shape{360, 128}));
  EXPECT_EQ(r.at("unet.encoder.bn.num_batches_tracked").dtype, DType::I64);

  auto h = ModelFile::open(test::data_dir() / "formats/contentvec_tiny");
  EXPECT_EQ(h.detection().arch, arch::kHubert);
  EXPECT_EQ(h.detection().variant["hidden_size"], 32);
  EXPECT_EQ(h.detection().variant["final_proj_dim"], 16);
  EXPECT_TRUE(h.metadata().contains("config"));
  const WeightInfo& pos = h.at("encoder.pos_conv_embed.conv.weight");  // folded over dim 2
  EXPECT_EQ(pos.kind, WeightInfo::Kind::FoldWeightNorm);
  EXPECT_EQ(pos.shape.size(), 3u);
  EXPECT_EQ(h.read_f32("encoder.pos_conv_embed.conv.weight").size(), static_cast<size_t>(numel(pos.shape)));
}
