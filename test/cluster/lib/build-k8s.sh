#!/usr/bin/env bash
# Build kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy
# and kubectl from k8s.io/kubernetes@$K8S_VERSION through a wrapper go.mod that pins
# every staging module (k8s.io/api, ...) to its published v0.X.Y version.
# Output: $BERTH_CACHE/kubernetes-$K8S_VERSION/bin/
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "$0")/common.sh"
OUT="$BERTH_CACHE/kubernetes-$K8S_VERSION"
BINS=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
if [ -f "$OUT/.done" ]; then log "kubernetes $K8S_VERSION cached in $OUT"; exit 0; fi
build_started
mkdir -p "$OUT/bin" "$OUT/src"
cd "$OUT/src"
STAGING_VERSION="v0.${K8S_VERSION#v1.}"
go mod download -json "k8s.io/kubernetes@$K8S_VERSION" > kubernetes.json
KDIR=$(sed -n 's/.*"Dir": "\(.*\)".*/\1/p' kubernetes.json)
{
  echo "module berth.local/k8s-build"
  echo
  echo "go 1.26"
  echo
  echo "require k8s.io/kubernetes $K8S_VERSION"
  echo
  echo "replace ("
  sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "$KDIR/go.mod" | sort -u | while read -r m; do
    echo "	$m => $m $STAGING_VERSION"
  done
  echo ")"
} > go.mod
MAJOR=${K8S_VERSION#v}; MAJOR=${MAJOR%%.*}
MINOR=${K8S_VERSION#v*.}; MINOR=${MINOR%%.*}
DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  LDFLAGS="$LDFLAGS -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=$MAJOR -X $p.gitMinor=$MINOR -X $p.gitTreeState=clean -X $p.buildDate=$DATE -X $p.gitCommit=module-$K8S_VERSION"
done
PKGS=()
for b in "${BINS[@]}"; do PKGS+=("k8s.io/kubernetes/cmd/$b"); done
log "building ${BINS[*]} ($K8S_VERSION) -> $OUT/bin"
CGO_ENABLED=0 GOFLAGS="$GOFLAGS -mod=mod" go build -trimpath -tags providerless,grpcnotrace -ldflags "$LDFLAGS" -o "$OUT/bin/" "${PKGS[@]}"
"$OUT/bin/kubectl" version --client
touch "$OUT/.done"
build_done "kubernetes-$K8S_VERSION"
