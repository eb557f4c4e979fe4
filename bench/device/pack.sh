#!/usr/bin/env bash
# Run on the build host (not the GPU machine), from the checkout that will travel: assembles
# .carry/extbench/ — the shared random-model tool, the manifests (SD1.5, Whisper, and FLUX's four:
# transformer, T5-XXL, CLIP-L, AE), the Whisper assets it needs, a 35-s speech file, the
# stable-diffusion.cpp and whisper.cpp bundles (bench/ext), and a bundle of vkflow's bench
# executables and the `vkflow` CLI with their libraries. (bench/tools/make_random_gguf.py and
# bench/device/flux_schnell_bench.json are tracked files: they travel with the working tree.)
# It prints what to carry for each device script (and `.gl`, for a GPU machine without a Vulkan
# loader). Needs build/bench/sd15_bench and build/vkflow built first; whisper_bench is packed
# when it exists.
#   bash bench/device/pack.sh [EXT_BUNDLES_DIR=/work/ext/bundles] [SHARED=/work/shared]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
EXT=${1:-/work/ext/bundles}
SHARED=${2:-$ROOT/../shared}
[ -d "$SHARED/fixtures" ] || SHARED=/work/shared
C=$ROOT/.carry/extbench
rm -rf "$C"; mkdir -p "$C/tools" "$C/manifests" "$C/assets/whisper" "$C/audio"
cp "$SHARED/tools/make_random.py" "$SHARED/tools/safetensors_lite.py" "$C/tools/"
for m in sd15_v1-5-pruned-emaonly-fp16.safetensors whisper_ggml-large-v3-turbo.bin whisper_ggml-base.bin \
         flux1-schnell.safetensors t5xxl_fp16.safetensors clip_l.safetensors flux_ae.safetensors; do
  cp "$SHARED/fixtures/manifests/$m.json" "$C/manifests/"
done
cp "$SHARED/fixtures/assets/whisper/mel_filters.safetensors" "$SHARED/fixtures/assets/whisper/multilingual.tiktoken" "$C/assets/whisper/"
cp "$SHARED/fixtures/audio/speech_35s.wav" "$C/audio/"
for b in sdcpp whisper; do
  if [ -f "$EXT/$b.tar.xz" ]; then cp "$EXT/$b.tar.xz" "$C/"; else echo "pack.sh: no $EXT/$b.tar.xz (see bench/ext/README.md)" >&2; fi
done
exes=()
for n in sd15_bench whisper_bench ops_bench; do
  [ -x "$ROOT/build/bench/$n" ] && exes+=("$ROOT/build/bench/$n")
done
if [ -x "$ROOT/build/vkflow" ]; then exes+=("$ROOT/build/vkflow"); else echo "pack.sh: no build/vkflow (flux.sh needs it)" >&2; fi
if [ ${#exes[@]} -gt 0 ]; then
  bash "$ROOT/bench/device/bundle.sh" "$C/vkflow.tar.xz" --note "vkflow $(git -C "$ROOT" rev-parse --short HEAD)" "${exes[@]}"
else
  echo "pack.sh: no vkflow bench executables in $ROOT/build/bench (build sd15_bench / whisper_bench first)" >&2
fi
du -sh "$C"/* | sed "s|$ROOT/||"
# carry is limited per device call (64 MiB), and out/extbench (models, unpacked bundles) stays
# on a warm machine between calls: carry what each script needs.
E=.carry/extbench
echo "carry for sd15.sh:    [\"$E/tools\", \"$E/manifests\", \"$E/sdcpp.tar.xz\", \"$E/vkflow.tar.xz\", \".gl\"]"
echo "carry for whisper.sh: [\"$E/tools\", \"$E/manifests\", \"$E/assets\", \"$E/audio\", \"$E/whisper.tar.xz\", \"$E/vkflow.tar.xz\", \".gl\"]"
echo "carry for flux.sh:    [\"$E/tools\", \"$E/manifests\", \"$E/sdcpp.tar.xz\", \"$E/vkflow.tar.xz\", \".gl\"]"
for set in "tools manifests sdcpp.tar.xz vkflow.tar.xz" "tools manifests assets audio whisper.tar.xz vkflow.tar.xz"; do  # (flux.sh: as sd15.sh)
  mib=$(cd "$C" && { du -scm $set 2>/dev/null || true; } | tail -1 | cut -f1)
  [ "$mib" -lt 62 ] || echo "pack.sh: WARNING: {$set} is ${mib} MiB, over what one call can carry" >&2
done
