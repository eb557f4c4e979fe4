#!/usr/bin/env bash
# FLUX.1-schnell side by side on the GPU machine (issue 8): vkflow's `plan` and `run` held to an
# 8 GiB plan, and stable-diffusion.cpp with the seed's flags, on the same four full-size files of
# random weights (transformer as a city96-style Q4_K GGUF, T5-XXL fp16, CLIP-L, AE). 4 steps,
# euler, cfg 1, seed 42. Logs: $OUT/extbench/flux_*.log (+ .events.jsonl, plan .json), summary.md.
# Each part fits in one 10-minute device call:
#   bash bench/device/flux.sh models             # the four files (models.sh flux), once
#   bash bench/device/flux.sh devices            # vkflow devices, sd-cli --list-devices
#   bash bench/device/flux.sh vkflow 512 [RUNS]  # vkflow plan + RUNS runs (default 2) with --vram 8GiB
#   bash bench/device/flux.sh stock 512          # ComfyUI-style workflow (the empty negative encoded too)
#   bash bench/device/flux.sh sdcpp 512 [RUNS]   # sd-cli, RUNS runs (default 2 at 512, 1 above)
#   bash bench/device/flux.sh summary            # summarize.py over the logs
# vkflow runs bench/device/flux_schnell_bench.json (the negative is the positive: at cfg 1 it is
# never read, and sd.cpp encodes the prompt once at --cfg-scale 1 too). EXTBENCH_VKFLOW names
# another vkflow binary (default: bin/vkflow of the vkflow bundle); EXTBENCH_VRAM the budget.
source "$(dirname "$0")/common.sh"
part=${1:-summary} WH=${2:-512}
STEPS=4 SEED=42 VRAM=${EXTBENCH_VRAM:-8GiB}
PROMPT="a photo of an astronaut riding a horse on mars"
# EXTBENCH_SMOKE=1: 64x64, 1 step — only checks the scripts run (e.g. on the build host).
[ "${EXTBENCH_SMOKE:-0}" = 1 ] && WH=64 STEPS=1
DIT=$MODELS/flux1-schnell-random-Q4_K.gguf T5=$MODELS/t5xxl_fp16.safetensors
CLIPL=$MODELS/clip_l.safetensors AE=$MODELS/ae.safetensors

need_models() {
  for f in "$DIT" "$T5" "$CLIPL" "$AE"; do
    [ -s "$f" ] || { echo "missing $f: run 'bash bench/device/flux.sh models' first" >&2; exit 1; }
  done
}

# Both set VKB / SD in this shell: an export inside $(...) would not reach the caller.
vkflow_bin() {
  if [ -n "${EXTBENCH_VKFLOW:-}" ]; then VKB=$EXTBENCH_VKFLOW; return; fi
  local vk; vk=$(unpack vkflow)
  export LD_LIBRARY_PATH="$(libpath_for "$vk")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  [ -x "$vk/bin/vkflow" ] || { echo "no bin/vkflow in the vkflow bundle (re-run bench/device/pack.sh)" >&2; exit 1; }
  VKB=$vk/bin/vkflow
}

sdcpp_bin() {
  local sd; sd=$(unpack sdcpp)
  export LD_LIBRARY_PATH="$(libpath_for "$sd")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  head -5 "$sd/VERSION" > "$LOGS/sdcpp_version.txt" 2>/dev/null || true
  SD=$sd/bin/sd-cli
}

case $part in
  models)
    bash "$(dirname "$0")/models.sh" flux
    ls -l "$MODELS" | tee "$LOGS/flux_models.txt" ;;
  devices)
    vkflow_bin
    step flux_vkflow_devices "$VKB" devices
    step flux_vkflow_inspect "$VKB" inspect "$DIT" "$T5" "$CLIPL" "$AE"
    sdcpp_bin
    step flux_sdcpp_devices "$SD" --list-devices ;;
  vkflow|stock)
    need_models
    vkflow_bin
    WF=$ROOT/bench/device/flux_schnell_bench.json name=flux_vkflow_$WH
    if [ "$part" = stock ]; then WF=$ROOT/workflows/flux_schnell.json name=flux_vkflow_stock_$WH; fi
    SETS=(--set unet.unet_name="$DIT" --set clip.clip_name1="$T5" --set clip.clip_name2="$CLIPL" --set vae.vae_name="$AE"
          --set latent.width="$WH" --set latent.height="$WH" --set sampler.steps="$STEPS" --set sampler.seed="$SEED")
    step ${name}_plan "$VKB" plan "$WF" "${SETS[@]}" --vram "$VRAM"
    "$VKB" plan "$WF" "${SETS[@]}" --vram "$VRAM" --json > "$LOGS/${name}_plan.json" 2>> "$LOGS/${name}_plan.log" || true
    runs=${3:-2}
    [ "$part" = stock ] && runs=${3:-1}
    for run in $(seq 1 "$runs"); do  # fresh processes: run 1 builds the Vulkan pipelines
      step ${name}_run$run "$VKB" -v run "$WF" "${SETS[@]}" --vram "$VRAM" --out "$WORK/flux_out" \
        --events "$LOGS/${name}_run$run.events.jsonl"
    done ;;
  sdcpp)
    need_models
    sdcpp_bin
    runs=${3:-$([ "$WH" -le 512 ] && echo 2 || echo 1)}
    for run in $(seq 1 "$runs"); do
      step flux_sdcpp_${WH}_run$run "$SD" --diffusion-model "$DIT" --clip_l "$CLIPL" --t5xxl "$T5" --vae "$AE" \
        --clip-on-cpu --vae-on-cpu --vae-tiling --cfg-scale 1.0 --sampling-method euler --steps "$STEPS" \
        -W "$WH" -H "$WH" -p "$PROMPT" -s "$SEED" -t "$THREADS" -o "$WORK/flux_sdcpp_${WH}_$run.png"
    done ;;
  summary) ;;
  *) echo "usage: flux.sh models|devices|vkflow SIZE [RUNS]|stock SIZE|sdcpp SIZE [RUNS]|summary" >&2; exit 2 ;;
esac
python3 "$(dirname "$0")/summarize.py" "$LOGS" | tee "$LOGS/summary.md"
