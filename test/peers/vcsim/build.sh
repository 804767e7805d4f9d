#!/usr/bin/env bash
# Builds the vcsim launcher (test/peers/vcsim/*.go) against Debian's govmomi library, offline (goBuild.sh: apt-installs
# golang-go and golang-github-vmware-govmomi-dev when missing, rebuilds only when a .go file is newer):
#   bash test/peers/vcsim/build.sh            -> out/peers/vcsim/vcsim (prints its path)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
exec bash "$here/goBuild.sh" vcsim "$here" "${VCSIM_OUT:-$root/out/peers/vcsim}/vcsim" simulator
