#!/usr/bin/env bash
# Builds stable-diffusion.cpp and whisper.cpp from their public sources OUTSIDE the project
# (never committed) with their Vulkan backends and CPU-only, then bundles the executables
# (bench/device/bundle.sh) for the GPU machine. See bench/ext/README.md for where the sources
# come from and why each flag is set.
#   [EXT_DIR=/work/ext] [JOBS=2] bash bench/ext/build.sh [sd-vk|sd-cpu|wh-vk|wh-cpu|bundle ...]
# EXT_DIR/src/sdcpp (with ggml at its submodule commit in src/sdcpp/ggml) and EXT_DIR/src/whisper
# must exist. Builds go to EXT_DIR/build/<name>, bundles to EXT_DIR/bundles.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
EXT=${EXT_DIR:-/work/ext}
what=${*:-sd-vk wh-vk sd-cpu wh-cpu bundle}
JOBS=${JOBS:-2}
S=$EXT/src B=$EXT/build
# Release, static ggml (the executables carry no libggml*.so), portable x86-64-v3 (AVX2/FMA/F16C,
# no AVX-512: this host is an AMD EPYC, the GPU machine's CPU is another x86-64), OpenMP threads.
COMMON=(-G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON
        -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON -DGGML_OPENMP=ON -DCMAKE_C_FLAGS=-march=x86-64-v3
        -DCMAKE_CXX_FLAGS=-march=x86-64-v3)

sd_prepare() {
  # The source snapshot lacks blobs >= 4 MiB: LLM/T5 tokenizer vocab headers. SD1.5 needs none
  # of them; t5.hpp is rebuilt from the public T5 tokenizer.json (FLUX), the rest are stubs.
  python3 "$HERE/sdcpp_missing_vocab.py" "$S/sdcpp/src/tokenizers/vocab" "$EXT/../shared/fixtures/assets/t5_tokenizer/tokenizer.json" 2>/dev/null ||
    python3 "$HERE/sdcpp_missing_vocab.py" "$S/sdcpp/src/tokenizers/vocab" /work/shared/fixtures/assets/t5_tokenizer/tokenizer.json
}
build() {  # build NAME SRC TARGETS... -- CMAKE_ARGS...
  local name=$1 src=$2; shift 2
  local targets=()
  while [ "$1" != -- ]; do targets+=("$1"); shift; done; shift
  cmake -S "$src" -B "$B/$name" "${COMMON[@]}" "$@" > "$B/$name.configure.log" 2>&1 || { tail -20 "$B/$name.configure.log"; exit 1; }
  cmake --build "$B/$name" -j"$JOBS" --target "${targets[@]}"
}
mkdir -p "$B"
for w in $what; do
  case $w in
    sd-vk)  sd_prepare; build sd-vk "$S/sdcpp" sd-cli -- -DSD_VULKAN=ON -DSD_WEBP=OFF -DSD_WEBM=OFF ;;
    sd-cpu) sd_prepare; build sd-cpu "$S/sdcpp" sd-cli -- -DSD_WEBP=OFF -DSD_WEBM=OFF ;;
    wh-vk)  build wh-vk "$S/whisper" whisper-bench whisper-cli -- -DGGML_VULKAN=ON -DWHISPER_BUILD_TESTS=OFF -DWHISPER_BUILD_SERVER=OFF ;;
    wh-cpu) build wh-cpu "$S/whisper" whisper-bench whisper-cli -- -DWHISPER_BUILD_TESTS=OFF -DWHISPER_BUILD_SERVER=OFF ;;
    bundle)
      sdv=$(git -C "$S/sdcpp" rev-parse HEAD) ggv=$(git -C "$S/sdcpp/ggml" rev-parse HEAD) whv=$(git -C "$S/whisper" rev-parse HEAD)
      sd=("$B/sd-vk/bin/sd-cli"); [ -x "$B/sd-cpu/bin/sd-cli" ] && sd+=("$B/sd-cpu/bin/sd-cli:sd-cli-cpu")
      wh=("$B/wh-vk/bin/whisper-bench" "$B/wh-vk/bin/whisper-cli")
      [ -x "$B/wh-cpu/bin/whisper-bench" ] && wh+=("$B/wh-cpu/bin/whisper-bench:whisper-bench-cpu" "$B/wh-cpu/bin/whisper-cli:whisper-cli-cpu")
      bash "$HERE/../device/bundle.sh" "$EXT/bundles/sdcpp.tar.xz" --note "stable-diffusion.cpp $sdv (ggml $ggv); Vulkan: sd-cli, CPU-only: sd-cli-cpu" "${sd[@]}"
      bash "$HERE/../device/bundle.sh" "$EXT/bundles/whisper.tar.xz" --note "whisper.cpp $whv; Vulkan: whisper-bench/-cli, CPU-only: *-cpu" "${wh[@]}" ;;
    *) echo "unknown step '$w'" >&2; exit 2 ;;
  esac
done
