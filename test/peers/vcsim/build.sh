#!/usr/bin/env bash
# Builds the vcsim launcher (test/peers/vcsim/*.go) against Debian's govmomi library, offline:
#   bash test/peers/vcsim/build.sh            -> out/peers/vcsim/vcsim (prints its path)
# Installs golang-go and golang-github-vmware-govmomi-dev with apt if missing (root, Debian 12). Rebuilds only when a
# .go file is newer than the binary. Fails loudly when it cannot build: the vSphere tests must not run without it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="${VCSIM_OUT:-$root/out/peers/vcsim}"
bin="$out/vcsim"
gocode=/usr/share/gocode

if ! command -v go >/dev/null 2>&1 || [ ! -d "$gocode/src/github.com/vmware/govmomi/simulator" ]; then
  echo "vcsim: installing golang-go golang-github-vmware-govmomi-dev (apt)" >&2
  export DEBIAN_FRONTEND=noninteractive
  sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_="sudo -n"
  # Other jobs may hold the dpkg lock for a while: wait for it rather than fail.
  $sudo_ apt-get -o DPkg::Lock::Timeout=600 update -q >&2
  $sudo_ apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends golang-go golang-github-vmware-govmomi-dev </dev/null >&2
fi

if [ -x "$bin" ] && [ -z "$(find "$here" -name '*.go' -newer "$bin" -print -quit)" ]; then
  echo "$bin"; exit 0
fi

mkdir -p "$out/gopath/src/vcsimlauncher" "$out/gocache"
cp "$here"/*.go "$out/gopath/src/vcsimlauncher/"
start=$(date +%s)
( cd "$out/gopath/src/vcsimlauncher" &&
  GO111MODULE=off GOPATH="$out/gopath:$gocode" GOCACHE="$out/gocache" \
    go build -o "$bin.tmp" . )
mv "$bin.tmp" "$bin"
echo "vcsim: built in $(( $(date +%s) - start )) s" >&2
echo "$bin"
