#!/usr/bin/env bash
# Build etcd (3.5 line) from go.etcd.io/etcd/server/v3 through a wrapper go.mod that
# pins the sibling modules its own go.mod replaces with ../ paths.
# Output: $BERTH_CACHE/etcd-$ETCD_VERSION/bin/etcd
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "$0")/common.sh"
OUT="$BERTH_CACHE/etcd-$ETCD_VERSION"
if [ -f "$OUT/.done" ]; then log "etcd $ETCD_VERSION cached in $OUT"; exit 0; fi
build_started
mkdir -p "$OUT/bin" "$OUT/src"
cd "$OUT/src"
V=$ETCD_VERSION
V2="v2.305.${V#v3.5.}"   # go.etcd.io/etcd/client/v2 uses v2.305.N for etcd v3.5.N
cat > go.mod <<GOMOD
module berth.local/etcd-build

go 1.23

require go.etcd.io/etcd/server/v3 $V

replace (
	go.etcd.io/etcd/api/v3 => go.etcd.io/etcd/api/v3 $V
	go.etcd.io/etcd/client/pkg/v3 => go.etcd.io/etcd/client/pkg/v3 $V
	go.etcd.io/etcd/client/v2 => go.etcd.io/etcd/client/v2 $V2
	go.etcd.io/etcd/client/v3 => go.etcd.io/etcd/client/v3 $V
	go.etcd.io/etcd/pkg/v3 => go.etcd.io/etcd/pkg/v3 $V
	go.etcd.io/etcd/raft/v3 => go.etcd.io/etcd/raft/v3 $V
)
GOMOD
log "building etcd $V -> $OUT/bin"
CGO_ENABLED=0 GOFLAGS="$GOFLAGS -mod=mod" go build -trimpath -ldflags "-s -w" -o "$OUT/bin/etcd" go.etcd.io/etcd/server/v3
"$OUT/bin/etcd" --version
touch "$OUT/.done"
build_done "etcd-$ETCD_VERSION"
