#!/usr/bin/env bash
# Weight-loading benchmark on a GPU machine: writes a full-size random-byte safetensors laid
# out as a real model's manifest onto local disk (never under $OUT), then runs load_bench
# (raw read / load to CPU / load to Vulkan, with and without O_DIRECT; cold and warm).
#   bench/load_bench_device.sh [manifest.json] [repeat]
# Defaults: FLUX.1-schnell transformer (23.8 GB BF16), 3 repetitions. Needs the load_bench
# binary (LOAD_BENCH, default build/bench/load_bench) and its shared libraries.
set -euo pipefail
BIN=${LOAD_BENCH:-build/bench/load_bench}
MANIFEST=${1:-tests/data/formats/manifests/flux1-schnell.safetensors.json}
REPEAT=${2:-3}
FILE=${LOAD_BENCH_FILE:-/tmp/vkflow_load_bench_$(basename "$MANIFEST" .json)}
LOG=${OUT:-/tmp}/load_bench.md
{
  echo "host: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM"
  df -h "$(dirname "$FILE")" | tail -1
  findmnt -no SOURCE,FSTYPE -T "$(dirname "$FILE")" || true
} | tee "$LOG"
t0=$(date +%s)
[ -e "$FILE" ] || "$BIN" "$FILE" --make-from-manifest "$MANIFEST" --repeat 0 --devices none >/dev/null
echo "file written in $(( $(date +%s) - t0 )) s: $(du -h "$FILE" | cut -f1)" | tee -a "$LOG"
"$BIN" "$FILE" --repeat "$REPEAT" --odirect 2>&1 | tee -a "$LOG"
