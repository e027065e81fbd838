#!/usr/bin/env bash
# End-to-end test of `claimlint serve` in a real browser: Debian's Chromium driven by
# playwright-core (pinned in package-lock.json). Never downloads a browser.
#
# Installs what is missing (chromium from apt, node_modules with `npm ci`), builds the binary,
# then runs e2e/serve.spec.mjs and e2e/report.spec.mjs. Screenshots land in target/e2e/,
# docs/screenshot.png and docs/report.png.
#
#   e2e/run.sh            # debug build
#   PROFILE=release e2e/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "e2e: installing Debian's chromium" >&2
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update
  $sudo apt-get install -y --no-install-recommends chromium
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "e2e: node and npm are needed (apt-get install nodejs npm)" >&2
  exit 2
fi

PROFILE="${PROFILE:-debug}"
if [ "$PROFILE" = release ]; then
  cargo build --release --bin claimlint
else
  cargo build --bin claimlint
fi
export CLAIMLINT_BIN="target/$PROFILE/claimlint"

# playwright-core only: it has no browser download step, and we point it at $CHROMIUM.
(cd e2e && npm ci --no-audit --no-fund --loglevel=error)
node e2e/serve.spec.mjs
node e2e/report.spec.mjs
node e2e/writer.spec.mjs
