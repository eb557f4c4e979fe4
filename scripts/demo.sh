#!/usr/bin/env bash
# Set up, build, and run the default demo workflow; outputs land in out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
mkdir -p out
./build/vkflow run workflows/demo.json --out out "$@"
