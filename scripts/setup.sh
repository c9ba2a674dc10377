#!/usr/bin/env bash
# Installs whatever is missing on a fresh machine; fast and silent when everything is there.
# Usage: scripts/setup.sh [browser|ceiling]   (browser: also Chromium, its driver and fonts for tests;
#        ceiling: only the Python venv of `make bench-ceiling`)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }

# A Python venv at `$1` with the packages of requirements file `$2` (`$3` says what for): made and
# installed when the file differs from the copy kept in the venv. pip runs as `python -m pip`, so a
# venv whose scripts name another folder (one copied from another checkout) still installs.
python_venv() {
  local venv=$1 requirements=$2
  if cmp -s "$requirements" "$venv/$(basename "$requirements")"; then return; fi
  say "installing $3 into $venv ($requirements; $4, once)"
  if [ ! -x "$venv/bin/python" ] && ! python3 -m venv "$venv" >/dev/null 2>&1; then
    # Debian's python3 makes venvs only with python3-venv.
    rm -rf "$venv"
    say "installing python3-venv from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$venv"
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$venv/$(basename "$requirements")"
}

# `make bench-ceiling` needs only numpy and scikit-learn, in their own venv.
if [ "${1:-}" = ceiling ]; then
  python_venv .tools/venv-ceiling scripts/labelled/requirements-ceiling.txt "numpy and scikit-learn" "one to two minutes"
  exit 0
fi

# Rust target for the page.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli at exactly the version in Cargo.lock, cached in .tools/. Without its default feature
# (rustls for HTTPS): the test runner only talks to the local chromedriver over plain HTTP, and rustls
# with its crypto is a good part of the build.
if [ ! -f Cargo.lock ]; then cargo generate-lockfile; fi
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
have=$(.tools/bin/wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want into .tools/ (about 3 minutes, once)"
  cargo install wasm-bindgen-cli --version "$want" --no-default-features --root .tools
fi

# Test tooling, wasm-opt (npm package binaryen; never Debian's, see TOOLCHAIN.md) and esbuild for `make dist`.
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/binaryen ] || [ ! -d node_modules/esbuild ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

# The tests' Python packages (log writers, Sphinx, MkDocs, setuptools) in one venv, .tools/venv, at the
# versions in python/requirements-test.txt.
python_venv .tools/venv python/requirements-test.txt "the tests' Python packages" "about 1.5 minutes"

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
