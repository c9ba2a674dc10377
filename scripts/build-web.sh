#!/usr/bin/env bash
# Release wasm -> wasm-bindgen (--target web) into www/pkg/ -> wasm-opt -Oz.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --lib --profile wasm --target wasm32-unknown-unknown --no-default-features
raw=target/wasm32-unknown-unknown/wasm/plateau.wasm
mkdir -p www/pkg
.tools/bin/wasm-bindgen --target web --remove-name-section --no-typescript --out-dir www/pkg "$raw"
node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  www/pkg/plateau_bg.wasm -o www/pkg/plateau_bg.wasm
size=$(stat -c %s www/pkg/plateau_bg.wasm)
gz=$(gzip -9 -c www/pkg/plateau_bg.wasm | wc -c)
printf 'build: www/pkg/plateau_bg.wasm %d KB raw, %d KB gzip\n' $((size / 1024)) $((gz / 1024))
