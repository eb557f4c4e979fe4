// UniPC (Zhao et al. 2023) multistep predictor-corrector with B(h) = h (bh1) or e^h - 1 (bh2),
// data prediction, order min(3, steps - 1), lower order at the start and at the end — ComfyUI's
// comfy/extra_samplers/uni_pc.py as it drives it from k-diffusion sigmas: the solver runs in the
// variance-preserving space x_vp = x / sqrt(1 + sigma²), a final sigma of 0 is replaced by 0.001
// (no corrector on the last step) and the result is x_vp / alpha(sigma_last).
#include <cmath>
#include <deque>

#include "runtime/sampling/samplers/samplers.hpp"

namespace vkflow::sampling::detail {

namespace {

// ComfyUI's SigmaConvert, evaluated in float32 as torch does: for small sigmas
// 1 - 1/(1+sigma²) cancels, and reproducing that rounding keeps the last step's h identical.
struct VpPoint {
  double lambda, alpha, std;
};
VpPoint vp_point(double sigma_d) {
  const float sigma = static_cast<float>(sigma_d);
  const float lmc = 0.5f * std::log(1.f / (sigma * sigma + 1.f));
  const float e2 = std::exp(2.f * lmc);
  const float log_std = 0.5f * std::log(1.f - e2);
  return {static_cast<double>(lmc - log_std), static_cast<double>(std::exp(lmc)),
          static_cast<double>(std::sqrt(1.f - e2))};
}

// Solves the small dense system A·y = b (n <= 3) by Gaussian elimination with partial pivoting.
std::vector<double> solve(std::vector<std::vector<double>> a, std::vector<double> b) {
  const size_t n = b.size();
  for (size_t c = 0; c < n; ++c) {
    size_t p = c;
    for (size_t r = c + 1; r < n; ++r)
      if (std::fabs(a[r][c]) > std::fabs(a[p][c])) p = r;
    std::swap(a[c], a[p]);
    std::swap(b[c], b[p]);
    if (a[c][c] == 0.0) throw Error("uni_pc: singular step-ratio system (repeated sigmas?)");
    for (size_t r = c + 1; r < n; ++r) {
      const double f = a[r][c] / a[c][c];
      for (size_t k = c; k < n; ++k) a[r][k] -= f * a[c][k];
      b[r] -= f * b[c];
    }
  }
  std::vector<double> y(n);
  for (size_t r = n; r-- > 0;) {
    double s = b[r];
    for (size_t k = r + 1; k < n; ++k) s -= a[r][k] * y[k];
    y[r] = s / a[r][r];
  }
  return y;
}

struct UniPc {
  const SamplerContext& ctx;
  UniPcVariant variant;
  int total;
  Buf ve;  // scratch: the latent in k-diffusion (VE) scaling for the denoiser

  // Data prediction x0 at VP latent xv and sigma.
  void model(const Buf& xv, double sigma, Buf& out, int step) {
    const float s = static_cast<float>(std::sqrt(sigma * sigma + 1.0));
    ve.resize(xv.size());
    for (size_t k = 0; k < xv.size(); ++k) ve[k] = xv[k] * s;
    denoise(ctx, ve, sigma, out);
    if (step >= 0) report(ctx, step, total, sigma, ve, out);
  }

