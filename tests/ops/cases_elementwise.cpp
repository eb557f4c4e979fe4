// Parity cases of the unary and binary elementwise ops.
#include <cmath>
#include <functional>

#include "runtime/core/broadcast.hpp"
#include "runtime/ops/binary.hpp"
#include "runtime/ops/unary.hpp"
#include "tests/ops/harness.hpp"

namespace vkflow::test {
namespace {

double sigm(double x) { return 1.0 / (1.0 + std::exp(-x)); }

std::function<double(double)> unary_ref(const std::string& op, ops::UnaryParams p) {
  if (op == "gelu") return [](double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); };
  if (op == "gelu_tanh")
    return [](double x) { return 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x))); };
  if (op == "quick_gelu") return [](double x) { return x * sigm(1.702 * x); };
  if (op == "silu") return [](double x) { return x * sigm(x); };
  if (op == "relu") return [](double x) { return x > 0 ? x : 0.0; };
  if (op == "leaky_relu") return [p](double x) { return x >= 0 ? x : x * double(p.alpha); };
  if (op == "tanh") return [](double x) { return std::tanh(x); };
  if (op == "sigmoid") return [](double x) { return sigm(x); };
  if (op == "exp") return [](double x) { return std::exp(x); };
  if (op == "scale") return [p](double x) { return x * double(p.alpha) + double(p.beta); };
  return [p](double x) { return std::min(std::max(x, double(p.alpha)), double(p.beta)); };  // clamp
}

double binary_ref(const std::string& op, double a, double b) {
  if (op == "add") return a + b;
  if (op == "sub") return a - b;
  if (op == "mul") return a * b;
  return a / b;
}

}  // namespace

void add_elementwise_cases(std::vector<OpCase>& out) {
  for (std::string_view opv : ops::kUnaryOps) {
    std::string op(opv);
    ops::UnaryParams p{0.2f, 0.0f};
    if (op == "scale") p = {-1.5f, 0.25f};
    if (op == "clamp") p = {-0.5f, 0.75f};
    OpCase c;
    c.name = "unary/" + op;
    c.op = op;
    Rng r = rng_for(c.name);
    c.inputs = {f32_input(r, {3, 7, 129}, -6, 6)};
    c.run = [op, p](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::unary(op, t[0], p)}; };
    c.reference = [op, p](const std::vector<HT>& h) {
      auto f = unary_ref(op, p);
      HT y(h[0].shape);
      for (int64_t i = 0; i < y.numel(); ++i) y.v[i] = f(h[0].v[i]);
      return std::vector<HT>{y};
    };
    c.tol = op == "exp" ? 4e-7 : 2e-6;  // exp reaches e^6: relative to that scale
    out.push_back(std::move(c));
  }
  struct Shapes {
    const char* tag;
    Shape a, b;
  };
  const Shapes shapes[] = {{"same", {4, 5, 33}, {4, 5, 33}},
                           {"scalar", {3, 17}, {1}},
                           {"row", {2, 3, 31}, {31}},
                           {"channel", {2, 6, 5, 7}, {6, 1, 1}},
                           {"both", {5, 1, 9}, {1, 4, 1}},
                           {"lhs_scalar", {1}, {7, 3}}};
  for (std::string_view opv : ops::kBinaryOps) {
    std::string op(opv);
    for (const Shapes& s : shapes) {
      OpCase c;
      c.name = op + "/" + s.tag;
      c.op = op;
      Rng r = rng_for(c.name);
      c.inputs = {f32_input(r, s.a, -2, 2), f32_input(r, s.b, 0.5, 2)};  // divisor away from 0
      c.run = [op](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::binary(op, t[0], t[1])}; };
      c.reference = [op](const std::vector<HT>& h) {
        Shape os = broadcast_shapes(h[0].shape, h[1].shape);
        auto sa = broadcast_strides(h[0].shape, os), sb = broadcast_strides(h[1].shape, os);
        HT y(os);
        for (int64_t i = 0; i < y.numel(); ++i) {
          int64_t oa = 0, ob = 0, rem = i;
          for (int d = static_cast<int>(os.size()) - 1; d >= 0; --d) {
            oa += (rem % os[d]) * sa[d];
            ob += (rem % os[d]) * sb[d];
            rem /= os[d];
          }
          y.v[i] = binary_ref(op, h[0].v[oa], h[1].v[ob]);
        }
        return std::vector<HT>{y};
      };
      c.tol = 1e-6;
      out.push_back(std::move(c));
    }
  }
}

}  // namespace vkflow::test
