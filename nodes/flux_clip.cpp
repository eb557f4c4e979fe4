#include "nodes/flux_clip.hpp"

#include "nodes/node_timing.hpp"
#include "nodes/sd15_handles.hpp"  // weighted_chunk_conditioning
#include "runtime/models/clip/clip_text.hpp"
#include "runtime/models/t5/t5_encoder.hpp"
#include "runtime/models/t5/t5_streaming.hpp"
#include "runtime/text/weighted_chunks.hpp"

namespace vkflow::nodes {

// T5-XXL tokens in ComfyUI's FluxTokenizer: padded with <pad> to at least 256.
constexpr size_t kT5MinLength = 256;

struct FluxTextEncoder::Loaded {
  PerDevice<models::ClipTextModel> clip;
  PerDevice<models::T5Encoder> t5;
  PerDevice<models::T5StreamingEncoder> t5_streamed;
};

FluxTextEncoder::FluxTextEncoder(FilePtr clip_l, FilePtr t5xxl)
    : clip_l_(std::move(clip_l)), t5_(std::move(t5xxl)), loaded_(std::make_unique<Loaded>()) {}

FluxTextEncoder::~FluxTextEncoder() = default;

std::string FluxTextEncoder::source() const { return clip_l_->describe() + " + " + t5_->describe(); }

void FluxTextEncoder::release_loaded() const {
  loaded_->clip.release();
  loaded_->t5.release();
  loaded_->t5_streamed.release();
}

ConditioningEntry FluxTextEncoder::encode(std::string_view text, int, Device& dev) const {
  return encode_dual(text, text, dev, {});
}

ConditioningEntry FluxTextEncoder::encode_dual(std::string_view clip_text, std::string_view t5_text, Device& dev,
                                               const Options& opt) const {
  ConditioningEntry e;
  {  // CLIP-L: the first chunk's pooled output (ComfyUI keeps pooled[0:1]; the states are unused).
    PhaseTimer timer("clip_l", &dev);
    auto clip = loaded_->clip.get(dev, [&](Device& d) {
      return std::make_shared<const models::ClipTextModel>(*clip_l_, d, models::ClipTextModel::prefix_in(*clip_l_));
    });
    const auto chunks = text::clip_tokenize_with_weights(text::ClipTokenizer::embedded(), clip_text);
    std::vector<int64_t> ids;
    for (const auto& t : chunks.front()) ids.push_back(t.id);
    const models::ClipTextOutput o = clip->encode(ids, 1);
    e.pooled = HostTensor{o.pooled.shape(), o.pooled.to_f32()};
    timer.done();
  }
  // T5: one sequence; with weights != 1 the empty prompt (</s> then <pad>) is encoded alongside.
  const auto tokens = text::t5_tokenize_with_weights(text::T5Tokenizer::embedded(), t5_text, kT5MinLength);
  std::vector<int64_t> ids;
  std::vector<double> weights;
  bool weighted = false;
  for (const auto& t : tokens) {
    ids.push_back(t.id);
    weights.push_back(t.weight);
    weighted = weighted || t.weight != 1.0;
  }
  const int64_t len = static_cast<int64_t>(ids.size());
  if (weighted) {
    ids.push_back(text::T5Tokenizer::kEos);
    ids.insert(ids.end(), len - 1, text::T5Tokenizer::kPad);
  }
  const int64_t rows = weighted ? 2 : 1;
  PhaseTimer timer("t5", &dev);  // streamed weights: their copies are part of the pass
  Tensor z;
  if (opt.stream_t5 && dev.kind() != DeviceKind::Cpu) {
    auto t5 = loaded_->t5_streamed.get(dev, [&](Device& d) {
      return std::make_shared<const models::T5StreamingEncoder>(*t5_, d, models::t5_prefix_in(*t5_));
    });
    z = t5->encode(ids, rows);
  } else {
    auto t5 = loaded_->t5.get(dev, [&](Device& d) {
      return std::make_shared<const models::T5Encoder>(*t5_, d, models::t5_prefix_in(*t5_));
    });
    z = t5->encode(ids, rows);
  }
  e.cross_attn = weighted_chunk_conditioning(z.to_f32(), rows, len, z.dim(2), {weights});
  timer.done();
  return e;
}

FluxTextEncoder::Options flux_text_options(const nlohmann::json& o) {
  FluxTextEncoder::Options opt;
  if (o.is_object() && o.contains("stream_weights") && o["stream_weights"].is_boolean()) opt.stream_t5 = o["stream_weights"].get<bool>();
  return opt;
}

std::shared_ptr<const FluxTextEncoder> open_flux_dual_clip(const std::filesystem::path& a, const std::filesystem::path& b) {
  FluxTextEncoder::FilePtr clip, t5;
  const std::pair<const std::filesystem::path*, const char*> files[] = {{&a, "clip_name1"}, {&b, "clip_name2"}};
  for (const auto& [path, input] : files) {
    std::error_code ec;
    if (!std::filesystem::exists(*path, ec)) throw Error(std::string("input '") + input + "': text encoder not found: " + path->string());
    FluxTextEncoder::FilePtr f;
    try {
      f = std::make_shared<const formats::ModelFile>(formats::ModelFile::open(*path));
    } catch (const FormatError& err) {
      throw FormatError(std::string("input '") + input + "'", err.what());
    }
    const auto& d = f->detection();
    const std::string what = d.arch + (d.layout.empty() ? "" : ", layout " + d.layout);
    if (!d.problems.empty()) throw FormatError(std::string("input '") + input + "'", path->string() + ": " + d.problems.front());
    auto& slot = d.arch == formats::arch::kClip ? clip : d.arch == formats::arch::kT5 ? t5 : clip;
    if (d.arch != formats::arch::kClip && d.arch != formats::arch::kT5)
      throw FormatError(std::string("input '") + input + "'",
                        path->string() + " is neither a CLIP-L nor a T5 text encoder (detected " + what + ")");
    if (slot)
      throw FormatError(std::string("input '") + input + "'",
                        "both files are " + std::string(d.arch == formats::arch::kClip ? "CLIP" : "T5") +
                            " encoders; type flux needs one clip_l and one t5xxl");
    slot = std::move(f);
  }
  return std::make_shared<const FluxTextEncoder>(clip, t5);
}

}  // namespace vkflow::nodes
