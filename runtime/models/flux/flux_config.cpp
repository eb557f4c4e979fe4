#include "runtime/models/flux/flux_config.hpp"

#include <numeric>
#include <sstream>
#include <string>

#include "runtime/models/common/layers.hpp"

namespace vkflow::models {
namespace {

std::vector<int> default_axes(int64_t head_dim) {
  const int spatial = static_cast<int>(head_dim * 7 / 16) / 2 * 2;
  return {static_cast<int>(head_dim) - 2 * spatial, spatial, spatial};
}

std::vector<int> metadata_axes(const WeightSet& w) {
  const auto& meta = w.metadata();
  const std::string key = "vkflow.flux.axes_dim";
  if (!meta.is_object() || !meta.contains(key) || !meta[key].is_string()) return {};
  std::vector<int> axes;
  std::stringstream ss(meta[key].get<std::string>());
  for (std::string part; std::getline(ss, part, ',');) {
    try {
      axes.push_back(std::stoi(part));
    } catch (const std::exception&) {
      throw FormatError(w.where(), "metadata " + key + " = '" + meta[key].get<std::string>() + "' is not a list of integers");
    }
  }
  return axes;
}

}  // namespace

FluxConfig infer_flux_config(const WeightSet& w, const FluxOptions& opt) {
  FluxConfig c;
  c.hidden = weight_dim(w, "img_in.weight", 0);
  c.in_channels = weight_dim(w, "img_in.weight", 1);
  c.out_channels = weight_dim(w, "final_layer.linear.weight", 0);
  c.context_dim = weight_dim(w, "txt_in.weight", 1);
  c.vec_dim = weight_dim(w, "vector_in.in_layer.weight", 1);
  c.time_dim = weight_dim(w, "time_in.in_layer.weight", 1);
  c.depth = w.count("double_blocks.");
  c.depth_single = w.count("single_blocks.");
  c.guidance_embed = w.has("guidance_in.in_layer.weight");
  const std::string qn = c.depth ? "double_blocks.0.img_attn.norm.query_norm.scale" : "single_blocks.0.norm.query_norm.scale";
  c.head_dim = weight_dim(w, qn, 0);
  if (c.head_dim <= 0 || c.hidden % c.head_dim != 0)
    throw w.error(qn, "head width " + std::to_string(c.head_dim) + " does not divide hidden " + std::to_string(c.hidden));
  c.heads = c.hidden / c.head_dim;
  if (c.depth + c.depth_single == 0) throw w.error("double_blocks.0", "no double or single blocks");
  if (c.depth_single) {
    const int64_t lin1 = weight_dim(w, "single_blocks.0.linear1.weight", 0);
    c.mlp_hidden = lin1 - 3 * c.hidden;
    if (c.mlp_hidden <= 0) throw w.error("single_blocks.0.linear1.weight", "narrower than 3 x hidden");
  } else {
    c.mlp_hidden = weight_dim(w, "double_blocks.0.img_mlp.0.weight", 0);
  }
  if (c.time_dim % 2) throw w.error("time_in.in_layer.weight", "odd timestep embedding width");

  c.theta = opt.theta;
  c.axes_dim = opt.axes_dim ? *opt.axes_dim : metadata_axes(w);
  if (c.axes_dim.empty()) c.axes_dim = default_axes(c.head_dim);
  const int sum = std::accumulate(c.axes_dim.begin(), c.axes_dim.end(), 0);
  bool even = true;
  for (int a : c.axes_dim) even = even && a > 0 && a % 2 == 0;
  if (c.axes_dim.size() != 3 || sum != c.head_dim || !even)
    throw w.error(qn, "RoPE axes must be 3 positive even widths summing to the head width " + std::to_string(c.head_dim));
  return c;
}

}  // namespace vkflow::models
