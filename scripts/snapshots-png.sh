#!/usr/bin/env bash
# Renders every SVG snapshot in tests/snapshots/ to a PNG in tests/snapshots/png/ with headless
# Chromium, so a changed drawing can be looked at before it is accepted.
set -euo pipefail
cd "$(dirname "$0")/.."
out=tests/snapshots/png
mkdir -p "$out"
for svg in tests/snapshots/*.svg; do
  name=$(basename "$svg" .svg)
  size=$(grep -o '<svg[^>]*' "$svg" | grep -o 'width="[0-9]*" height="[0-9]*"' | tr -dc '0-9 ' | tr ' ' ',' | sed 's/,,*/,/g; s/^,//; s/,$//')
  chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --hide-scrollbars \
    --screenshot="$out/$name.png" --window-size="$size" "file://$PWD/$svg" >/dev/null 2>&1
  echo "snapshots: $out/$name.png"
done
