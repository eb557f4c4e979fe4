#!/usr/bin/env bash
# Full-size model files of random weights, built on the GPU machine from the shared manifests
# (make_random.py and bench/tools/make_random_gguf.py are deterministic: the same manifest gives
# the same bytes everywhere). Skips files that already exist.
# Usage: bash bench/device/models.sh [sd15] [turbo] [base] [flux]
#   flux: FLUX.1-schnell transformer as a city96-style Q4_K GGUF, T5-XXL fp16, CLIP-L, AE (~16.6 GB)
source "$(dirname "$0")/common.sh"
want=${*:-sd15 turbo base}
PY=${PYTHON:-python3}
T=$CARRY/tools M=$CARRY/manifests
gen() {  # gen OUTFILE KIND MANIFEST [ASSETS_DIR]
  local out=$1 kind=$2 manifest=$3; shift 3
  build_file "$out" "$T/make_random.py" "$kind" "$manifest" "$out.part" "$@"
}
gen_gguf() {  # gen_gguf OUTFILE MANIFEST TYPE
  build_file "$1" "$ROOT/bench/tools/make_random_gguf.py" "$2" "$1.part" --type "$3"
}
build_file() {  # build_file OUTFILE SCRIPT ARGS... (the script writes OUTFILE.part)
  local out=$1 script=$2; shift 2
  if [ -s "$out" ]; then say "have $out ($(stat -c %s "$out") bytes)"; return; fi
  say "making $out"
  local t0=$SECONDS
  "$PY" "$script" "$@" > "$LOGS/models.$(basename "$out").log" 2>&1 && mv "$out.part" "$out"
  [ -s "$out" ] || { cat "$LOGS/models.$(basename "$out").log"; say "FAILED making $out"; return 1; }
  say "made $out in $((SECONDS - t0)) s ($(stat -c %s "$out") bytes)"
}
for w in $want; do
  case $w in
    sd15)  gen "$MODELS/sd15-random.safetensors" safetensors "$M/sd15_v1-5-pruned-emaonly-fp16.safetensors.json" ;;
    turbo) gen "$MODELS/ggml-large-v3-turbo-random.bin" whisper "$M/whisper_ggml-large-v3-turbo.bin.json" "$CARRY/assets" ;;
    base)  gen "$MODELS/ggml-base-random.bin" whisper "$M/whisper_ggml-base.bin.json" "$CARRY/assets" ;;
    flux)  gen_gguf "$MODELS/flux1-schnell-random-Q4_K.gguf" "$M/flux1-schnell.safetensors.json" q4_k
           gen "$MODELS/t5xxl_fp16.safetensors" safetensors "$M/t5xxl_fp16.safetensors.json"
           gen "$MODELS/clip_l.safetensors" safetensors "$M/clip_l.safetensors.json"
           gen "$MODELS/ae.safetensors" safetensors "$M/flux_ae.safetensors.json" ;;
    *) echo "unknown model '$w' (sd15, turbo, base, flux)" >&2; exit 2 ;;
  esac
done
