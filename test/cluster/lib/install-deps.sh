#!/usr/bin/env bash
# Debian packages the cluster needs (installed only when missing).
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "$0")/common.sh"
PKGS=(runc containernetworking-plugins iptables nftables conntrack iproute2 openssl
      buildah podman debootstrap gcc libc6-dev curl ca-certificates)
missing=()
for p in "${PKGS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
[ -x /usr/local/go/bin/go ] || command -v go >/dev/null || die "Go toolchain (>= 1.26) needed at /usr/local/go/bin/go"
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
