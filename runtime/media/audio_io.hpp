#pragma once
// Audio files through libsndfile: reads anything it knows (wav, flac, ogg/vorbis, aiff, ...)
// into float planar channels; writes wav (16-bit PCM or float), flac (16-bit) and ogg
// (vorbis) atomically. Unreadable or malformed files -> FormatError naming the file.
#include <filesystem>
#include <string>

#include "runtime/media/audio.hpp"

namespace vkflow::media {

enum class AudioFormat { Wav, Flac, Ogg };
// "wav" / "flac" / "ogg" -> format; throws Error naming the value otherwise.
AudioFormat parse_audio_format(const std::string& s);
const char* extension(AudioFormat f);  // "wav", "flac", "ogg"

Audio read_audio(const std::filesystem::path& path);
// Encodes to bytes in memory (samples beyond [-1, 1] are clipped for the integer formats).
std::string encode_audio(const Audio& a, AudioFormat f);
// encode_audio + atomic_write.
void write_audio(const std::filesystem::path& path, const Audio& a, AudioFormat f);

}  // namespace vkflow::media
