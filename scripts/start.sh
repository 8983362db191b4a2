#!/usr/bin/env bash
# Sets up and runs the app: Electron where its binary exists or can be fetched; otherwise the same window
# in the browser, with the real core on 127.0.0.1 (it says so, and prints the address).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/node-env.sh
npm run --silent build:renderer

electron_ready() { node -e "const p=require('electron');process.exit(require('fs').existsSync(p)?0:1)" 2>/dev/null; }
if ! electron_ready && [ -z "${STYLIST_BROWSER:-}" ]; then
  echo "start: fetching the Electron binary..."
  timeout 120 node node_modules/electron/install.js >/dev/null 2>&1 || true
fi
if electron_ready && [ -z "${STYLIST_BROWSER:-}" ]; then
  npm run --silent build:electron
  exec npx electron .
fi
echo "start: the Electron binary is not available here (it could not be downloaded), so the app runs in your browser instead."
exec node electron/core/cli/stylist.ts serve "$@"
