#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "runtime/core/error.hpp"
#include "runtime/formats/model_file.hpp"
#include "runtime/formats/pickle.hpp"
#include "runtime/formats/torch_checkpoint.hpp"
#include "tests/common/paths.hpp"

using namespace vkflow;
using namespace vkflow::formats;

TEST(Pickle, ZipAndLegacyLayoutsGiveTheSameTensors) {
  for (const char* f : {"tiny_zip.pth", "tiny_legacy.pt"}) {
    auto c = TorchCheckpoint::open(test::data_dir() / "formats/pickled" / f);
    EXPECT_EQ(c->format(), std::string(f).ends_with(".pt") ? "pytorch-legacy" : "pytorch-zip");
    EXPECT_EQ(c->metadata()["sr"], "40k");
    EXPECT_EQ(c->metadata()["config"], nlohmann::json::parse(R"([1,2,"x",[3,4]])"));
    EXPECT_EQ(c->read_f32(c->at("dec.ups.0.weight_g")), (std::vector<float>{1, 2}));
    EXPECT_EQ(c->read_f32(c->at("dec.ups.0.weight_v")), (std::vector<float>{3, 4, 5, 6}));
    EXPECT_EQ(c->at("enc_p.emb_phone.weight").dtype, DType::F16);
    // Weight norm over dim 0: row o = g[o] * v[o] / |v[o]|.
    auto m = ModelFile::from_source(std::move(c));
    auto w = m.read_f32("dec.ups.0.weight");
    ASSERT_EQ(w.size(), 4u);
    EXPECT_FLOAT_EQ(w[0], 1 * 3 / 5.0f);
    EXPECT_FLOAT_EQ(w[1], 1 * 4 / 5.0f);
    EXPECT_FLOAT_EQ(w[2], 2 * 5 / std::sqrt(61.0f));
    EXPECT_FLOAT_EQ(w[3], 2 * 6 / std::sqrt(61.0f));
  }
}

TEST(Pickle, ProtocolsFourAndFiveParseLikeTwo) {
  auto load = [](const char* f) {
    std::ifstream in(test::data_dir() / "formats/pickled" / f, std::ios::binary);
    std::string b((std::istreambuf_iterator<char>(in)), {});
    auto r = pickle::load({reinterpret_cast<const uint8_t*>(b.data()), b.size()}, f);
    return pickle::to_json(r, r.root);
  };
  std::vector<nlohmann::json> seen = {load("pickle_p4.pkl"), load("pickle_p5.pkl")};
  EXPECT_EQ(seen[0], seen[1]);
  // Protocol 0 writes persistent ids as text (PERSID), which torch.save never does: refused.
  try {
    load("pickle_p0.pkl");
    ADD_FAILURE() << "protocol-0 persistent id accepted";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("PERSID"), std::string::npos);
  }
  EXPECT_EQ(seen[0]["weight"]["dec.ups.0.weight_v"], "<tensor [2, 2, 1]>");
  EXPECT_EQ(seen[0]["version"], "v2");
}
