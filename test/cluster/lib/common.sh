# shellcheck shell=bash
# shellcheck disable=SC2034  # variables used by the scripts that source this file
# Shared helpers for the Berth test cluster scripts.
set -euo pipefail
CLUSTER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=SCRIPTDIR/../versions.env
source "$CLUSTER_DIR/versions.env"
export PATH="/usr/local/go/bin:$PATH"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
# Go's module and build caches live in the Berth cache, so "cold" means cold (nothing compiled
# on this machine is reused behind its back) and every component build shares the packages
# the others already compiled (client-go, grpc, protobuf, ...).
export GOMODCACHE="${GOMODCACHE:-$BERTH_CACHE/go/mod}" GOCACHE="${GOCACHE:-$BERTH_CACHE/go/build}"
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "run as root (sudo)"; }
# build_started / build_done <name>: append "<name> <seconds>" to $BERTH_CACHE/build-times.txt
build_started() { BUILD_T0=$(date +%s); }
build_done() { echo "$1 $(( $(date +%s) - BUILD_T0 ))s $(date -u +%FT%TZ)" >> "$BERTH_CACHE/build-times.txt"; }
# images_key: the cache key of the base images, a hash of what they are built from
images_key() { cat "$CLUSTER_DIR/versions.env" "$CLUSTER_DIR"/images/* "$CLUSTER_DIR/lib/build-images.sh" | sha256sum | cut -c1-12; }
# prometheus_release: the Prometheus release its module version names (module v0.316.0 is v3.16.0)
prometheus_release() { local v=${PROMETHEUS_VERSION#v0.}; echo "v${v:0:1}.${v:1:2}.${v#*.}"; }
