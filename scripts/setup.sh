#!/usr/bin/env bash
# Installs whatever is missing on a fresh machine; fast and silent when everything is there.
# Usage: scripts/setup.sh [browser|docs]   (browser: also Chromium, its driver and fonts for tests;
#        docs: the docs tests' Python venv in .tools/docs-venv, from python/requirements-test.txt)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }

# Rust target for the page.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli at exactly the version in Cargo.lock, cached in .tools/.
if [ ! -f Cargo.lock ]; then cargo generate-lockfile; fi
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
have=$(.tools/bin/wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want into .tools/ (about 3 minutes, once)"
  cargo install wasm-bindgen-cli --version "$want" --root .tools
fi

# Test tooling, wasm-opt (npm package binaryen; never Debian's, see TOOLCHAIN.md) and esbuild for `make dist`.
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/binaryen ] || [ ! -d node_modules/esbuild ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

# The real log writers behind the event-file and MLflow tests (tests/writers/make_logs.py), in .tools/venv.
venv=.tools/venv
if ! "$venv/bin/python" -c 'import tensorboardX, tensorboard, mlflow' 2>/dev/null; then
  say "installing tensorboardX, tensorboard and mlflow-skinny into .tools/venv (about 1 minute, once)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check \
    tensorboardX==2.6.5 tensorboard==2.21.0 mlflow-skinny==3.17.2
fi

if [ "${1:-}" = browser ]; then
  missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  [ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
  [ -d /usr/share/fonts/truetype/liberation ] || missing+=(fonts-liberation)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      say "installing ${missing[*]} from Debian"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      say "please install as root: apt-get install -y ${missing[*]}"
      exit 1
    fi
  fi
fi

# Sphinx, MkDocs and setuptools at the pinned versions, for the plateau-docs wheel and its tests.
if [ "${1:-}" = docs ]; then
  venv=.tools/docs-venv
  if ! cmp -s python/requirements-test.txt "$venv/requirements-test.txt"; then
    say "installing Sphinx and MkDocs into $venv (python/requirements-test.txt)"
    if [ ! -x "$venv/bin/pip" ] && ! python3 -m venv "$venv" >/dev/null 2>&1; then
      # Debian's python3 makes venvs only with python3-venv.
      rm -rf "$venv"
      say "installing python3-venv from Debian"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
      python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r python/requirements-test.txt
    cp python/requirements-test.txt "$venv/requirements-test.txt"
  fi
fi
