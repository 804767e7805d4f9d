#!/usr/bin/env bash
# The one Go build both Go programs of the vSphere labs share (test/peers/vcsim/build.sh: the vcsim launcher;
# test/lab/vcb/build.sh: the VCB lab's vimhelper), offline against Debian's govmomi library:
#   bash goBuild.sh <label> <source dir> <binary> <govmomi package that must be present, e.g. simulator>
# Installs golang-go and golang-github-vmware-govmomi-dev with apt when go or that package is missing (root or
# passwordless sudo, Debian 12; waits for another job's dpkg lock). Rebuilds only when a .go file of <source dir> is
# newer than <binary>. Prints the binary's path; fails loudly when it cannot build (the tests must not run without it).
set -euo pipefail
label="$1"; src="$(cd "$2" && pwd)"; bin="$3"; need="$4"
gocode=/usr/share/gocode

if ! command -v go >/dev/null 2>&1 || [ ! -d "$gocode/src/github.com/vmware/govmomi/$need" ]; then
  echo "$label: installing golang-go golang-github-vmware-govmomi-dev (apt)" >&2
  export DEBIAN_FRONTEND=noninteractive
  sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_="sudo -n"
  # Other jobs may hold the dpkg lock for a while: wait for it rather than fail.
  $sudo_ apt-get -o DPkg::Lock::Timeout=600 update -q >&2
  $sudo_ apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends golang-go golang-github-vmware-govmomi-dev </dev/null >&2
fi

if [ -x "$bin" ] && [ -z "$(find "$src" -maxdepth 1 -name '*.go' -newer "$bin" -print -quit)" ]; then
  echo "$bin"; exit 0
fi

out="$(dirname "$bin")"
pkg="$(basename "$bin")src"
mkdir -p "$out/gopath/src/$pkg" "$out/gocache"
cp "$src"/*.go "$out/gopath/src/$pkg/"
start=$(date +%s)
( cd "$out/gopath/src/$pkg" &&
  GO111MODULE=off GOPATH="$out/gopath:$gocode" GOCACHE="$out/gocache" \
    go build -o "$bin.tmp" . )
mv "$bin.tmp" "$bin"
echo "$label: built in $(( $(date +%s) - start )) s" >&2
echo "$bin"
