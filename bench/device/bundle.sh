#!/usr/bin/env bash
# Packs executables and the shared libraries they need (ldd, minus glibc and the Vulkan loader,
# which the GPU machine provides) into one tar.xz: bin/NAME (stripped), lib/*.so*, VERSION.
#   bash bench/device/bundle.sh OUT.tar.xz [--note TEXT] EXE[:NAME] ...
# The device scripts put lib/ on LD_LIBRARY_PATH only for libraries the system lacks.
set -euo pipefail
out=$1; shift
note=""
[ "${1:-}" = --note ] && { note=$2; shift 2; }
[ $# -gt 0 ] || { echo "usage: bundle.sh OUT.tar.xz [--note TEXT] EXE[:NAME] ..." >&2; exit 2; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/lib"
skip='^(libc|libm|libdl|librt|libpthread|libresolv|libutil|ld-linux-x86-64|linux-vdso|libvulkan)\.so'
for spec in "$@"; do
  exe=${spec%%:*} name=${spec#*:}
  [ "$name" = "$spec" ] && name=$(basename "$exe")
  [ -x "$exe" ] || { echo "bundle.sh: $exe is not an executable" >&2; exit 1; }
  cp "$exe" "$stage/bin/$name"; strip "$stage/bin/$name"
  ldd "$exe" | awk '/=> \// {print $1, $3}' | while read -r soname path; do
    [[ $soname =~ $skip ]] && continue
    [ -e "$stage/lib/$soname" ] || cp -L "$path" "$stage/lib/$soname"
  done
  if ldd "$exe" | grep -q "not found"; then echo "bundle.sh: $exe has unresolved libraries:" >&2; ldd "$exe" | grep "not found" >&2; exit 1; fi
done
strip --strip-unneeded "$stage"/lib/* 2>/dev/null || true
{ echo "$note"; echo "built $(date -u +%FT%TZ) on $(. /etc/os-release; echo "$PRETTY_NAME"), $(gcc --version | head -1)"
  (cd "$stage" && ls -l bin lib); } > "$stage/VERSION"
mkdir -p "$(dirname "$out")"
XZ_OPT="${XZ_OPT:--4 -T2}" tar -C "$stage" -cJf "$out" .
echo "$out: $(du -h "$out" | cut -f1)"
