#!/usr/bin/env bash
# GPU kernel A/B for SD1.5 (issue 6): the first tensor-core GEMM/conv kernels and scalar
# attention ("old": VKFLOW_VK_GEMM=old VKFLOW_VK_CONV=old VKFLOW_VK_ATTN_BLOCK=0; the GEMM/conv
# default) against the opt-in pipelined tiles and blocked attention ("new": =tiles). ops_bench
# at SD1.5's shapes, then the fast path per step, then a GPU profile of 5 steps with the new kernels.
# Logs: $OUT/extbench/kernels_*.log. Needs the vkflow bundle with ops_bench (pack.sh).
#   bash bench/device/kernels.sh [ops|sd15|all]
source "$(dirname "$0")/common.sh"
what=${1:-all}
VK=$(unpack vkflow)
export LD_LIBRARY_PATH="$(libpath_for "$VK")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export VKFLOW_VK_PATH=fast
OLD=(env VKFLOW_VK_GEMM=old VKFLOW_VK_CONV=old VKFLOW_VK_ATTN_BLOCK=0)
NEW=(env VKFLOW_VK_GEMM=tiles VKFLOW_VK_CONV=tiles VKFLOW_VK_ATTN_BLOCK=1)
if [ "$what" != sd15 ]; then
  step kernels_ops "$VK/bin/ops_bench" --device vulkan0 --filter sd15 --kernels old,tiles --min-time 0.3
fi
if [ "$what" != ops ]; then
  bash "$(dirname "$0")/models.sh" sd15
  CK=$MODELS/sd15-random.safetensors
  ARGS=(--model "$CK" --device vulkan0 --width 512 --height 512 --steps 20 --cfg 7 --seed 42 --repeat 2)
  step kernels_sd15_new "${NEW[@]}" "$VK/bin/sd15_bench" "${ARGS[@]}" --json "$LOGS/kernels_sd15_new.json"
  step kernels_sd15_old "${OLD[@]}" "$VK/bin/sd15_bench" "${ARGS[@]}" --json "$LOGS/kernels_sd15_old.json"
  step kernels_profile_new "${NEW[@]}" VKFLOW_VK_PROFILE=1 "$VK/bin/sd15_bench" --model "$CK" --device vulkan0 --width 512 \
    --height 512 --steps 5 --cfg 7 --seed 42
fi
grep -h "sd15\|s/step\|per step" "$LOGS"/kernels_*.log | head -80 || true
