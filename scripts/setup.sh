#!/usr/bin/env bash
# Installs the Debian 12 packages vkflow builds and tests with; skips what is already there.
set -euo pipefail
PKGS=(
  build-essential cmake ninja-build pkg-config git
  libvulkan-dev glslang-dev glslang-tools spirv-tools mesa-vulkan-drivers vulkan-tools
  nlohmann-json3-dev libboost-graph-dev libpng-dev zlib1g-dev libsndfile1-dev libspdlog-dev libfmt-dev
  libcli11-dev libsamplerate0-dev libfftw3-dev libopenblas-dev libicu-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  clang libclang-rt-14-dev
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: all packages present"
fi
