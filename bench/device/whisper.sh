#!/usr/bin/env bash
# Whisper side by side on the GPU machine (issue 7): whisper.cpp (Vulkan build; CPU via its CPU
# build when bundled, else the Vulkan build with -ng) and vkflow's whisper_bench when built.
# GPU: large-v3-turbo (random weights, ggml .bin); CPU: base. Logs: $OUT/extbench/whisper_*.log.
#   bash bench/device/whisper.sh [all|ext|vkflow] [gpu|cpu|both]
# whisper-bench: encoder of one 30-s window, 256 single-token decodes (per-token ms), 64
# 5-token batches (beam-5 step), 16 256-token prompts. whisper-cli on a 35-s speech file:
# greedy (-bs 1) and beam 5, no temperature fallback (random weights never pass its checks).
source "$(dirname "$0")/common.sh"
who=${1:-all} where=${2:-both}
TURBO=$MODELS/ggml-large-v3-turbo-random.bin BASE=$MODELS/ggml-base-random.bin
# EXTBENCH_SMOKE=1: base everywhere — only checks the scripts run (e.g. on the build host).
if [ "${EXTBENCH_SMOKE:-0}" = 1 ]; then TURBO=$BASE; bash "$(dirname "$0")/models.sh" base
else bash "$(dirname "$0")/models.sh" turbo base; fi
WAV=$CARRY/audio/speech_35s.wav
GPU_T=${EXTBENCH_GPU_THREADS:-4}   # whisper-bench's default; the reference figures used it

if [ "$who" != vkflow ]; then
  WH=$(unpack whisper)
  export LD_LIBRARY_PATH="$(libpath_for "$WH")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  CPU_BENCH=("$WH/bin/whisper-bench" -ng) CPU_CLI=("$WH/bin/whisper-cli" -ng)
  [ -x "$WH/bin/whisper-bench-cpu" ] && CPU_BENCH=("$WH/bin/whisper-bench-cpu")
  [ -x "$WH/bin/whisper-cli-cpu" ] && CPU_CLI=("$WH/bin/whisper-cli-cpu")
  if [ "$where" != cpu ]; then
    for run in 1 2; do
      step whisper_wcpp_vk_bench$run "$WH/bin/whisper-bench" -m "$TURBO" -t "$GPU_T" -w 0
    done
    [ -x "$WH/bin/whisper-cli" ] && step whisper_wcpp_vk_cli_greedy "$WH/bin/whisper-cli" -m "$TURBO" -f "$WAV" -t "$GPU_T" -bs 1 -bo 1 -nf -l en
    [ -x "$WH/bin/whisper-cli" ] && step whisper_wcpp_vk_cli_beam5 "$WH/bin/whisper-cli" -m "$TURBO" -f "$WAV" -t "$GPU_T" -bs 5 -bo 5 -nf -l en
  fi
  if [ "$where" != gpu ]; then
    step whisper_wcpp_cpu_bench "${CPU_BENCH[@]}" -m "$BASE" -t "$THREADS" -w 0
    [ -x "${CPU_CLI[0]}" ] && step whisper_wcpp_cpu_cli_greedy "${CPU_CLI[@]}" -m "$BASE" -f "$WAV" -t "$THREADS" -bs 1 -bo 1 -nf -l en
  fi
fi

if [ "$who" != ext ]; then
  VK=$(unpack vkflow)
  export LD_LIBRARY_PATH="$(libpath_for "$VK")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  B=$VK/bin/whisper_bench
  if [ ! -x "$B" ]; then
    say "no whisper_bench in the vkflow bundle: vkflow Whisper runs skipped"
  else
    # whisper_bench MODEL: encoder per 30-s window, 200-token greedy decode, beam-5 steps.
    if [ "$where" != cpu ]; then
      for path in fp32 fast; do
        step whisper_vkflow_vk_$path "$B" "$TURBO" --device vulkan0 --path $path --tokens 200 --beam 5 --repeat 3
      done
    fi
    if [ "$where" != gpu ]; then
      step whisper_vkflow_cpu "$B" "$BASE" --device cpu --tokens 200 --beam 5 --repeat 3
    fi
  fi
fi
python3 "$(dirname "$0")/summarize.py" "$LOGS" | tee "$LOGS/summary.md"
