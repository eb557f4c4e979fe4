#include "runtime/media/audio_io.hpp"

#include <sndfile.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "runtime/core/atomic_write.hpp"
#include "runtime/core/error.hpp"

namespace vkflow::media {
namespace {

struct SndCloser {
  void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndPtr = std::unique_ptr<SNDFILE, SndCloser>;

// libsndfile virtual I/O over a growable in-memory buffer, so encoded bytes can be written
// atomically by atomic_write (sndfile seeks back to patch headers, so a stream won't do).
struct MemFile {
  std::string data;
  sf_count_t pos = 0;
};
sf_count_t mem_len(void* u) { return static_cast<MemFile*>(u)->data.size(); }
sf_count_t mem_seek(sf_count_t off, int whence, void* u) {
  auto* m = static_cast<MemFile*>(u);
  sf_count_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? m->pos : sf_count_t(m->data.size());
  m->pos = std::max<sf_count_t>(0, base + off);
  return m->pos;
}
sf_count_t mem_read(void* dst, sf_count_t n, void* u) {
  auto* m = static_cast<MemFile*>(u);
  sf_count_t avail = std::max<sf_count_t>(0, sf_count_t(m->data.size()) - m->pos);
  n = std::min(n, avail);
  std::memcpy(dst, m->data.data() + m->pos, n);
  m->pos += n;
  return n;
}
sf_count_t mem_write(const void* src, sf_count_t n, void* u) {
  auto* m = static_cast<MemFile*>(u);
  if (m->pos + n > sf_count_t(m->data.size())) m->data.resize(m->pos + n);
  std::memcpy(m->data.data() + m->pos, src, n);
  m->pos += n;
  return n;
}
sf_count_t mem_tell(void* u) { return static_cast<MemFile*>(u)->pos; }

int sf_format(AudioFormat f) {
  switch (f) {
    case AudioFormat::Wav: return SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    case AudioFormat::Flac: return SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
    case AudioFormat::Ogg: return SF_FORMAT_OGG | SF_FORMAT_VORBIS;
  }
  return 0;
}

}  // namespace

AudioFormat parse_audio_format(const std::string& s) {
  if (s == "wav") return AudioFormat::Wav;
  if (s == "flac") return AudioFormat::Flac;
  if (s == "ogg") return AudioFormat::Ogg;
  throw Error("unknown audio format '" + s + "' (expected wav, flac or ogg)");
}

const char* extension(AudioFormat f) {
  switch (f) {
    case AudioFormat::Wav: return "wav";
    case AudioFormat::Flac: return "flac";
    case AudioFormat::Ogg: return "ogg";
  }
  return "";
}

Audio read_audio(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw FormatError(path.string(), "cannot open the file (not found)");
  SF_INFO info{};
  SndPtr f(sf_open(path.c_str(), SFM_READ, &info));
  if (!f) throw FormatError(path.string(), std::string("not a readable audio file: ") + sf_strerror(nullptr));
  if (info.channels <= 0 || info.samplerate <= 0)
    throw FormatError(path.string(), "audio header has no channels or no sample rate");
  std::vector<float> inter(size_t(info.frames) * info.channels);
  sf_count_t got = sf_readf_float(f.get(), inter.data(), info.frames);
  if (got < 0 || (got < info.frames && sf_error(f.get())))
    throw FormatError(path.string(), std::string("read failed: ") + sf_strerror(f.get()));
  Audio a;
  a.sample_rate = info.samplerate;
  a.channels.assign(info.channels, std::vector<float>(size_t(got)));
  for (sf_count_t i = 0; i < got; ++i)
    for (int c = 0; c < info.channels; ++c) a.channels[c][i] = inter[size_t(i) * info.channels + c];
  return a;
}

std::string encode_audio(const Audio& a, AudioFormat fmt) {
  check_audio(a, "encode_audio");
  SF_INFO info{};
  info.samplerate = a.sample_rate;
  info.channels = a.num_channels();
  info.format = sf_format(fmt);
  if (!sf_format_check(&info))
    throw Error(std::string("libsndfile cannot write ") + extension(fmt) + " with " +
                std::to_string(info.channels) + " channels at " + std::to_string(info.samplerate) + " Hz");
  MemFile mem;
  SF_VIRTUAL_IO vio{mem_len, mem_seek, mem_read, mem_write, mem_tell};
  {
    SndPtr f(sf_open_virtual(&vio, SFM_WRITE, &info, &mem));
    if (!f) throw Error(std::string("libsndfile: cannot start encoding: ") + sf_strerror(nullptr));
    // Integer formats clip; without this, float->int conversion wraps around on overs.
    sf_command(f.get(), SFC_SET_CLIPPING, nullptr, SF_TRUE);
    const int64_t frames = a.frames();
    const int ch = a.num_channels();
    constexpr int64_t kBlock = 8192;
    std::vector<float> inter(size_t(kBlock) * ch);
    for (int64_t start = 0; start < frames; start += kBlock) {
      int64_t n = std::min(kBlock, frames - start);
      for (int64_t i = 0; i < n; ++i)
        for (int c = 0; c < ch; ++c) inter[size_t(i) * ch + c] = a.channels[c][start + i];
      if (sf_writef_float(f.get(), inter.data(), n) != n)
        throw Error(std::string("libsndfile: write failed: ") + sf_strerror(f.get()));
    }
  }  // sf_close finalises headers into `mem`
  return std::move(mem.data);
}

void write_audio(const std::filesystem::path& path, const Audio& a, AudioFormat f) {
  atomic_write(path, encode_audio(a, f));
}

}  // namespace vkflow::media
