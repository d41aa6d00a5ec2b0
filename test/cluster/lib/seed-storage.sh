#!/usr/bin/env bash
# Make sure the cached images are also in the podman/buildah storage (lib/storage.conf), so
# local builds `FROM node:24-bookworm-slim` etc. work even after that storage was wiped.
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "$0")/common.sh"
need_root
export CONTAINERS_CONF="$CLUSTER_DIR/lib/containers.conf"
export CONTAINERS_STORAGE_CONF="$CLUSTER_DIR/lib/storage.conf"
IMG="$BERTH_CACHE/images"
[ -d "$IMG" ] || die "no image cache at $IMG (run lib/build-images.sh)"
for a in "$IMG"/*.tar; do
  tags="${a%.tar}.tags"
  first=$(head -n1 "$tags")
  if ! podman image exists "$first"; then
    log "loading $first into podman storage"
    podman load -q -i "$a" >/dev/null
  fi
  while read -r t; do podman image exists "$t" || podman tag "$first" "$t"; done < "$tags"
done
