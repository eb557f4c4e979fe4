#include "runtime/sampling/torch_noise.hpp"

namespace vkflow::sampling {

RandnStream torch_stream(std::shared_ptr<TorchGenerator> gen) {
  return [gen = std::move(gen)](std::span<float> out) { gen->randn(out); };
}

RandnFactory torch_randn_factory() {
  return [](uint64_t seed) { return torch_stream(std::make_shared<TorchGenerator>(seed)); };
}

InitialNoise initial_noise(uint64_t seed, size_t numel) {
  InitialNoise r{std::vector<float>(numel), std::make_shared<TorchGenerator>(seed)};
  r.generator->randn(r.noise);
  return r;
}

NoiseRequest torch_noise_request(uint64_t seed, NoiseConvention convention,
                                 const InitialNoise& initial) {
  NoiseRequest req;
  req.convention = convention;
  req.seed = seed;
  req.make_stream = torch_randn_factory();
  if (initial.generator) req.initial_stream = torch_stream(initial.generator);
  return req;
}

}  // namespace vkflow::sampling
