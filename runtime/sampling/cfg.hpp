#pragma once
// Classifier-free guidance on denoised predictions, as ComfyUI's cfg_function:
// out = uncond + (cond - uncond) · cfg. With cfg == 1 ComfyUI skips the unconditional pass.
#include <functional>
#include <span>

#include "runtime/sampling/sampler.hpp"

namespace vkflow::sampling {

// out[i] = uncond[i] + (cond[i] - uncond[i]) · cfg (out may alias either input).
void cfg_combine(std::span<const float> uncond, std::span<const float> cond, double cfg,
                 std::span<float> out);

// Runs the model on a batch of two ([uncond, cond], x repeated) and writes both denoised halves.
// `x` has n values; `out` receives 2·n: uncond first, then cond.
using BatchedDenoiser =
    std::function<void(std::span<const float> x2, double sigma, std::span<float> out2)>;
// Model for one conditioning only (cfg == 1 path): x -> denoised(cond).
using CondDenoiser = Denoiser;

// A Denoiser applying CFG over `batched` (ComfyUI batches uncond and cond in one model call);
// for cfg == 1 it calls `cond_only` when given (ComfyUI's cfg1 optimisation), else `batched`.
Denoiser make_cfg_denoiser(BatchedDenoiser batched, double cfg, CondDenoiser cond_only = {});

}  // namespace vkflow::sampling
