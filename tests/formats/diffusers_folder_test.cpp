// A diffusers SD1.5 pipeline folder opens as the same model as the single-file checkpoint:
// the folder is written from tests/data/formats/sd15_diffusers/layout.json (made by
// make_layout.py there), each tensor's bytes copied from tests/data/sd15/sd15_tiny.safetensors.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <set>

#include "runtime/core/error.hpp"
#include "runtime/cpu/cpu_device.hpp"
#include "runtime/formats/model_file.hpp"
#include "runtime/formats/safetensors.hpp"
#include "runtime/formats/weight_loader.hpp"
#include "tests/common/paths.hpp"
#include "tests/formats/file_builders.hpp"

using namespace vkflow;
using namespace vkflow::formats;
namespace fs = std::filesystem;

namespace {

const fs::path kSingle = test::data_dir() / "sd15" / "sd15_tiny.safetensors";

nlohmann::json layout() {
  std::ifstream in(test::data_dir() / "formats" / "sd15_diffusers" / "layout.json");
  return nlohmann::json::parse(in);
}

// Writes the folder; `skip` names a component to leave out.
fs::path write_folder(const std::string& name, const std::string& skip = "") {
  const fs::path src = test::data_dir() / "formats" / "sd15_diffusers", dir = test::scratch_dir(name);
  for (const char* rel : {"model_index.json", "unet/config.json", "vae/config.json", "text_encoder/config.json",
                          "scheduler/scheduler_config.json"}) {
    fs::create_directories((dir / rel).parent_path());
    fs::copy_file(src / rel, dir / rel, fs::copy_options::overwrite_existing);
  }
  auto single = SafetensorsFile::open(kSingle);
  const nlohmann::json lay = layout();
  for (auto& [comp, c] : lay["components"].items()) {
    if (comp == skip) continue;
    std::vector<test::RawTensor> ts;
    for (auto& e : c["tensors"]) {
      const TensorInfo& t = single.at(e[1].get<std::string>());
      auto b = single.bytes(t);
      ts.push_back({e[0].get<std::string>(), t.dtype == DType::F16 ? "F16" : "F32",
                    e[2].get<std::vector<int64_t>>(), std::string(b.begin(), b.end())});
    }
    const fs::path file = dir / c["file"].get<std::string>();
    test::write_file(file, c["format"] == "safetensors" ? test::make_safetensors(ts) : test::make_torch_state_dict(ts));
  }
  return dir;
}

}  // namespace

TEST(DiffusersFolder, OffersTheSingleFileWeightsUnderLdmNames) {
  const fs::path dir = write_folder("sd15_diffusers");
  auto folder = ModelFile::open(dir);
  auto single = ModelFile::open(kSingle);
  EXPECT_EQ(folder.format(), "diffusers-folder");
  const Detection& d = folder.detection();
  EXPECT_EQ(d.arch, arch::kSd15);
  EXPECT_EQ(d.layout, "diffusers");
  EXPECT_TRUE(d.supported()) << (d.problems.empty() ? "" : d.problems.front());
  EXPECT_EQ(d.variant["family"], "sd1");
  EXPECT_EQ(d.variant["context_dim"], 16);
  EXPECT_EQ(d.variant["has_vae"], true);
  EXPECT_EQ(d.variant["has_text_encoder"], true);
  EXPECT_EQ(d.variant["components"]["unet"], "unet/diffusion_pytorch_model.fp16.safetensors");
  EXPECT_EQ(d.variant["components"]["text_encoder"], "text_encoder/pytorch_model.bin");
  EXPECT_TRUE(folder.ignored().empty()) << folder.ignored().front();
  // Head counts come from the component configs, as the single file's metadata gives them.
  EXPECT_EQ(folder.metadata()["vkflow.unet.num_heads"], "4");
  EXPECT_EQ(folder.metadata()["vkflow.clip.num_heads"], "2");

  std::set<std::string> ldm_only;
  const nlohmann::json lay = layout();
  for (auto& n : lay["ldm_only"]) ldm_only.insert(n.get<std::string>());
  size_t compared = 0;
  std::vector<uint8_t> s1, s2;
  for (const WeightInfo& w : single.weights()) {
    const WeightInfo* f = folder.find(w.name);
    if (ldm_only.count(w.name)) {
      EXPECT_EQ(f, nullptr) << w.name;
      continue;
    }
    ASSERT_NE(f, nullptr) << w.name;
    EXPECT_EQ(f->dtype, w.dtype) << w.name;
    EXPECT_EQ(f->shape, w.shape) << w.name;
    auto a = single.bytes(w, s1), b = folder.bytes(*f, s2);
    ASSERT_EQ(a.size(), b.size()) << w.name;
    EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size())) << w.name;
    ++compared;
  }
  EXPECT_EQ(compared, folder.weights().size());
  EXPECT_EQ(compared, 684u + 240u + 36u);  // UNet, VAE, text encoder

  // Streaming from the three files gives the same tensors.
  LoadStats st;
  auto loaded = load_weights(folder, cpu::device(), {}, &st);
  EXPECT_EQ(loaded.size(), folder.weights().size());
  const char* probe = "first_stage_model.decoder.mid.attn_1.q.weight";  // a [C,C] linear offered as [C,C,1,1]
  const Tensor& t = loaded.at(probe);
  EXPECT_EQ(t.shape(), single.at(probe).shape);
  auto ref = single.bytes(single.at(probe), s1);
  EXPECT_EQ(0, std::memcmp(t.host_data(), ref.data(), ref.size()));
}

TEST(DiffusersFolder, PrefersFullPrecisionFileAndNeedsTheUnet) {
  const fs::path dir = write_folder("sd15_diffusers_variants", "vae");
  // Both variants present: the full-precision one is what diffusers loads by default.
  fs::copy_file(dir / "unet/diffusion_pytorch_model.fp16.safetensors", dir / "unet/diffusion_pytorch_model.safetensors");
  auto m = ModelFile::open(dir);
  EXPECT_EQ(m.detection().variant["components"]["unet"], "unet/diffusion_pytorch_model.safetensors");
  EXPECT_EQ(m.detection().variant["has_vae"], false);
  EXPECT_EQ(m.find("first_stage_model.decoder.conv_in.weight"), nullptr);

  fs::remove(dir / "unet/diffusion_pytorch_model.safetensors");
  fs::remove(dir / "unet/diffusion_pytorch_model.fp16.safetensors");
  try {
    ModelFile::open(dir);
    FAIL() << "a folder without unet weights must not open";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("no unet weights"), std::string::npos) << e.what();
  }
}
