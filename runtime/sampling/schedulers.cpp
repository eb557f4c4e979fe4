#include "runtime/sampling/schedulers.hpp"

// Bit-exact reproduction needs every multiply and add rounded separately (no contraction
// into FMA, even under -march=native); GCC in ISO C++ mode already does this.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#include <boost/math/special_functions/beta.hpp>
#include <cmath>

#include "runtime/core/error.hpp"
#include "runtime/sampling/torch_linspace.hpp"

// Rounding notes. Tensor arithmetic here is float32 (torch), Python scalars are float64 and
// enter a float32 op rounded to float32. Elementwise exp/pow on tensors of >= 16 elements run
// through SLEEF's vector routines in torch (<= 1 ulp from libm); this code uses libm
// throughout, so schedules of >= 16 steps may differ from torch in the last bit.
namespace vkflow::sampling {

namespace {
void check_steps(int64_t n, const char* what) {
  if (n < 1) throw Error(std::string(what) + ": steps must be >= 1, got " + std::to_string(n));
}
}  // namespace

std::vector<float> kdiffusion_normal(const DiscreteSchedule& s, int64_t n) {
  check_steps(n, "normal scheduler");
  const float t_max = static_cast<float>(s.sigmas().size() - 1);
  std::vector<float> out;
  for (float t : torch_linspace_f32(t_max, 0.0f, n)) out.push_back(s.t_to_sigma(t));
  out.push_back(0.0f);
  return out;
}

std::vector<float> karras(int64_t n, double sigma_min, double sigma_max, double rho) {
  check_steps(n, "karras scheduler");
  const double min_inv_rho = std::pow(sigma_min, 1.0 / rho);
  const double max_inv_rho = std::pow(sigma_max, 1.0 / rho);
  const float diff = static_cast<float>(min_inv_rho - max_inv_rho);
  const float base = static_cast<float>(max_inv_rho);
  std::vector<float> out;
  for (float r : torch_linspace_f32(0.0f, 1.0f, n)) {
    const float x = base + r * diff;
    // torch's scalar pow kernel raises float to a double exponent in double.
    out.push_back(static_cast<float>(std::pow(static_cast<double>(x), rho)));
  }
  out.push_back(0.0f);
  return out;
}

std::vector<float> exponential(int64_t n, double sigma_min, double sigma_max) {
  check_steps(n, "exponential scheduler");
  std::vector<float> out;
  const auto ts = torch_linspace_f32(static_cast<float>(std::log(sigma_max)),
                                     static_cast<float>(std::log(sigma_min)), n);
  for (float t : ts) out.push_back(std::exp(t));
  out.push_back(0.0f);
  return out;
}

std::vector<float> comfy_normal(const DiscreteSchedule& s, int64_t steps, bool sgm) {
  check_steps(steps, sgm ? "sgm_uniform scheduler" : "normal scheduler");
  const auto start = static_cast<float>(s.nearest_timestep(s.sigma_max()));
  const auto end = static_cast<float>(s.nearest_timestep(s.sigma_min()));
  bool append_zero = true;
  std::vector<float> ts;
  if (sgm) {
    ts = torch_linspace_f32(start, end, steps + 1);
    ts.pop_back();
  } else {
    // A model whose last sigma is ~0 gets one more step instead of an appended zero.
    if (std::fabs(s.t_to_sigma(end)) <= 1e-5) {
      ++steps;
      append_zero = false;
    }
    ts = torch_linspace_f32(start, end, steps);
  }
  std::vector<float> out;
  for (float t : ts) out.push_back(s.t_to_sigma(t));
  if (append_zero) out.push_back(0.0f);
  return out;
}

std::vector<float> comfy_simple(const std::vector<float>& sig, int64_t steps) {
  check_steps(steps, "simple scheduler");
  const double ss = static_cast<double>(sig.size()) / static_cast<double>(steps);
  std::vector<float> out;
  for (int64_t x = 0; x < steps; ++x) {
    const auto k = static_cast<int64_t>(static_cast<double>(x) * ss);
    const int64_t idx = static_cast<int64_t>(sig.size()) - 1 - k;
    if (idx < 0) throw Error("simple scheduler: more steps than model sigmas");
    out.push_back(sig[static_cast<size_t>(idx)]);
  }
  out.push_back(0.0f);
  return out;
}

std::vector<float> comfy_ddim_uniform(const std::vector<float>& sig, int64_t steps) {
  check_steps(steps, "ddim_uniform scheduler");
  if (sig.size() < 2) throw Error("ddim_uniform scheduler: model has fewer than 2 sigmas");
  std::vector<float> sigs;
  size_t x = 1;
  if (std::fabs(sig[x]) <= 1e-5) {
    ++steps;
  } else {
    sigs.push_back(0.0f);
  }
  const size_t ss = std::max<size_t>(sig.size() / static_cast<size_t>(steps), 1);
  for (; x < sig.size(); x += ss) sigs.push_back(sig[x]);
  return {sigs.rbegin(), sigs.rend()};
}

std::vector<float> comfy_beta(const std::vector<float>& sig, int64_t steps, double alpha, double beta) {
  check_steps(steps, "beta scheduler");
  if (!(alpha > 0 && beta > 0)) throw Error("beta scheduler: alpha and beta must be > 0");
  const double total = static_cast<double>(sig.size() - 1);
  std::vector<float> out;
  double last_t = -1;
  for (double u : numpy_linspace(0.0, 1.0, steps, /*endpoint=*/false)) {
    const double q = 1.0 - u;
    // scipy.stats.beta.ppf is Boost's ibeta_inv; then numpy.rint (half to even).
    const double t = std::nearbyint(boost::math::ibeta_inv(alpha, beta, q) * total);
    if (t != last_t) out.push_back(sig[static_cast<size_t>(t)]);
    last_t = t;
  }
  out.push_back(0.0f);
  return out;
}

const std::vector<std::string>& comfy_scheduler_names() {
  static const std::vector<std::string> names = {"normal", "karras", "exponential", "sgm_uniform",
                                                 "simple", "ddim_uniform", "beta"};
  return names;
}

std::vector<float> comfy_sigmas(const DiscreteSchedule& s, std::string_view name, int64_t steps) {
  if (name == "normal") return comfy_normal(s, steps);
  if (name == "sgm_uniform") return comfy_normal(s, steps, /*sgm=*/true);
  if (name == "karras") return karras(steps, s.sigma_min(), s.sigma_max());
  if (name == "exponential") return exponential(steps, s.sigma_min(), s.sigma_max());
  if (name == "simple") return comfy_simple(s.sigmas(), steps);
  if (name == "ddim_uniform") return comfy_ddim_uniform(s.sigmas(), steps);
  if (name == "beta") return comfy_beta(s.sigmas(), steps);
  throw Error("unknown scheduler '" + std::string(name) +
              "' (known: normal, karras, exponential, sgm_uniform, simple, ddim_uniform, beta)");
}

}  // namespace vkflow::sampling
