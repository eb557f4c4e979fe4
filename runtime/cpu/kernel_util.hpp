#pragma once
// Small helpers for CPU kernels: typed access to an OpCall's params and tensors, and the
// dtype predicates kernels register with.
#include <string>

#include "runtime/core/error.hpp"
#include "runtime/core/tensor.hpp"

namespace vkflow::cpu {

template <class P>
const P& params_of(const OpCall& c) {
  if (!c.params) throw Error(std::string(c.op) + ": missing parameters");
  return *static_cast<const P*>(c.params);
}

inline const float* in_f32(const OpCall& c, size_t i) { return c.inputs[i].data<float>(); }
inline float* out_f32(const OpCall& c, size_t i = 0) { return c.outputs[i].data<float>(); }
inline bool has_input(const OpCall& c, size_t i) { return c.inputs.size() > i && c.inputs[i].defined(); }

inline bool f32_only(DType t) { return t == DType::F32; }
inline bool float_type(DType t) { return t == DType::F32 || t == DType::F16 || t == DType::BF16; }
inline bool weight_type(DType t) { return float_type(t) || dtype_info(t).quantized; }

}  // namespace vkflow::cpu
