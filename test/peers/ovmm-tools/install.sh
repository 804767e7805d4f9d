#!/usr/bin/env bash
# The Manager-host stubs (ovmm_stub.py) run as the sshd peer's throw-away user with /usr/bin/python3 (Debian python3).
# Run as root (CI is); apt only if it is missing.
set -euo pipefail
if [ ! -x /usr/bin/python3 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends python3 >/dev/null
fi
