#include "runtime/ops/op_common.hpp"

#include <atomic>
#include <vector>

namespace vkflow::ops {

void fail_op(std::string_view op, const std::string& msg) { throw Error(std::string(op) + ": " + msg); }

void expect_dtype(const Tensor& t, DType d, std::string_view op, std::string_view what) {
  VKFLOW_EXPECT(t.defined(), op, std::string(what) + " is missing");
  VKFLOW_EXPECT(t.dtype() == d, op,
         std::string(what) + " must be " + std::string(dtype_name(d)) + ", got " + std::string(dtype_name(t.dtype())));
}

void expect_float(const Tensor& t, std::string_view op, std::string_view what) {
  VKFLOW_EXPECT(t.defined(), op, std::string(what) + " is missing");
  DType d = t.dtype();
  VKFLOW_EXPECT(d == DType::F32 || d == DType::F16 || d == DType::BF16, op,
         std::string(what) + " must be f32, f16 or bf16, got " + std::string(dtype_name(d)));
}

void expect_rank(const Tensor& t, int rank, std::string_view op, std::string_view what,
                 std::string_view layout) {
  VKFLOW_EXPECT(t.defined(), op, std::string(what) + " is missing");
  VKFLOW_EXPECT(t.rank() == rank, op,
         std::string(what) + " must be " + std::string(layout) + ", got shape " + to_string(t.shape()));
}

void expect_same_device(std::initializer_list<const Tensor*> ts, std::string_view op) {
  const Device* dev = nullptr;
  for (const Tensor* t : ts) {
    if (!t->defined()) continue;
    if (!dev) dev = &t->device();
    VKFLOW_EXPECT(&t->device() == dev, op, "tensors are on different devices (" + dev->name() + ", " + t->device().name() + ")");
  }
}

namespace {
std::atomic<bool> g_poison{false};
}

void set_poison_outputs(bool on) { g_poison = on; }
bool poison_outputs() { return g_poison; }

Tensor new_like(const Tensor& x, Shape shape, DType dtype) {
  Tensor t = Tensor::empty(x.device(), dtype, std::move(shape));
  if (g_poison && t.nbytes()) {
    std::vector<uint8_t> ones(t.nbytes(), 0xFF);
    t.copy_from_host(ones.data(), ones.size());
  }
  return t;
}

void launch(std::string_view op, std::span<const Tensor> inputs, std::span<Tensor> outputs,
            const void* params) {
  VKFLOW_EXPECT(!inputs.empty() && inputs[0].defined(), op, "first input is missing");
  Device& dev = inputs[0].device();
  for (const Tensor& t : inputs)
    VKFLOW_EXPECT(!t.defined() || &t.device() == &dev, op,
           "inputs are on different devices (" + dev.name() + ", " + (t.defined() ? t.device().name() : "") + ")");
  dev.run(OpCall{op, inputs, outputs, params});
}

void launch(std::string_view op, std::initializer_list<Tensor> inputs,
            std::initializer_list<Tensor> outputs, const void* params) {
  std::vector<Tensor> in(inputs), out(outputs);
  launch(op, std::span<const Tensor>(in), std::span<Tensor>(out), params);
}

}  // namespace vkflow::ops
