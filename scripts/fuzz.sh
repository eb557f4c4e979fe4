#!/usr/bin/env bash
# Builds the model-file reader fuzz targets with clang (ASan + UBSan + libFuzzer) in
# build-fuzz/ and runs each for FUZZ_SECONDS (default 40) from a seed corpus.
# Usage: scripts/fuzz.sh [BUILD_DIR]   — fails on any crash, hang, leak or sanitizer report.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build-fuzz}
SECONDS_PER_TARGET=${FUZZ_SECONDS:-30}
CC=${FUZZ_CC:-clang} CXX=${FUZZ_CXX:-clang++} cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DVKFLOW_BUILD_FUZZ=ON -DVKFLOW_BUILD_TESTS=OFF -DVKFLOW_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD" -j "${JOBS:-2}" --target fuzz_all
rm -rf "$BUILD/corpus"
python3 fuzz/make_seeds.py "$BUILD/corpus" .
status=0
for t in safetensors gguf torch whisper_bin; do
  mkdir -p "$BUILD/corpus/$t" "$BUILD/artifacts/$t"
  echo "== fuzz_$t for ${SECONDS_PER_TARGET}s"
  if ! "$BUILD/fuzz/fuzz_$t" "$BUILD/corpus/$t" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 \
      -rss_limit_mb=2048 -max_len=262144 -artifact_prefix="$BUILD/artifacts/$t/" -print_final_stats=1 \
      >"$BUILD/fuzz_$t.log" 2>&1; then
    echo "fuzz_$t FAILED (see $BUILD/fuzz_$t.log and $BUILD/artifacts/$t/):"
    tail -40 "$BUILD/fuzz_$t.log"
    status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$BUILD/fuzz_$t.log" | tail -2
  fi
done
exit $status
