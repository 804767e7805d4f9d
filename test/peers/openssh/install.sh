#!/usr/bin/env bash
# Installs the real OpenSSH server the SSH tests run against (Debian openssh-server), only if it is missing.
# Run as root (CI is). The package's postinst starts no daemon where there is no systemd; the tests start their own
# sshd on 127.0.0.1 with a private sshd_config (test/peers/openssh/sshdPeer.ts).
set -euo pipefail
if [ ! -x /usr/sbin/sshd ] || ! command -v ssh-keygen >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq openssh-server openssh-client >/dev/null
fi
mkdir -p /run/sshd