  // One multistep update of xv from t_prev.back() to t; returns whether `m_t` was evaluated.
  bool update(Buf& xv, const std::deque<Buf>& m_prev, const std::deque<double>& t_prev, double t,
              int order, bool corrector, Buf& m_t, int step) {
    const VpPoint p0 = vp_point(t_prev.back()), pt = vp_point(t);
    const Buf& m0 = m_prev.back();
    const double h = pt.lambda - p0.lambda;
    std::vector<double> rks;
    std::vector<Buf> d1s;
    for (int i = 1; i < order; ++i) {
      const double rk = (vp_point(t_prev[t_prev.size() - 1 - i]).lambda - p0.lambda) / h;
      const Buf& mi = m_prev[m_prev.size() - 1 - i];
      Buf d(xv.size());
      const float rkf = static_cast<float>(rk);
      for (size_t k = 0; k < d.size(); ++k) d[k] = (mi[k] - m0[k]) / rkf;
      rks.push_back(rk);
      d1s.push_back(std::move(d));
    }
    rks.push_back(1.0);
    const double hh = -h, h_phi_1 = std::expm1(hh);
    const double b_h = variant == UniPcVariant::Bh1 ? hh : std::expm1(hh);
    double h_phi_k = h_phi_1 / hh - 1.0, fact = 1.0;
    std::vector<std::vector<double>> R(order, std::vector<double>(order));
    std::vector<double> b(order);
    for (int i = 1; i <= order; ++i) {
      for (int c = 0; c < order; ++c) R[i - 1][c] = std::pow(rks[c], i - 1);
      b[i - 1] = h_phi_k * fact / b_h;
      fact *= (i + 1);
      h_phi_k = h_phi_k / hh - 1.0 / fact;
    }
    auto sub = [&](int n) {
      std::vector<std::vector<double>> a(n, std::vector<double>(n));
      for (int r = 0; r < n; ++r)
        for (int c = 0; c < n; ++c) a[r][c] = R[r][c];
      return solve(a, std::vector<double>(b.begin(), b.begin() + n));
    };
    // x_t_ = (std_t/std_0)·x - alpha_t·h·phi_1·m0
    Buf base = xv;
    axpby(static_cast<float>(pt.std / p0.std), base, static_cast<float>(-pt.alpha * h_phi_1), m0);
    const float ab = static_cast<float>(pt.alpha * b_h);
    xv = base;
    if (!d1s.empty()) {
      const std::vector<double> rhos_p = order == 2 ? std::vector<double>{0.5} : sub(order - 1);
      Buf res(xv.size(), 0.f);
      for (size_t j = 0; j < d1s.size(); ++j)
        for (size_t k = 0; k < res.size(); ++k) res[k] += static_cast<float>(rhos_p[j]) * d1s[j][k];
      axpby(1.f, xv, -ab, res);
    }
    if (!corrector) return false;
    model(xv, t, m_t, step);
    const std::vector<double> rhos_c = order == 1 ? std::vector<double>{0.5} : sub(order);
    Buf res(xv.size(), 0.f);
    for (size_t j = 0; j < d1s.size(); ++j)
      for (size_t k = 0; k < res.size(); ++k) res[k] += static_cast<float>(rhos_c[j]) * d1s[j][k];
    const float rc = static_cast<float>(rhos_c.back());
    for (size_t k = 0; k < xv.size(); ++k) res[k] += rc * (m_t[k] - m0[k]);
    xv = base;
    axpby(1.f, xv, -ab, res);
    return true;
  }
};

}  // namespace

void sample_uni_pc(const SamplerContext& ctx, Sigmas sigmas, Buf& x, UniPcVariant variant) {
  if (sigmas.size() < 2) return;
  std::vector<double> ts(sigmas.begin(), sigmas.end());
  if (ts.back() == 0.0) ts.back() = 0.001;
  const int steps = static_cast<int>(ts.size()) - 1;
  const int order = std::min(3, steps - 1);
  UniPc u{ctx, variant, steps, {}};
  const float in_scale = static_cast<float>(std::sqrt(1.0 + ts[0] * ts[0]));
  for (float& v : x) v /= in_scale;
  std::deque<Buf> m_prev;
  std::deque<double> t_prev;
  Buf m_t;
  for (int si = 0; si < steps; ++si) {
    if (si == 0) {
      Buf m;
      u.model(x, ts[0], m, 0);
      m_prev.push_back(std::move(m));
      t_prev.push_back(ts[0]);
    } else if (si < order) {
      u.update(x, m_prev, t_prev, ts[si], si, true, m_t, si);
      m_prev.push_back(m_t);
      t_prev.push_back(ts[si]);
    } else {
      const int last = si + (si == steps - 1 ? 1 : 0);
      for (int step = si; step <= last; ++step) {
        const int step_order = std::min(order, steps + 1 - step);
        const bool corrector = step != steps;
        const bool evaluated =
            u.update(x, m_prev, t_prev, ts[step], step_order, corrector, m_t, corrector ? step : -1);
        t_prev.pop_front();
        t_prev.push_back(ts[step]);
        if (evaluated) {
          m_prev.pop_front();
          m_prev.push_back(m_t);
        }
      }
    }
  }
  const float out_scale = static_cast<float>(vp_point(ts.back()).alpha);
  for (float& v : x) v /= out_scale;
}

}  // namespace vkflow::sampling::detail
