#!/usr/bin/env bash
# go install the node/add-on components from their Go modules (static, CGO off):
#   containerd (+ shim, ctr), CoreDNS, metrics-server, local-path-provisioner.
# Output: $BERTH_CACHE/<component>-<version>/bin/
# Usage: build-addons.sh [containerd|coredns|metrics-server|local-path-provisioner]...
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "$0")/common.sh"
build() { # name version tags module pkg...
  local name=$1 ver=$2 tags=$3 mod=$4; shift 4
  local out="$BERTH_CACHE/$name-$ver"
  if [ -f "$out/.done" ]; then log "$name $ver cached in $out"; return 0; fi
  mkdir -p "$out/bin"
  log "building $name $ver -> $out/bin"
  build_started
  # wrapper module: go install pkg@version refuses modules with exclude/replace directives
  mkdir -p "$out/src"
  printf 'module berth.local/%s-build\n\ngo 1.26\n\nrequire %s %s\n' "$name" "$mod" "$ver" > "$out/src/go.mod"
  ( cd "$out/src" && CGO_ENABLED=0 GOFLAGS="$GOFLAGS -mod=mod" go build -trimpath -tags "$tags" -ldflags "-s -w $LDX" -o "$out/bin/" "$@" )
  build_done "$name-$ver"
  touch "$out/.done"
}
want() { [ $# -eq 0 ] && return 0; local w; for w in "${SEL[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }
SEL=("$@"); [ ${#SEL[@]} -gt 0 ] || SEL=(containerd coredns metrics-server local-path-provisioner)
if want containerd; then
  LDX="-X github.com/containerd/containerd/version.Version=$CONTAINERD_VERSION"
  build containerd "$CONTAINERD_VERSION" "no_btrfs no_devmapper no_zfs no_aufs" github.com/containerd/containerd \
    github.com/containerd/containerd/cmd/containerd \
    github.com/containerd/containerd/cmd/containerd-shim-runc-v2 \
    github.com/containerd/containerd/cmd/ctr
fi
if want coredns; then
  LDX=""; build coredns "$COREDNS_VERSION" "" github.com/coredns/coredns github.com/coredns/coredns
fi
if want metrics-server; then
  LDX="-X sigs.k8s.io/metrics-server/pkg/version.gitVersion=$METRICS_SERVER_VERSION"
  build metrics-server "$METRICS_SERVER_VERSION" "" sigs.k8s.io/metrics-server sigs.k8s.io/metrics-server/cmd/metrics-server
fi
if want local-path-provisioner; then
  LDX=""; build local-path-provisioner "$LOCAL_PATH_VERSION" "" github.com/rancher/local-path-provisioner github.com/rancher/local-path-provisioner
fi
