#!/usr/bin/env bash
# Configures and builds vkflow into build/ (Release). Extra args go to cmake --build.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc)}
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-Release} >/dev/null
cmake --build build -j "$JOBS" "$@"
