// A quantized whisper.cpp .bin (the fixture's f16 file with its matrices re-encoded as Q8_0,
// written here the way whisper.cpp's quantize tool lays the file out) loads through
// WhisperLoader's path and keeps the encoder and greedy decode close to the f16 model.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>

#include "runtime/core/convert.hpp"
#include "runtime/formats/whisper_bin.hpp"
#include "runtime/models/whisper/whisper_decoding.hpp"
#include "runtime/models/whisper/whisper_vocab.hpp"
#include "tests/common/devices.hpp"
#include "tests/whisper/whisper_fixture.hpp"

namespace vkflow::test {
namespace {

constexpr uint32_t kGgmlQ8_0 = 8, kGgmlF16 = 1, kGgmlF32 = 0;

// ggml's block_q8_0: an f16 scale d = max|x| / 127, then 32 int8 round(x / d).
void quantize_q8_0(const std::vector<float>& x, std::string& out) {
  for (size_t b = 0; b < x.size(); b += 32) {
    float amax = 0;
    for (size_t i = 0; i < 32; ++i) amax = std::max(amax, std::fabs(x[b + i]));
    const float d = amax / 127.0f, id = d != 0 ? 1.0f / d : 0.0f;
    const uint16_t h = f32_to_f16(d);
    out.append(reinterpret_cast<const char*>(&h), 2);
    for (size_t i = 0; i < 32; ++i) out.push_back(static_cast<char>(static_cast<int8_t>(std::lround(x[b + i] * id))));
  }
}

template <class T>
void put(std::string& s, T v) { s.append(reinterpret_cast<const char*>(&v), sizeof v); }

// The .bin's header (hparams, mel filters, vocabulary) as is; every linear weight as Q8_0.
std::filesystem::path write_q8_0_bin() {
  const auto src = whisper_tiny_bin();
  const auto bin = formats::WhisperBinFile::open(src);
  std::ifstream in(src, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  // The tensor section starts at the first tensor's record: n_dims, name length, type, ne[], name.
  const formats::TensorInfo* first = nullptr;
  for (const auto& t : bin->tensors())
    if (t.name != "mel_filters") {
      first = &t;
      break;
    }
  std::string out = bytes.substr(0, first->offset - 12 - 4 * first->shape.size() - first->name.size());
  const formats::ModelFile m = formats::ModelFile::open(src);
  for (const auto& t : bin->tensors()) {
    if (t.name == "mel_filters") continue;
    const bool quantize = t.shape.size() == 2 && t.shape[1] % 32 == 0 && t.name.ends_with(".weight") &&
                          t.name.find("positional") == std::string::npos;
    put<int32_t>(out, static_cast<int32_t>(t.shape.size()));
    put<int32_t>(out, static_cast<int32_t>(t.name.size()));
    put<int32_t>(out, static_cast<int32_t>(quantize ? kGgmlQ8_0 : t.dtype == DType::F16 ? kGgmlF16 : kGgmlF32));
    for (auto it = t.shape.rbegin(); it != t.shape.rend(); ++it) put<int32_t>(out, static_cast<int32_t>(*it));
    out += t.name;
    if (quantize) {
      // The stored name is whisper.cpp's; read the values through the raw tensor bytes.
      std::vector<float> f(static_cast<size_t>(t.nbytes / 2));
      const uint8_t* p = reinterpret_cast<const uint8_t*>(bytes.data()) + t.offset;
      for (size_t i = 0; i < f.size(); ++i) {
        uint16_t h;
        std::memcpy(&h, p + 2 * i, 2);
        f[i] = f16_to_f32(h);
      }
      if (t.dtype != DType::F16) throw std::runtime_error(t.name + ": expected f16 in the fixture");
      quantize_q8_0(f, out);
    } else {
      out.append(bytes, t.offset, t.nbytes);
    }
  }
  const auto path = scratch_dir("whisper_q8_0") / "ggml-model-q8_0.bin";
  std::ofstream(path, std::ios::binary).write(out.data(), static_cast<std::streamsize>(out.size()));
  return path;
}

TEST(WhisperQuantized, Q8_0BinLoadsAndStaysCloseToF16) {
  const std::filesystem::path path = write_q8_0_bin();
  const formats::ModelFile q = formats::ModelFile::open(path);
  EXPECT_EQ(q.at("decoder.blocks.0.mlp.0.weight").dtype, DType::Q8_0);
  EXPECT_EQ(q.at("encoder.positional_embedding").dtype, DType::F32);
  Device& cpu = *test_devices().front();
  const auto m = models::whisper::WhisperModel::load(q, cpu);
  const Tensor enc = m.encode(Tensor::from_f32(cpu, {80, 3000}, whisper_mel_short()));
  const auto want = whisper_io().read_f32("encoder_out_short");
  EXPECT_LT(max_abs_diff(enc.to_f32(), want), 0.05 * max_abs(want));
  models::whisper::DecodingOptions opt;
  opt.without_timestamps = true;
  opt.sample_len = 3;
  const auto r = models::whisper::decode(m, enc, *models::whisper::tokenizer_for(q, path), opt);
  EXPECT_EQ(r.tokens.size(), 3u);
}

}  // namespace
}  // namespace vkflow::test
