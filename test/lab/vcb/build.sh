#!/usr/bin/env bash
# Builds the VCB lab's vSphere helper (test/lab/vcb/vimhelper/main.go) against Debian's govmomi client, offline, as
# test/peers/vcsim/build.sh does (it also apt-installs golang-go and golang-github-vmware-govmomi-dev when missing):
#   bash test/lab/vcb/build.sh            -> out/lab/vcb/vimhelper (prints its path)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="${VCB_LAB_OUT:-$root/out/lab/vcb}"
bin="$out/vimhelper"
gocode=/usr/share/gocode

if ! command -v go >/dev/null 2>&1 || [ ! -d "$gocode/src/github.com/vmware/govmomi/object" ]; then
  echo "vcb lab: installing golang-go golang-github-vmware-govmomi-dev (apt)" >&2
  export DEBIAN_FRONTEND=noninteractive
  sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_="sudo -n"
  $sudo_ apt-get -o DPkg::Lock::Timeout=600 update -q >&2
  $sudo_ apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends golang-go golang-github-vmware-govmomi-dev </dev/null >&2
fi

if [ -x "$bin" ] && [ -z "$(find "$here/vimhelper" -name '*.go' -newer "$bin" -print -quit)" ]; then
  echo "$bin"; exit 0
fi

mkdir -p "$out/gopath/src/vimhelper" "$out/gocache"
cp "$here"/vimhelper/*.go "$out/gopath/src/vimhelper/"
start=$(date +%s)
( cd "$out/gopath/src/vimhelper" &&
  GO111MODULE=off GOPATH="$out/gopath:$gocode" GOCACHE="$out/gocache" \
    go build -o "$bin.tmp" . )
mv "$bin.tmp" "$bin"
echo "vcb lab: vimhelper built in $(( $(date +%s) - start )) s" >&2
echo "$bin"
