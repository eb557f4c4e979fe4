#include "nodes/media_estimates.hpp"

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "nodes/inputs.hpp"
#include "nodes/run_context.hpp"

namespace vkflow::nodes {
namespace {

using nlohmann::json;

std::filesystem::path input_path(const EstimateContext& ctx, const char* name) {
  const json& v = ctx.inputs.contains(name) ? ctx.inputs[name] : json();
  if (!v.is_string()) return {};
  RunEnv env;
  env.workflow = ctx.workflow;
  return resolve_input_path(env, v.get<std::string>());
}

// PNG: signature, then the IHDR chunk with big-endian width and height.
json png_shape(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  unsigned char b[24] = {};
  if (!f || !f.read(reinterpret_cast<char*>(b), 24) || std::string(reinterpret_cast<char*>(b + 12), 4) != "IHDR")
    return json();
  auto be = [&](int o) { return (int64_t{b[o]} << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]; };
  return json::array({1, be(20), be(16), 3});
}

uint64_t image_bytes(const json& shape) {
  if (!shape.is_array() || shape.size() != 4) return 0;
  uint64_t n = 4;
  for (const auto& d : shape) n *= d.get<uint64_t>();
  return n;
}

json audio_meta(const json& in) { return in.is_object() ? in : json(); }
uint64_t audio_bytes(const json& a) {
  if (!a.is_object() || !a.contains("frames")) return 0;
  return a["frames"].get<uint64_t>() * a["channels"].get<uint64_t>() * 4;
}

// A node reading `in` bytes and producing `out` bytes with `scratch` bytes of workspace. Its
// input and output are counted by the planner as live outputs (output_bytes), so the node's
// own peak is only the scratch. All of it is plain host memory (std::vector), not allocated
// through a Device: it goes in host_peak_bytes, and the allocator-accounted peak is 0.
Estimate buffers(const EstimateContext& ctx, uint64_t in, uint64_t out, uint64_t scratch, const char* port, json meta) {
  Estimate e;
  Footprint f;
  f.device = ctx.target;
  f.host_peak_bytes = scratch;
  f.largest_alloc = std::max({in, out, scratch});
  f.flops = static_cast<double>(in + out);
  f.bytes_moved = static_cast<double>(in + out);
  e.variants.push_back(f);
  if (port) e.outputs[port] = std::move(meta);
  e.output_bytes = out;
  return e;
}

}  // namespace

Estimate estimate_load_image(EstimateContext& ctx) {
  json shape = png_shape(input_path(ctx, "image"));
  uint64_t img = image_bytes(shape);
  Estimate e = buffers(ctx, 0, img + img / 3, img / 2, "image", {{"shape", shape}});  // RGB + mask; decoded rows
  if (shape.is_array()) e.outputs["mask"] = {{"shape", {1, shape[1], shape[2], 1}}};
  return e;
}

Estimate estimate_save_image(EstimateContext& ctx) {
  const json& in = ctx.inputs["images"];
  uint64_t img = in.is_object() ? image_bytes(in.value("shape", json())) : 0;
  return buffers(ctx, img, 0, img / 4, nullptr, {});  // 8-bit rows for the encoder
}

Estimate estimate_image_scale(EstimateContext& ctx) {
  const json& in = ctx.inputs["image"];
  json shape = in.is_object() ? in.value("shape", json()) : json();
  int64_t w = ctx.inputs.value("width", 0), h = ctx.inputs.value("height", 0);
  if (shape.is_array() && shape.size() == 4) {
    int64_t sw = shape[2], sh = shape[1];
    if (w == 0 && h > 0 && sh > 0) w = static_cast<int64_t>(std::llround(double(sw) * h / sh));
    if (h == 0 && w > 0 && sw > 0) h = static_cast<int64_t>(std::llround(double(sh) * w / sw));
  }
  json out = shape.is_array() && w > 0 && h > 0 ? json::array({shape[0], h, w, shape[3]}) : json();
  return buffers(ctx, image_bytes(shape), image_bytes(out), 0, "image", {{"shape", out}});
}

Estimate estimate_image_same(EstimateContext& ctx) {
  const json& in = ctx.inputs["image"];
  json shape = in.is_object() ? in.value("shape", json()) : json();
  return buffers(ctx, image_bytes(shape), image_bytes(shape), 0, "image", {{"shape", shape}});
}

Estimate estimate_load_audio(EstimateContext& ctx) {
  SF_INFO info{};
  auto p = input_path(ctx, "audio");
  SNDFILE* f = p.empty() ? nullptr : sf_open(p.c_str(), SFM_READ, &info);
  json meta;
  if (f) {
    sf_close(f);
    meta = {{"frames", info.frames}, {"channels", info.channels}, {"sample_rate", info.samplerate},
            {"seconds", info.samplerate ? double(info.frames) / info.samplerate : 0.0}};
  }
  return buffers(ctx, 0, audio_bytes(meta), audio_bytes(meta) / 2, "audio", meta);  // decoded frames
}

Estimate estimate_save_audio(EstimateContext& ctx) {
  uint64_t b = audio_bytes(audio_meta(ctx.inputs["audio"]));
  return buffers(ctx, b, 0, b / 2, nullptr, {});  // encoder's 16-bit buffer
}

Estimate estimate_audio_resample(EstimateContext& ctx) {
  json a = audio_meta(ctx.inputs["audio"]);
  json out = a;
  int64_t rate = ctx.inputs.value("sample_rate", 16000);
  if (a.is_object() && a.value("sample_rate", 0) > 0) {
    out["frames"] = static_cast<int64_t>(std::ceil(a["frames"].get<double>() * rate / a["sample_rate"].get<double>()));
    out["sample_rate"] = rate;
  }
  return buffers(ctx, audio_bytes(a), audio_bytes(out), 0, "audio", out);
}

Estimate estimate_audio_to_mono(EstimateContext& ctx) {
  json a = audio_meta(ctx.inputs["audio"]);
  json out = a;
  if (a.is_object()) out["channels"] = 1;
  return buffers(ctx, audio_bytes(a), audio_bytes(out), 0, "audio", out);
}

Estimate estimate_audio_same(EstimateContext& ctx) {
  json a = audio_meta(ctx.inputs["audio"]);
  return buffers(ctx, audio_bytes(a), audio_bytes(a), 0, "audio", a);
}

}  // namespace vkflow::nodes
