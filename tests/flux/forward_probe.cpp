#include "tests/flux/forward_probe.hpp"

#include "runtime/models/flux/flux_latent.hpp"
#include "runtime/models/flux/flux_model.hpp"
#include "tests/flux/fixture.hpp"

namespace vkflow::test {

FluxForwardUse measure_flux_forward(const std::filesystem::path& file, Device& dev) {
  const auto m = formats::ModelFile::open(file);
  // Weights as the allocator holds them (each tensor rounded to the device's granularity).
  dev.synchronize();
  const uint64_t empty = dev.memory().in_use;
  const models::FluxModel dit(m, dev);
  dev.synchronize();
  const uint64_t weights = dev.memory().in_use - empty;
  // Inputs as the sampler hands them over: latent, T5 states, pooled vector, sigma.
  const Tensor x = models::flux::unpack_latent(flux_tensor(dev, "tr_hidden_states"), 16, 16);
  const Tensor txt = flux_tensor(dev, "tr_encoder_hidden_states");
  const Tensor pooled = flux_tensor(dev, "tr_pooled"), t = flux_tensor(dev, "tr_timestep");
  dev.synchronize();
  const uint64_t before = dev.memory().in_use;
  dev.reset_peak();
  const Tensor v = dit.forward_latent(x, t, txt, pooled);
  dev.synchronize();
  return {weights, dev.memory().peak - before + x.nbytes() + txt.nbytes()};
}

}  // namespace vkflow::test
