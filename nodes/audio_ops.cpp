// AudioResample / AudioToMono / AudioGain / AudioNormalize: AUDIO -> AUDIO transforms.
#include <cmath>

#include "nodes/inputs.hpp"
#include "nodes/media_values.hpp"
#include "nodes/node.hpp"
#include "nodes/schema_builders.hpp"
#include "runtime/media/resample.hpp"
#include "scheduler/cancel.hpp"

namespace vkflow::nodes {
namespace {

using graph::InputSpec;
namespace T = graph::types;

const media::Audio& audio_in(RunContext& ctx) { return input_as<AudioValue>(ctx, "audio", T::AUDIO).audio; }
Values audio_out(media::Audio a) { return {{"audio", make_value<AudioValue>(std::move(a))}}; }

Values audio_resample(RunContext& ctx) {
  return audio_out(media::resample(audio_in(ctx), int(input_int(ctx, "sample_rate")), [&](int64_t d, int64_t t) {
    ctx.progress(d, t);
    if (ctx.cancelled()) throw scheduler::Cancelled();
  }));
}

Values audio_to_mono(RunContext& ctx) { return audio_out(media::mix_to_mono(audio_in(ctx))); }

Values audio_gain(RunContext& ctx) {
  media::Audio a = audio_in(ctx);
  media::apply_gain(a, static_cast<float>(std::pow(10.0, input_float(ctx, "gain_db") / 20.0)));
  return audio_out(std::move(a));
}

Values audio_normalize(RunContext& ctx) {
  media::Audio a = audio_in(ctx);
  media::normalize_peak(a, input_float(ctx, "peak_db"));
  return audio_out(std::move(a));
}

NodeDef audio_node(const char* type, const char* description, std::vector<InputSpec> params,
                   std::function<Values(RunContext&)> run) {
  NodeDef d;
  d.schema.type = type;
  d.schema.category = "audio";
  d.schema.description = description;
  d.schema.inputs = {port("audio", T::AUDIO)};
  for (auto& p : params) d.schema.inputs.push_back(std::move(p));
  d.schema.outputs = {output("audio", T::AUDIO)};
  d.run = std::move(run);
  return d;
}

}  // namespace

VKFLOW_REGISTER_NODES(audio_ops) {
  reg.add(audio_node("AudioResample", "Converts the sample rate with libsamplerate (best-quality sinc).",
                     {int_param("sample_rate", 16000, 1000, 384000, "target rate in Hz")},
                     audio_resample));
  reg.add(audio_node("AudioToMono", "Mixes all channels down to one (equal-weight average).", {}, audio_to_mono));
  reg.add(audio_node("AudioGain", "Multiplies every sample by 10^(gain_db/20).",
                     {float_param("gain_db", 0.0, -60.0, 24.0, "gain in dB")},
                     audio_gain));
  reg.add(audio_node("AudioNormalize", "Scales the audio so its peak reaches peak_db dBFS (silence is left alone).",
                     {float_param("peak_db", -1.0, -60.0, 0.0, "target peak in dBFS")},
                     audio_normalize));
}

}  // namespace vkflow::nodes
