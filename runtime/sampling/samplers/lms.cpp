// Linear multistep (k-diffusion sample_lms, order 4): x += Σ_j c_j·d_{i-j}, where c_j integrates
// the Lagrange basis polynomial through the last `order` sigmas over [sigma_i, sigma_{i+1}].
// k-diffusion integrates with scipy quad; the integrand is a polynomial of degree < 4, so a
// 4-point Gauss-Legendre rule gives the same value exactly (up to rounding).
#include <deque>

#include "runtime/sampling/samplers/samplers.hpp"

namespace vkflow::sampling::detail {

namespace {

double lms_coeff(int order, Sigmas t, int i, int j) {
  static constexpr double kNodes[4] = {-0.8611363115940526, -0.3399810435848563,
                                       0.3399810435848563, 0.8611363115940526};
  static constexpr double kWeights[4] = {0.3478548451374538, 0.6521451548625461,
                                         0.6521451548625461, 0.3478548451374538};
  const double a = t[i], b = t[i + 1];
  double sum = 0;
  for (int q = 0; q < 4; ++q) {
    const double tau = 0.5 * (b - a) * kNodes[q] + 0.5 * (a + b);
    double prod = 1;
    for (int k = 0; k < order; ++k)
      if (k != j) prod *= (tau - t[i - k]) / (t[i - j] - t[i - k]);
    sum += kWeights[q] * prod;
  }
  return 0.5 * (b - a) * sum;
}

}  // namespace

void sample_lms(const SamplerContext& ctx, Sigmas sigmas, Buf& x, int order) {
  const int n = static_cast<int>(sigmas.size()) - 1;
  std::deque<Buf> ds;  // newest last
  Buf den;
  for (int i = 0; i < n; ++i) {
    denoise(ctx, x, sigmas[i], den);
    Buf d;
    to_d(x, den, sigmas[i], d);
    ds.push_back(std::move(d));
    if (static_cast<int>(ds.size()) > order) ds.pop_front();
    report(ctx, i, n, sigmas[i], x, den);
    if (sigmas[i + 1] == 0.0) {
      x = den;
      continue;
    }
    const int cur = std::min(i + 1, order);
    // k-diffusion sums coeff_j·d_{i-j} first, then adds to x.
    Buf acc(x.size(), 0.f);
    for (int j = 0; j < cur; ++j) {
      const float c = static_cast<float>(lms_coeff(cur, sigmas, i, j));
      const Buf& dj = ds[ds.size() - 1 - j];
      for (size_t k = 0; k < x.size(); ++k) acc[k] += c * dj[k];
    }
    for (size_t k = 0; k < x.size(); ++k) x[k] += acc[k];
  }
}

}  // namespace vkflow::sampling::detail
