#!/usr/bin/env bash
# SD1.5 side by side on the GPU machine (issue 6): stable-diffusion.cpp (Vulkan build; CPU via
# its CPU build when bundled, else the Vulkan build with --backend cpu) and vkflow's sd15_bench,
# on the same full-size random-weight checkpoint. Logs: $OUT/extbench/sd15_*.log, summary.md.
#   bash bench/device/sd15.sh [all|ext|vkflow] [gpu|cpu|both]
# GPU: 512x512, 20 steps euler, cfg 7; CPU: 256x256, 20 steps. Each GPU run twice in fresh
# processes: the first builds Vulkan pipelines (and fills the driver's shader cache).
source "$(dirname "$0")/common.sh"
who=${1:-all} where=${2:-both}
bash "$(dirname "$0")/models.sh" sd15
CK=$MODELS/sd15-random.safetensors
PROMPT="a photo of an astronaut riding a horse on mars"
GPU_WH=512 CPU_WH=256 STEPS=20
# EXTBENCH_SMOKE=1: 64x64, 2 steps — only checks the scripts run (e.g. on the build host).
[ "${EXTBENCH_SMOKE:-0}" = 1 ] && GPU_WH=64 CPU_WH=64 STEPS=2
GPU_ARGS=(-W $GPU_WH -H $GPU_WH --steps $STEPS --cfg-scale 7 --sampling-method euler -s 42)
CPU_ARGS=(-W $CPU_WH -H $CPU_WH --steps $STEPS --cfg-scale 7 --sampling-method euler -s 42)

if [ "$who" != vkflow ]; then
  SD=$(unpack sdcpp)
  export LD_LIBRARY_PATH="$(libpath_for "$SD")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  head -5 "$SD/VERSION" > "$LOGS/sdcpp_version.txt" 2>/dev/null || true
  if [ "$where" != cpu ]; then
    step sd15_sdcpp_vk_devices "$SD/bin/sd-cli" --list-devices
    for run in 1 2; do
      step sd15_sdcpp_vk_run$run "$SD/bin/sd-cli" -m "$CK" -p "$PROMPT" "${GPU_ARGS[@]}" -t "$THREADS" \
        -o "$WORK/sdcpp_vk_$run.png"
    done
  fi
  if [ "$where" != gpu ]; then
    if [ -x "$SD/bin/sd-cli-cpu" ]; then
      step sd15_sdcpp_cpu "$SD/bin/sd-cli-cpu" -m "$CK" -p "$PROMPT" "${CPU_ARGS[@]}" -t "$THREADS" -o "$WORK/sdcpp_cpu.png"
    else
      step sd15_sdcpp_cpu "$SD/bin/sd-cli" --backend cpu -m "$CK" -p "$PROMPT" "${CPU_ARGS[@]}" -t "$THREADS" \
        -o "$WORK/sdcpp_cpu.png"
    fi
  fi
fi

if [ "$who" != ext ]; then
  VK=$(unpack vkflow)
  export LD_LIBRARY_PATH="$(libpath_for "$VK")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  B=$VK/bin/sd15_bench
  if [ ! -x "$B" ]; then
    say "no sd15_bench in the vkflow bundle: vkflow SD1.5 runs skipped"
  else
    if [ "$where" != cpu ]; then
      for path in fp32 fast; do
        step sd15_vkflow_vk_$path env VKFLOW_VK_PATH=$path "$B" --model "$CK" --device vulkan0 --width $GPU_WH --height $GPU_WH \
          --steps $STEPS --cfg 7 --seed 42 --prompt "$PROMPT" --repeat 2 --json "$LOGS/sd15_vkflow_vk_$path.json"
      done
    fi
    if [ "$where" != gpu ]; then
      step sd15_vkflow_cpu "$B" --model "$CK" --device cpu --width $CPU_WH --height $CPU_WH --steps $STEPS --cfg 7 --seed 42 \
        --prompt "$PROMPT" --json "$LOGS/sd15_vkflow_cpu.json"
    fi
  fi
fi
python3 "$(dirname "$0")/summarize.py" "$LOGS" | tee "$LOGS/summary.md"
