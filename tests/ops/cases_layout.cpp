// Parity cases of concat, slice, permute, pad and nearest upsample (exact results).
#include <algorithm>

#include "runtime/core/broadcast.hpp"
#include "runtime/ops/layout.hpp"
#include "tests/ops/harness.hpp"

namespace vkflow::test {
namespace {

// Unravels flat index i of shape s.
std::vector<int64_t> unravel(int64_t i, const Shape& s) {
  std::vector<int64_t> idx(s.size());
  for (int d = static_cast<int>(s.size()) - 1; d >= 0; --d) {
    idx[d] = i % s[d];
    i /= s[d];
  }
  return idx;
}
int64_t ravel(const std::vector<int64_t>& idx, const Shape& s) {
  int64_t f = 0;
  for (size_t d = 0; d < s.size(); ++d) f = f * s[d] + idx[d];
  return f;
}

OpCase exact(const std::string& name, const std::string& op, std::vector<Input> in) {
  OpCase c;
  c.name = name;
  c.op = op;
  c.inputs = std::move(in);
  c.tol = 0;
  return c;
}

}  // namespace

void add_layout_cases(std::vector<OpCase>& out) {
  Rng r = rng_for("layout");
  {
    OpCase c = exact("concat/axis1_three", "concat", {f32_input(r, {2, 3, 5}), f32_input(r, {2, 1, 5}), f32_input(r, {2, 4, 5})});
    c.run = [](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::concat(t, 1)}; };
    c.reference = [](const std::vector<HT>& h) {
      HT y({2, 8, 5});
      for (int64_t n = 0; n < 2; ++n) {
        int64_t row = 0;
        for (const HT& t : h)
          for (int64_t j = 0; j < t.dim(1); ++j, ++row)
            for (int64_t k = 0; k < 5; ++k) y.v[(n * 8 + row) * 5 + k] = t.v[(n * t.dim(1) + j) * 5 + k];
      }
      return std::vector<HT>{y};
    };
    out.push_back(std::move(c));
    // Two inputs (one dispatch on Vulkan): a [B, H, L, D] cache and its next position.
    OpCase kv = exact("concat/two_kv_append", "concat", {f32_input(r, {2, 3, 5, 4}), f32_input(r, {2, 3, 1, 4})});
    kv.run = [](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::concat(t, 2)}; };
    kv.reference = [](const std::vector<HT>& h) {
      HT y({2, 3, 6, 4});
      for (int64_t o = 0; o < 6; ++o)
        for (int64_t j = 0; j < 6; ++j)
          for (int64_t k = 0; k < 4; ++k) y.v[(o * 6 + j) * 4 + k] = j < 5 ? h[0].v[(o * 5 + j) * 4 + k] : h[1].v[o * 4 + k];
      return std::vector<HT>{y};
    };
    out.push_back(std::move(kv));
    OpCase d = exact("concat/last_axis_f16", "concat", {float_input(r, {3, 7}, DType::F16), float_input(r, {3, 2}, DType::F16)});
    d.dtype = DType::F16;
    d.run = [](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::concat(t, -1)}; };
    d.reference = [](const std::vector<HT>& h) {
      HT y({3, 9});
      for (int64_t i = 0; i < 3; ++i)
        for (int64_t j = 0; j < 9; ++j) y.v[i * 9 + j] = j < 7 ? h[0].v[i * 7 + j] : h[1].v[i * 2 + j - 7];
      return std::vector<HT>{y};
    };
    out.push_back(std::move(d));
  }
  struct Sl {
    const char* tag;
    Shape s;
    int axis;
    int64_t start, end, step;
  };
  for (const Sl& sl : {Sl{"middle_step3", {4, 23, 3}, 1, 2, 20, 3}, Sl{"negative_last", {5, 17}, -1, -9, -2, 1},
                       Sl{"axis0_clamped", {9, 4}, 0, 3, 100, 2}}) {
    OpCase c = exact(std::string("slice/") + sl.tag, "slice", {f32_input(r, sl.s)});
    c.run = [sl](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::slice(t[0], sl.axis, sl.start, sl.end, sl.step)}; };
    c.reference = [sl](const std::vector<HT>& h) {
      int a = sl.axis < 0 ? sl.axis + static_cast<int>(h[0].shape.size()) : sl.axis;
      int64_t n = h[0].shape[a];
      auto norm = [n](int64_t i) { return std::clamp<int64_t>(i < 0 ? i + n : i, 0, n); };
      int64_t st = norm(sl.start), en = std::max(st, norm(sl.end));
      Shape s = h[0].shape;
      s[a] = (en - st + sl.step - 1) / sl.step;
      HT y(s);
      for (int64_t i = 0; i < y.numel(); ++i) {
        auto idx = unravel(i, s);
        idx[a] = st + idx[a] * sl.step;
        y.v[i] = h[0].v[ravel(idx, h[0].shape)];
      }
      return std::vector<HT>{y};
    };
    out.push_back(std::move(c));
  }
  for (auto perm : {std::vector<int>{0, 2, 1, 3}, std::vector<int>{3, 1, 0, 2}, std::vector<int>{1, 0}}) {
    Shape s = perm.size() == 4 ? Shape{2, 5, 3, 7} : Shape{13, 29};
    std::string tag;
    for (int p : perm) tag += std::to_string(p);
    OpCase c = exact("permute/" + tag, "permute", {f32_input(r, s)});
    c.run = [perm](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::permute(t[0], perm)}; };
    c.reference = [perm](const std::vector<HT>& h) {
      Shape os(perm.size());
      for (size_t i = 0; i < perm.size(); ++i) os[i] = h[0].shape[perm[i]];
      HT y(os);
      for (int64_t i = 0; i < y.numel(); ++i) {
        auto oi = unravel(i, os);
        std::vector<int64_t> ii(perm.size());
        for (size_t d = 0; d < perm.size(); ++d) ii[perm[d]] = oi[d];
        y.v[i] = h[0].v[ravel(ii, h[0].shape)];
      }
      return std::vector<HT>{y};
    };
    out.push_back(std::move(c));
  }
  struct Pd {
    const char* tag;
    Shape s;
    std::vector<int64_t> pads;
    ops::PadMode mode;
  };
  for (const Pd& pd : {Pd{"zero_2d", {2, 3, 5, 6}, {1, 2, 3, 0}, ops::PadMode::Constant},
                       Pd{"reflect_2d", {1, 2, 5, 6}, {2, 3, 4, 1}, ops::PadMode::Reflect},
                       Pd{"reflect_1d", {2, 3, 9}, {4, 4}, ops::PadMode::Reflect},
                       Pd{"replicate_2d", {1, 2, 4, 3}, {2, 1, 1, 3}, ops::PadMode::Replicate}}) {
    OpCase c = exact(std::string("pad/") + pd.tag, "pad", {f32_input(r, pd.s)});
    c.run = [pd](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::pad(t[0], pd.pads, pd.mode, 0.5f)}; };
    c.reference = [pd](const std::vector<HT>& h) {
      int rk = static_cast<int>(h[0].shape.size());
      std::vector<int64_t> before(rk, 0), after(rk, 0);
      for (size_t i = 0; i < pd.pads.size() / 2; ++i) {
        before[rk - 1 - i] = pd.pads[2 * i];
        after[rk - 1 - i] = pd.pads[2 * i + 1];
      }
      Shape os = h[0].shape;
      for (int d = 0; d < rk; ++d) os[d] += before[d] + after[d];
      HT y(os);
      for (int64_t i = 0; i < y.numel(); ++i) {
        auto idx = unravel(i, os);
        bool fill = false;
        for (int d = 0; d < rk; ++d) {
          int64_t n = h[0].shape[d], s = idx[d] - before[d];
          if (s < 0 || s >= n) {
            if (pd.mode == ops::PadMode::Constant) fill = true;
            else if (pd.mode == ops::PadMode::Replicate) s = std::clamp<int64_t>(s, 0, n - 1);
            else s = s < 0 ? -s : 2 * (n - 1) - s;
          }
          idx[d] = s;
        }
        y.v[i] = fill ? 0.5 : h[0].v[ravel(idx, h[0].shape)];
      }
      return std::vector<HT>{y};
    };
    out.push_back(std::move(c));
  }
  struct Up {
    const char* tag;
    Shape s;
    int64_t oh, ow;
  };
  for (const Up& up : {Up{"x2", {1, 3, 5, 7}, 10, 14}, Up{"odd_size", {2, 2, 5, 3}, 7, 8}, Up{"1d_x3", {1, 4, 9}, 1, 27}}) {
    OpCase c = exact(std::string("upsample_nearest/") + up.tag, "upsample_nearest", {f32_input(r, up.s)});
    c.run = [up](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::upsample_nearest_to(t[0], up.oh, up.ow)}; };
    c.reference = [up](const std::vector<HT>& h) {
      bool two = h[0].shape.size() == 4;
      int64_t H = two ? h[0].dim(2) : 1, W = h[0].dim(-1), planes = h[0].numel() / (H * W);
      Shape os = h[0].shape;
      if (two) os[2] = up.oh;
      os.back() = up.ow;
      HT y(os);
      for (int64_t p = 0; p < planes; ++p)
        for (int64_t i = 0; i < up.oh; ++i)
          for (int64_t j = 0; j < up.ow; ++j)
            y.v[(p * up.oh + i) * up.ow + j] = h[0].v[(p * H + i * H / up.oh) * W + j * W / up.ow];
      return std::vector<HT>{y};
    };
    out.push_back(std::move(c));
  }
}

}  // namespace vkflow::test
