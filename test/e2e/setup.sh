#!/usr/bin/env bash
# Installs a real VS Code (code-server 4.100.3 = VS Code 1.100.3), Debian chromium and playwright-core
# into .vscode-test/ — offline-safe: only Debian apt and the npm registry are used.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tools="$root/.vscode-test"
need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v rg >/dev/null || need_apt+=(ripgrep)
command -v openssl >/dev/null || need_apt+=(openssl)
command -v curl >/dev/null || need_apt+=(curl)
for p in libkrb5-dev libxkbfile-dev libsecret-1-dev pkg-config build-essential; do
  dpkg -s "$p" >/dev/null 2>&1 || need_apt+=("$p")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
if [ -x "$tools/node_modules/.bin/code-server" ] && [ -d "$tools/node_modules/playwright-core" ]; then
  echo "code-server already installed in $tools"; exit 0
fi
# @vscode/ripgrep downloads its binary from a code host: pre-seed its cache with Debian's rg.
cache="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
mkdir -p "$cache"
if [ ! -f "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" ]; then
  tmp=$(mktemp -d); cp "$(command -v rg)" "$tmp/rg"
  tar -C "$tmp" -czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" rg; rm -rf "$tmp"
fi
mkdir -p "$tools"
cd "$tools"
[ -f package.json ] || echo '{"name":"vscode-test-tools","private":true}' > package.json
npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund --loglevel=error code-server@4.100.3 playwright-core@1 >/dev/null
echo "code-server installed in $tools"
