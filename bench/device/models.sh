#!/usr/bin/env bash
# Full-size model files of random weights, built on the GPU machine from the shared manifests
# (make_random.py is deterministic: the same manifest gives the same bytes everywhere).
# Skips files that already exist. Usage: bash bench/device/models.sh [sd15] [turbo] [base]
source "$(dirname "$0")/common.sh"
want=${*:-sd15 turbo base}
PY=${PYTHON:-python3}
T=$CARRY/tools M=$CARRY/manifests
gen() {  # gen OUTFILE KIND MANIFEST [ASSETS_DIR]
  local out=$1 kind=$2 manifest=$3; shift 3
  if [ -s "$out" ]; then say "have $out ($(stat -c %s "$out") bytes)"; return; fi
  say "making $out"
  local t0=$SECONDS
  "$PY" "$T/make_random.py" "$kind" "$manifest" "$out.part" "$@" > "$LOGS/models.$(basename "$out").log" 2>&1 && mv "$out.part" "$out"
  [ -s "$out" ] || { cat "$LOGS/models.$(basename "$out").log"; say "FAILED making $out"; return 1; }
  say "made $out in $((SECONDS - t0)) s ($(stat -c %s "$out") bytes)"
}
for w in $want; do
  case $w in
    sd15)  gen "$MODELS/sd15-random.safetensors" safetensors "$M/sd15_v1-5-pruned-emaonly-fp16.safetensors.json" ;;
    turbo) gen "$MODELS/ggml-large-v3-turbo-random.bin" whisper "$M/whisper_ggml-large-v3-turbo.bin.json" "$CARRY/assets" ;;
    base)  gen "$MODELS/ggml-base-random.bin" whisper "$M/whisper_ggml-base.bin.json" "$CARRY/assets" ;;
    *) echo "unknown model '$w' (sd15, turbo, base)" >&2; exit 2 ;;
  esac
done
