#include "runtime/formats/whisper_bin.hpp"

#include <unordered_set>

#include "runtime/core/error.hpp"
#include "runtime/formats/byte_reader.hpp"
#include "runtime/formats/gguf.hpp"

namespace vkflow::formats {
namespace {
constexpr uint32_t kMagic = 0x67676d6c;  // "lmgg" on disk: ggml's GGML_FILE_MAGIC

void check_range(ByteReader& r, const char* name, int32_t v, int32_t lo, int32_t hi) {
  if (v < lo || v > hi)
    r.fail(std::string("hparam ") + name + " = " + std::to_string(v) + " is outside [" + std::to_string(lo) + ", " +
           std::to_string(hi) + "]");
}
}  // namespace

bool is_whisper_bin(std::span<const uint8_t> head) {
  return head.size() >= 4 && head[0] == 0x6c && head[1] == 0x6d && head[2] == 0x67 && head[3] == 0x67;
}

std::unique_ptr<WhisperBinFile> WhisperBinFile::open(const std::filesystem::path& path) {
  auto f = std::unique_ptr<WhisperBinFile>(new WhisperBinFile());
  f->file_ = MappedFile::open(path);
  const std::string where = path.string();
  ByteReader r(f->file_->range(0, f->file_->size(), "file"), where);
  if (r.get<uint32_t>("magic") != kMagic) r.fail("not a whisper.cpp ggml file (bad magic)");
  auto& h = f->hp_;
  int32_t* fields[] = {&h.n_vocab, &h.n_audio_ctx, &h.n_audio_state, &h.n_audio_head, &h.n_audio_layer, &h.n_text_ctx,
                       &h.n_text_state, &h.n_text_head, &h.n_text_layer, &h.n_mels, &h.ftype};
  const char* names[] = {"n_vocab", "n_audio_ctx", "n_audio_state", "n_audio_head", "n_audio_layer", "n_text_ctx",
                         "n_text_state", "n_text_head", "n_text_layer", "n_mels", "ftype"};
  for (int i = 0; i < 11; ++i) *fields[i] = r.get<int32_t>(names[i]);
  check_range(r, "n_vocab", h.n_vocab, 1, 1 << 20);
  check_range(r, "n_audio_ctx", h.n_audio_ctx, 1, 1 << 16);
  check_range(r, "n_audio_state", h.n_audio_state, 1, 1 << 16);
  check_range(r, "n_audio_head", h.n_audio_head, 1, 1024);
  check_range(r, "n_audio_layer", h.n_audio_layer, 1, 1024);
  check_range(r, "n_text_ctx", h.n_text_ctx, 1, 1 << 16);
  check_range(r, "n_text_state", h.n_text_state, 1, 1 << 16);
  check_range(r, "n_text_head", h.n_text_head, 1, 1024);
  check_range(r, "n_text_layer", h.n_text_layer, 1, 1024);
  check_range(r, "n_mels", h.n_mels, 1, 1024);
  check_range(r, "ftype", h.ftype, 0, 1 << 20);
  if (h.n_audio_state % h.n_audio_head || h.n_text_state % h.n_text_head) r.fail("hparams: state is not divisible by heads");
  for (int i = 0; i < 11; ++i) f->metadata_[names[i]] = *fields[i];

  // Mel filter bank.
  int32_t n_mel = r.get<int32_t>("mel filters n_mel"), n_fft = r.get<int32_t>("mel filters n_fft");
  if (n_mel != h.n_mels) r.fail("mel filters: n_mel " + std::to_string(n_mel) + " differs from hparam n_mels " + std::to_string(h.n_mels));
  if (n_fft < 1 || n_fft > 65536) r.fail("mel filters: n_fft " + std::to_string(n_fft) + " is implausible");
  TensorInfo mel{"mel_filters", DType::F32, {n_mel, n_fft}, r.file_pos(), uint64_t(n_mel) * n_fft * 4};
  r.skip(mel.nbytes, "mel filters");
  f->tensors_.push_back(mel);

  // Vocabulary.
  int32_t n_tok = r.get<int32_t>("vocab size");
  if (n_tok < 0 || n_tok > h.n_vocab) r.fail("vocab: " + std::to_string(n_tok) + " tokens but n_vocab is " + std::to_string(h.n_vocab));
  f->vocab_.reserve(static_cast<size_t>(std::min<uint64_t>(n_tok, r.remaining() / 4)));
  for (int32_t i = 0; i < n_tok; ++i) {
    uint32_t len = r.get<uint32_t>("vocab token length");
    if (len > 1024) r.fail("vocab token " + std::to_string(i) + ": length " + std::to_string(len) + " is implausible");
    f->vocab_.emplace_back(r.str(len, "vocab token"));
  }
  f->metadata_["n_vocab_tokens_in_file"] = n_tok;

  // Tensors until the end of the file.
  std::unordered_set<std::string> seen{"mel_filters"};
  while (r.remaining() > 0) {
    int32_t nd = r.get<int32_t>("tensor n_dims"), name_len = r.get<int32_t>("tensor name length");
    int32_t ttype = r.get<int32_t>("tensor type");
    if (nd < 1 || nd > 4) r.fail("tensor " + std::to_string(f->tensors_.size()) + ": n_dims " + std::to_string(nd));
    if (name_len < 1 || name_len > 256) r.fail("tensor name length " + std::to_string(name_len) + " is implausible");
    std::vector<int64_t> ne(nd);
    for (auto& d : ne) {
      int32_t v = r.get<int32_t>("tensor dimension");
      if (v < 1) r.fail("tensor dimension " + std::to_string(v) + " is not positive");
      d = v;
    }
    TensorInfo t;
    t.name = std::string(r.str(name_len, "tensor name"));
    const std::string tw = where + ": tensor '" + t.name + "'";
    if (!seen.insert(t.name).second) throw FormatError(tw, "name appears twice");
    auto dt = ttype >= 0 ? dtype_from_ggml(static_cast<uint32_t>(ttype)) : std::nullopt;
    if (!dt) throw FormatError(tw, "ggml type " + ggml_type_name(static_cast<uint32_t>(ttype)) + " is not supported");
    t.dtype = *dt;
    t.shape.assign(ne.rbegin(), ne.rend());
    const auto& info = dtype_info(t.dtype);
    if (ne[0] % info.block_elems) throw FormatError(tw, "row length is not a multiple of the block size");
    uint64_t n = checked_numel(t.shape, tw);
    t.nbytes = n / info.block_elems * info.block_bytes;
    t.offset = r.file_pos();
    r.skip(t.nbytes, ("tensor '" + t.name + "' data").c_str());
    f->tensors_.push_back(std::move(t));
  }
  f->metadata_["n_tensors"] = f->tensors_.size() - 1;
  return f;
}

}  // namespace vkflow::formats
