#!/usr/bin/env bash
# Builds the VCB lab's vSphere helper (test/lab/vcb/vimhelper/main.go) against Debian's govmomi client, offline, with
# the build the vcsim launcher uses (test/peers/vcsim/goBuild.sh: apt-installs golang-go and
# golang-github-vmware-govmomi-dev when missing, rebuilds only when a .go file is newer):
#   bash test/lab/vcb/build.sh            -> out/lab/vcb/vimhelper (prints its path)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
exec bash "$root/test/peers/vcsim/goBuild.sh" "vcb lab vimhelper" "$here/vimhelper" "${VCB_LAB_OUT:-$root/out/lab/vcb}/vimhelper" object
