#!/usr/bin/env bash
# Sets up and runs every test: type check, lint, unit and integration tests of the core with the real
# native modules and the real model, and the browser tests in Chromium against the real core.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/node-env.sh

chromium="${STYLIST_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test: installing Debian's chromium for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "test: the browser tests need Chromium at $chromium (sudo apt-get install chromium, or set STYLIST_CHROMIUM)" >&2
    exit 1
  fi
fi

npm run --silent build:renderer
npm run --silent typecheck
npm run --silent lint
# The Electron build compiles, and the packaging config covers it and every native library.
npm run --silent build:electron
node scripts/check-packaging.ts --require-build
npx vitest run
npx playwright test
npx playwright test -c playwright.electron.config.ts
