#pragma once
// A linear Gaussian toy problem with an exact denoiser: data x0 ~ N(mu, s²) per element.
//  Eps (VE) form: x = x0 + sigma·n,         D(x, sigma) = (s²·x + sigma²·mu) / (s² + sigma²).
//  Flow form:     x = (1-sigma)·x0 + sigma·n, D = mu + (1-sigma)s²/v · (x - (1-sigma)mu),
//                 v = (1-sigma)²s² + sigma².
// The probability-flow ODE keeps (x - mean(sigma)) / std(sigma) constant, which gives the exact
// solution the deterministic samplers must converge to.
#include <cmath>
#include <span>
#include <vector>

#include "runtime/sampling/sampler.hpp"

namespace vkflow::test {

struct GaussianToy {
  double mu = 0.7, s = 0.5;
  sampling::Prediction prediction = sampling::Prediction::Eps;

  double mean(double sigma) const { return prediction == sampling::Prediction::Flow ? (1 - sigma) * mu : mu; }
  double stddev(double sigma) const {
    if (prediction == sampling::Prediction::Flow)
      return std::sqrt((1 - sigma) * (1 - sigma) * s * s + sigma * sigma);
    return std::sqrt(s * s + sigma * sigma);
  }
  double denoised(double x, double sigma) const {
    if (prediction == sampling::Prediction::Flow) {
      const double v = stddev(sigma) * stddev(sigma);
      return mu + (1 - sigma) * s * s / v * (x - (1 - sigma) * mu);
    }
    return (s * s * x + sigma * sigma * mu) / (s * s + sigma * sigma);
  }
  sampling::Denoiser denoiser() const {
    return [toy = *this](std::span<const float> x, double sigma, std::span<float> out) {
      for (size_t i = 0; i < x.size(); ++i) out[i] = static_cast<float>(toy.denoised(x[i], sigma));
    };
  }
  // Exact ODE transport of x from sigma_a to sigma_b.
  double transport(double x, double sigma_a, double sigma_b) const {
    return mean(sigma_b) + (x - mean(sigma_a)) * stddev(sigma_b) / stddev(sigma_a);
  }
};

}  // namespace vkflow::test
