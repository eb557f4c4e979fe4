#!/usr/bin/env bash
# pack_data.sh FILE...: commits each data FILE xz-packed as FILE.tar.xz (one file inside, made
# reproducibly) and keeps FILE itself out of git (.gitignore), to keep the repository small.
# cmake/UnpackData.cmake unpacks FILE again beside its archive when the build is configured.
set -euo pipefail
cd "$(dirname "$0")/.."
marker="# unpacked from their .tar.xz at configure time (cmake/UnpackData.cmake, scripts/pack_data.sh)"
grep -qxF "$marker" .gitignore || printf '\n%s\n' "$marker" >> .gitignore
for f in "$@"; do
  [ -f "$f" ] || { echo "pack_data: $f is not a file" >&2; exit 1; }
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$(dirname "$f")" -cf - "$(basename "$f")" \
    | xz -9e -T1 > "$f.tar.xz"
  git rm -q --cached --ignore-unmatch "$f"
  grep -qxF "/$f" .gitignore || echo "/$f" >> .gitignore
  git add "$f.tar.xz"
  echo "$f: $(stat -c %s "$f") -> $(stat -c %s "$f.tar.xz") bytes"
done
git add .gitignore
