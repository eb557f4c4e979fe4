#pragma once
// The CPU backend's kernel table. Each file under runtime/cpu/ops/ registers its kernels with
// VKFLOW_CPU_KERNEL at static-initialisation time; CpuDevice::run() looks them up by op name.
#include <functional>
#include <string_view>

#include "runtime/core/device.hpp"
#include "runtime/core/kernel_registry.hpp"

namespace vkflow::cpu {

using CpuKernel = std::function<void(const OpCall&)>;

KernelRegistry<CpuKernel>& kernels();

struct KernelRegistrar {
  KernelRegistrar(std::string_view op, CpuKernel k, std::function<bool(DType)> supports = {}) {
    kernels().add(op, std::move(k), std::move(supports));
  }
};

}  // namespace vkflow::cpu

#define VKFLOW_CPU_CAT2(a, b) a##b
#define VKFLOW_CPU_CAT(a, b) VKFLOW_CPU_CAT2(a, b)
// VKFLOW_CPU_KERNEL("op", kernel_fn[, supports(DType) predicate]);
#define VKFLOW_CPU_KERNEL(...) \
  static ::vkflow::cpu::KernelRegistrar VKFLOW_CPU_CAT(vkflow_cpu_kernel_, __LINE__)(__VA_ARGS__)
