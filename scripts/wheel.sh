#!/usr/bin/env bash
# The plateau-docs wheel: python/plateau_docs with the element's files from dist/npm/ (written by
# `make dist`) bundled under plateau_docs/static/plateau/, built in a staging copy into dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.tools/venv
stage=dist/python/plateau_docs
[ -f dist/npm/pkg/plateau_bg.wasm ] || { echo "wheel: dist/npm/ is missing: run make dist first" >&2; exit 1; }
rm -rf dist/python dist/plateau_docs-*.whl
mkdir -p dist/python
cp -r python/plateau_docs "$stage"
assets="$stage/src/plateau_docs/static/plateau"
mkdir -p "$assets"
cp dist/npm/*.js "$assets/"
cp -r dist/npm/pkg "$assets/"
"$venv/bin/python" -m pip wheel --quiet --no-deps --no-build-isolation --no-index --wheel-dir dist "$stage"
printf 'wheel: %s\n' "$(ls dist/plateau_docs-*.whl)"
