# Sourced by the bench/device/*.sh scripts (run from the repository root on the GPU machine).
# Sets: ROOT, CARRY (.carry/extbench), WORK (scratch kept between runs: out/extbench), LOGS
# ($OUT/extbench, or out/extbench/logs without $OUT), MODELS, and PATH-like variables for the
# unpacked bundles; makes a Vulkan loader available when the system has none.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CARRY=${EXTBENCH_CARRY:-$ROOT/.carry/extbench}
WORK=${EXTBENCH_WORK:-$ROOT/out/extbench}
LOGS=${OUT:-$WORK}/extbench
MODELS=$WORK/models
THREADS=${EXTBENCH_THREADS:-$(nproc)}
mkdir -p "$WORK" "$LOGS" "$MODELS"

say() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$LOGS/steps.log"; }

# Bundles: unpacked once into $WORK/<name> (re-unpacked when the tarball changes).
unpack() {  # unpack NAME -> echoes the folder
  local tb="$CARRY/$1.tar.xz" dst="$WORK/$1"
  # A warm machine keeps what an earlier call unpacked: carry each bundle once, in any call.
  if [ ! -f "$tb" ] && [ -f "$dst/.stamp" ]; then echo "$dst"; return; fi
  [ -f "$tb" ] || { echo "missing bundle $tb (run bench/device/pack.sh on the build host)" >&2; return 1; }
  local stamp; stamp=$(stat -c %s.%Y "$tb")
  if [ ! -f "$dst/.stamp" ] || [ "$(cat "$dst/.stamp")" != "$stamp" ]; then
    rm -rf "$dst"; mkdir -p "$dst"; tar -xJf "$tb" -C "$dst"; echo "$stamp" > "$dst/.stamp"
  fi
  echo "$dst"
}

# Libraries a bundle carries (lib/) are used only where the system lacks them: a bundled
# libstdc++ older than the driver's needs must not shadow the system one.
libpath_for() {  # libpath_for BUNDLE_DIR -> echoes a folder of links to the missing libs
  local b=$1 d=$1/lib.missing
  rm -rf "$d"; mkdir -p "$d"
  for f in "$b"/lib/*; do
    [ -e "$f" ] || continue
    local n; n=$(basename "$f")
    ldconfig -p 2>/dev/null | grep -q "^\s*$n " || ln -sf "$f" "$d/$n"
  done
  echo "$d"
}

# Vulkan loader (+ glvnd, which the NVIDIA ICD links) from .gl/*.deb when the system has none.
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 '; then
  if [ -d "$ROOT/.gl" ] && [ ! -d "$WORK/gl/usr" ]; then
    mkdir -p "$WORK/gl"; for deb in "$ROOT"/.gl/*.deb; do dpkg -x "$deb" "$WORK/gl"; done
  fi
  [ -d "$WORK/gl/usr/lib/x86_64-linux-gnu" ] && export LD_LIBRARY_PATH="$WORK/gl/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi

# Peak GPU memory of everything on the GPU while a command runs, sampled every 50 ms
# (nvidia-smi), minus what was in use before it started. Prints "peak_vram_mib: N" after it.
with_vram() {  # with_vram LOGFILE cmd args...
  local log=$1; shift
  if command -v nvidia-smi >/dev/null 2>&1; then
    local base; base=$(nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits | head -1)
    nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 50 > "$log.vram" 2>/dev/null &
    local smi=$!
    local rc=0; "$@" >> "$log" 2>&1 || rc=$?
    kill "$smi" 2>/dev/null; wait "$smi" 2>/dev/null || true
    local peak; peak=$(sort -n "$log.vram" | tail -1)
    echo "peak_vram_mib: $(( ${peak:-0} - ${base:-0} )) (nvidia-smi, over a baseline of ${base} MiB)" >> "$log"
    return $rc
  fi
  "$@" >> "$log" 2>&1
}

# Runs a logged step: the command line first, then its output and wall time; never aborts the script.
step() {  # step NAME cmd args...
  local name=$1; shift
  local log="$LOGS/$name.log"
  { echo "\$ $*"; echo "# $(date -u) threads=$THREADS"; } > "$log"
  say "$name: $*"
  local t0; t0=$(date +%s.%N)
  local rc=0; with_vram "$log" "$@" || rc=$?
  echo "wall_s: $(python3 -c 'import sys; print(round(float(sys.argv[1]) - float(sys.argv[2]), 3))' "$(date +%s.%N)" "$t0") rc: $rc" >> "$log"
  say "$name: rc=$rc ($(tail -1 "$log"))"
}
