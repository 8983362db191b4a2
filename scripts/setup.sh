#!/usr/bin/env bash
# Sets up a checkout: Node >= 22.12 (from the npm registry where the machine's is older), the packages
# exactly as the lockfile pins them, and the image model (converted from the TFLite original, checked by
# hash). Safe to run again: each step does nothing when it is already done.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh

# Install scripts are skipped: the native modules ship Node-API prebuilds, and the two scripts that would run
# (Electron's binary download, onnxruntime-node's CUDA download) need the web; scripts/start.sh fetches
# Electron when it can, and README explains the CUDA libraries.
stamp=node_modules/.install-stamp
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "setup: installing packages (npm ci)"
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund
  touch "$stamp"
fi

# The kit's model mirror, when it sits beside the repo (CI, team machines); otherwise the upstream address.
if [ -z "${STYLIST_MODEL_MIRROR:-}" ] && [ -d ../shared/models ]; then export STYLIST_MODEL_MIRROR="$PWD/../shared/models"; fi
node electron/core/models/provision-cli.ts
