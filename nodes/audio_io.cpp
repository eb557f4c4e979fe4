// LoadAudio / SaveAudio: audio files in and out (libsndfile via runtime/media/audio_io).
#include "nodes/inputs.hpp"
#include "nodes/media_values.hpp"
#include "nodes/node.hpp"
#include "nodes/schema_builders.hpp"
#include "runtime/media/audio_io.hpp"

namespace vkflow::nodes {
namespace {

namespace T = graph::types;

Values load_audio(RunContext& ctx) {
  auto path = resolve_input_path(ctx.env, input_string(ctx, "audio"));
  return {{"audio", make_value<AudioValue>(media::read_audio(path))}};
}

Values save_audio(RunContext& ctx) {
  const auto& a = input_as<AudioValue>(ctx, "audio", T::AUDIO).audio;
  auto fmt = media::parse_audio_format(input_string(ctx, "format"));
  auto path = next_output_path(ctx.env.out_dir, input_string(ctx, "filename_prefix"), media::extension(fmt));
  media::write_audio(path, a, fmt);
  ctx.wrote_file(path);
  return {};
}

}  // namespace

VKFLOW_REGISTER_NODES(audio_io) {
  NodeDef load;
  load.schema.type = "LoadAudio";
  load.schema.category = "audio";
  load.schema.description = "Reads an audio file (wav, flac, ogg, aiff, ... through libsndfile) as float channels.";
  load.schema.inputs = {path_param("audio", "path of the audio file (relative: current folder, then the workflow's folder)")};
  load.schema.outputs = {output("audio", T::AUDIO, "float samples per channel with the file's sample rate")};
  load.schema.comfy_class_types = {"LoadAudio"};
  load.run = load_audio;
  reg.add(std::move(load));

  NodeDef save;
  save.schema.type = "SaveAudio";
  save.schema.category = "audio";
  save.schema.description = "Writes <out>/<prefix>_NNNNN_.<format>: wav (16-bit PCM), flac (16-bit) or ogg (Vorbis).";
  save.schema.inputs = {
      port("audio", T::AUDIO),
      string_param("filename_prefix", "audio/vkflow", "file name prefix; may include subfolders of the output folder"),
      choice_param("format", "flac", {"wav", "flac", "ogg"})};
  save.schema.output_node = true;
  save.schema.comfy_class_types = {"SaveAudio"};
  save.run = save_audio;
  reg.add(std::move(save));
}

}  // namespace vkflow::nodes
