#include "runtime/models/unet/unet_config.hpp"

#include "runtime/models/common/layers.hpp"

namespace vkflow::models {
namespace {

// Which parts block `name` holds, by the names of their first weights.
UNetBlock read_block(const WeightSet& w, const std::string& name) {
  UNetBlock b;
  b.name = name;
  const int parts = w.count(name + ".");
  if (parts == 0) throw w.error(name, "missing UNet block");
  for (int k = 0; k < parts; ++k) {
    UNetPart p;
    p.name = name + "." + std::to_string(k);
    if (w.has(p.name + ".in_layers.0.weight")) p.kind = UNetPart::Kind::Res;
    else if (w.has(p.name + ".proj_in.weight")) {
      p.kind = UNetPart::Kind::Attn;
      p.depth = w.count(p.name + ".transformer_blocks.");
      if (p.depth == 0) throw w.error(p.name + ".transformer_blocks.0", "spatial transformer without transformer blocks");
    } else if (w.has(p.name + ".op.weight")) p.kind = UNetPart::Kind::Down;
    else if (w.has(p.name + ".conv.weight")) p.kind = UNetPart::Kind::Up;
    else throw w.error(p.name, "unrecognised UNet block part");
    b.parts.push_back(std::move(p));
  }
  return b;
}

}  // namespace

UNetConfig infer_unet_config(const WeightSet& w, const UNetOptions& opt) {
  UNetConfig c;
  const Tensor& conv_in = w.get("input_blocks.0.0.weight");
  c.model_channels = conv_in.dim(0);
  c.in_channels = conv_in.dim(1);
  c.out_channels = weight_dim(w, "out.2.weight", 0);
  c.time_embed_dim = weight_dim(w, "time_embed.0.weight", 0);
  w.get("time_embed.0.weight", {c.time_embed_dim, c.model_channels});

  const int n_in = w.count("input_blocks."), n_out = w.count("output_blocks.");
  if (n_in < 2 || n_out < 1) throw w.error("input_blocks", "too few UNet blocks");
  for (int i = 0; i < n_in; ++i) {
    if (i == 0) {
      c.input.push_back(UNetBlock{"input_blocks.0", {UNetPart{UNetPart::Kind::Conv, "input_blocks.0.0"}}});
      continue;
    }
    c.input.push_back(read_block(w, "input_blocks." + std::to_string(i)));
  }
  c.middle.push_back(read_block(w, "middle_block"));
  for (int i = 0; i < n_out; ++i) c.output.push_back(read_block(w, "output_blocks." + std::to_string(i)));
  if (static_cast<int>(c.output.size()) != n_in)
    throw w.error("output_blocks", std::to_string(n_out) + " output blocks for " + std::to_string(n_in) + " input blocks");

  for (const auto* list : {&c.input, &c.middle, &c.output})
    for (const UNetBlock& b : *list)
      for (const UNetPart& p : b.parts)
        if (p.kind == UNetPart::Kind::Attn && c.context_dim == 0)
          c.context_dim = weight_dim(w, p.name + ".transformer_blocks.0.attn2.to_k.weight", 1);

  if (opt.num_heads) c.num_heads = *opt.num_heads;
  else if (opt.num_head_channels) c.num_head_channels = *opt.num_head_channels;
  else {
    c.num_heads = metadata_int(w.metadata(), "vkflow.unet.num_heads", 8, w.where());
    c.num_head_channels = metadata_int(w.metadata(), "vkflow.unet.num_head_channels", -1, w.where());
  }
  return c;
}

}  // namespace vkflow::models
