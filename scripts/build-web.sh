#!/usr/bin/env bash
# Release wasm -> wasm-bindgen (--target web, with TypeScript declarations) into www/pkg/ -> wasm-opt -Oz.
# `--test`: the browser tests' build instead (feature `crash-test`, see Cargo.toml) into
# target/e2e/pkg/, which the test server serves as www/pkg/; www/pkg/ and `make dist` never hold it.
set -euo pipefail
cd "$(dirname "$0")/.."
out=www/pkg
# One module for the main thread and the workers: both halves of the exports (see Cargo.toml).
features=page,worker
if [[ "${1:-}" == --test ]]; then
  out=target/e2e/pkg
  features+=,crash-test
fi
cargo build --lib --profile wasm --target wasm32-unknown-unknown --no-default-features --features "$features"
raw=target/wasm32-unknown-unknown/wasm/plateau.wasm
mkdir -p "$out"
.tools/bin/wasm-bindgen --target web --remove-name-section --out-dir "$out" "$raw"
node_modules/.bin/wasm-opt -Oz --converge --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$out/plateau_bg.wasm" -o "$out/plateau_bg.wasm"
size=$(stat -c %s "$out/plateau_bg.wasm")
gz=$(gzip -9 -c "$out/plateau_bg.wasm" | wc -c)
printf 'build: %s/plateau_bg.wasm %d KB raw, %d KB gzip\n' "$out" $((size / 1024)) $((gz / 1024))
