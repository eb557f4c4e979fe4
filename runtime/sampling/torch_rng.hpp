#pragma once
// Bit-exact reproduction of PyTorch's CPU generator (torch.Generator("cpu")): the MT19937
// engine, torch.rand and torch.randn for float32 tensors. ComfyUI and diffusers draw the initial
// latent noise this way, so a seed here gives the same latent as a seed there.
#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <vector>

namespace vkflow::sampling {

class TorchGenerator {
 public:
  explicit TorchGenerator(uint64_t seed = 67280421310721ull) { manual_seed(seed); }

  // torch.Generator.manual_seed: reseeds the engine (low 32 bits, as at::mt19937 does) and
  // drops the cached Box-Muller sample of the scalar normal path.
  void manual_seed(uint64_t seed);
  uint64_t initial_seed() const { return seed_; }

  uint32_t random() { return static_cast<uint32_t>(engine_()); }
  uint64_t random64();  // two draws: (hi << 32) | lo, hi drawn first

  // torch.randn(n) into `out` (any shape: only the element count matters; contiguous).
  void randn(std::span<float> out);
  std::vector<float> randn(size_t n);
  // torch.rand(n): uniform in [0, 1) with 24 random bits.
  void rand(std::span<float> out);
  std::vector<float> rand(size_t n);

 private:
  float uniform_f32();
  double uniform_f64();
  double normal_f64();  // at::normal_distribution<double>, with its one-sample cache

  std::mt19937 engine_;
  uint64_t seed_ = 0;
  std::optional<double> next_normal_;
};

}  // namespace vkflow::sampling
