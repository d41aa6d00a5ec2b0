#!/usr/bin/env bash
# go install the node/add-on components from their Go modules (static, CGO off):
#   containerd (+ shim, ctr), CoreDNS, metrics-server, local-path-provisioner, Traefik,
#   kube-network-policies (the NetworkPolicy engine), sealed-secrets (controller + kubeseal),
#   the monitoring stack: prometheus, prometheus-operator (+ config-reloader), victorialogs
#   (VictoriaLogs + vlagent), cloudnative-pg (the PostgreSQL operator of the charts' HA mode),
#   gofakes3 (the object store CloudNativePG's backups and WAL archive go to).
# Output: $BERTH_CACHE/<component>-<version>/bin/
# Usage: build-addons.sh [containerd|coredns|metrics-server|local-path-provisioner|traefik|
#                         kube-network-policies|sealed-secrets|prometheus|prometheus-operator|
#                         victorialogs|cloudnative-pg|gofakes3]...
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
  printf 'module berth.local/%s-build\n\ngo 1.26\n\nrequire %s %s\n%s\n' "$name" "$mod" "$ver" "${GOMOD_EXTRA:-}" > "$out/src/go.mod"
  if [ -n "${MAIN_GO:-}" ]; then printf '%s\n' "$MAIN_GO" > "$out/src/main.go"; fi
  if [ -n "${PREPARE:-}" ]; then ( cd "$out/src" && "$PREPARE" ); fi
  ( cd "$out/src" && CGO_ENABLED=0 GOFLAGS="$GOFLAGS -mod=mod" go build -trimpath -tags "$tags" -ldflags "-s -w $LDX" -o "$out/bin/${OUT_NAME:-${MAIN_GO:+$name}}" "$@" )
  build_done "$name-$ver"
  touch "$out/.done"
}
want() { [ $# -eq 0 ] && return 0; local w; for w in "${SEL[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }
SEL=("$@"); [ ${#SEL[@]} -gt 0 ] || SEL=(containerd coredns metrics-server local-path-provisioner traefik kube-network-policies sealed-secrets
  prometheus prometheus-operator victorialogs cloudnative-pg gofakes3)
if want containerd; then
  LDX="-X github.com/containerd/containerd/version.Version=$CONTAINERD_VERSION"
  build containerd "$CONTAINERD_VERSION" "no_btrfs no_devmapper no_zfs no_aufs" github.com/containerd/containerd \
    github.com/containerd/containerd/cmd/containerd \
    github.com/containerd/containerd/cmd/containerd-shim-runc-v2 \
    github.com/containerd/containerd/cmd/ctr
fi
# CoreDNS with only the plugins our Corefile names (manifests/coredns.yaml), the way CoreDNS
# documents custom builds: a main package that imports those plugins and calls coremain.Run.
# The stock build links all ~60 plugins with the AWS, Azure, Google Cloud and Datadog SDKs:
# 140 s and 79 MB from a cold cache here, against 74 s and 55 MB for these ten.
corefile_plugins() { # the directives of the Corefile's server block, one a line
  awk '/Corefile: \|/ { on = 1; next }
       on && /^[^ ]/ { on = 0 }
       on {
         line = $0; sub(/^ +/, "", line)
         if (depth == 1 && line != "" && line !~ /^}/) { split(line, word, /[ {]/); print word[1] }
         depth += gsub(/{/, "{", line) - gsub(/}/, "}", line)
       }' "$CLUSTER_DIR/manifests/coredns.yaml" | sort -u
}
coredns_main() { # main.go importing each directive's package, as CoreDNS's plugin.cfg maps it
  local dir cfg directive pkg
  dir=$(cd "$BERTH_CACHE" && GOFLAGS=-mod=mod go mod download -json "github.com/coredns/coredns@$COREDNS_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  cfg="$dir/plugin.cfg"
  echo 'package main'; echo; echo 'import ('
  for directive in $(corefile_plugins); do
    pkg=$(sed -n "s/^$directive:\(.*\)$/\1/p" "$cfg")
    [ -n "$pkg" ] || die "Corefile directive '$directive' is not a CoreDNS $COREDNS_VERSION plugin"
    case "$pkg" in */*) ;; *) pkg="github.com/coredns/coredns/plugin/$pkg" ;; esac
    printf '\t_ "%s"\n' "$pkg"
  done
  printf '\t"github.com/coredns/coredns/coremain"\n)\n\nfunc main() { coremain.Run() }\n'
}
if want coredns; then
  LDX=""; MAIN_GO=$(coredns_main) build coredns "$COREDNS_VERSION" "" github.com/coredns/coredns .
fi
if want metrics-server; then
  LDX="-X sigs.k8s.io/metrics-server/pkg/version.gitVersion=$METRICS_SERVER_VERSION"
  build metrics-server "$METRICS_SERVER_VERSION" "" sigs.k8s.io/metrics-server sigs.k8s.io/metrics-server/cmd/metrics-server
fi
if want local-path-provisioner; then
  LDX=""; build local-path-provisioner "$LOCAL_PATH_VERSION" "" github.com/rancher/local-path-provisioner github.com/rancher/local-path-provisioner
fi
# Traefik, the ingress controller k3s ships. Its go.mod points three modules at copies the
# module proxy does not serve; the wrapper points them at local directories instead (see
# lib/traefik/): its empty configuration extension module, v0.4.0 of the basic-auth library
# plus the two functions Traefik's fork adds, and lego with only the DNS-01 providers whose
# SDKs the proxy has (the test cluster issues no certificates).
traefik_sources() { # run in the wrapper module's directory
  local lego auth
  lego=$(GOFLAGS=-mod=mod go mod download -json github.com/go-acme/lego/v5@v5.4.1 | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  auth=$(GOFLAGS=-mod=mod go mod download -json github.com/abbot/go-http-auth@v0.4.0 | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  rm -rf lego auth ext && cp -r "$lego" lego && cp -r "$auth" auth && chmod -R u+w lego auth
  mkdir ext
  cp "$CLUSTER_DIR/lib/traefik/dns_providers.go" lego/providers/dns/zz_gen_dns_providers.go
  cp "$CLUSTER_DIR/lib/traefik/auth_compat.go" auth/berth_compat.go
  cp "$CLUSTER_DIR/lib/traefik/ext.go" ext/ext.go
  printf 'module github.com/abbot/go-http-auth\n\ngo 1.21\n' > auth/go.mod
  printf 'module github.com/traefik/traefik/dynamic/ext\n\ngo 1.24\n' > ext/go.mod
  # Its CRDs, for lib/start.sh (the build's output directory is the parent of this one).
  cp "$(GOFLAGS=-mod=mod go mod download -json "github.com/traefik/traefik/v3@$TRAEFIK_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')/docs/content/reference/dynamic-configuration/kubernetes-crd-definition-v1.yml" ../crds.yaml
  chmod u+w ../crds.yaml
}
if want traefik; then
  LDX="-X github.com/traefik/traefik/v3/pkg/version.Version=$TRAEFIK_VERSION" PREPARE=traefik_sources GOMOD_EXTRA='
replace github.com/traefik/traefik/dynamic/ext => ./ext

replace github.com/abbot/go-http-auth => ./auth

replace github.com/go-acme/lego/v5 => ./lego

replace github.com/gorilla/mux => github.com/containous/mux v0.0.0-20250523120546-41b6ec3aed59

exclude github.com/tencentcloud/tencentcloud-sdk-go v3.0.83+incompatible' \
    build traefik "$TRAEFIK_VERSION" "" github.com/traefik/traefik/v3 github.com/traefik/traefik/v3/cmd/traefik
fi
# kube-network-policies, the NetworkPolicy engine (nftables + NFQUEUE) that runs beside the
# bridge CNI. The kernel here lacks nftables' native queue expression, so the wrapper builds it
# against a copy of github.com/google/nftables whose Queue is sent as the x_tables NFQUEUE
# target instead (lib/kube-network-policies/queue.go says why that is equivalent).
knp_sources() { # run in the wrapper module's directory
  local nft
  nft=$(GOFLAGS=-mod=mod go mod download -json github.com/google/nftables@v0.3.0 | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  rm -rf nftables && cp -r "$nft" nftables && chmod -R u+w nftables
  cp "$CLUSTER_DIR/lib/kube-network-policies/queue.go" nftables/expr/queue.go
}
if want kube-network-policies; then
  LDX="" OUT_NAME=kube-network-policies PREPARE=knp_sources GOMOD_EXTRA='
replace github.com/google/nftables => ./nftables' \
    build kube-network-policies "$KUBE_NETWORK_POLICIES_VERSION" "" sigs.k8s.io/kube-network-policies sigs.k8s.io/kube-network-policies/cmd
fi
# Sealed Secrets: the controller (in-cluster image, lib/build-images.sh) and kubeseal, the CLI
# `berth seal` drives to encrypt a credential with a cluster's public key. The proxy serves it
# as github.com/bitnami-labs/sealed-secrets while its go.mod names github.com/bitnami/sealed-secrets,
# so the wrapper requires the name its packages import and points it at the downloaded copy.
sealed_secrets_sources() { # run in the wrapper module's directory
  local dir
  dir=$(GOFLAGS=-mod=mod go mod download -json "github.com/bitnami-labs/sealed-secrets@$SEALED_SECRETS_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  rm -rf sealed-secrets && cp -r "$dir" sealed-secrets && chmod -R u+w sealed-secrets
  # its CRD, for lib/start.sh (the build's output directory is the parent of this one)
  cp sealed-secrets/helm/sealed-secrets/crds/bitnami.com_sealedsecrets.yaml ../crds.yaml
}
if want sealed-secrets; then
  LDX="-X main.VERSION=$SEALED_SECRETS_VERSION" PREPARE=sealed_secrets_sources GOMOD_EXTRA='
replace github.com/bitnami/sealed-secrets => ./sealed-secrets' \
    build sealed-secrets "$SEALED_SECRETS_VERSION" "" github.com/bitnami/sealed-secrets \
    github.com/bitnami/sealed-secrets/cmd/controller github.com/bitnami/sealed-secrets/cmd/kubeseal
fi
# Prometheus, the server that scrapes the apps and evaluates their alert rules. The test cluster
# discovers targets through the Kubernetes API only, so the build keeps that service discovery
# and drops the cloud ones (AWS, Azure, GCE, ... SDKs are most of a stock build). The web UI's
# assets are not embedded: the cluster uses the HTTP API, never the UI.
if want prometheus; then
  LDX="-X github.com/prometheus/common/version.Version=$(prometheus_release | cut -c2-)"
  build prometheus "$PROMETHEUS_VERSION" "remove_all_sd enable_kubernetes_sd" github.com/prometheus/prometheus \
    github.com/prometheus/prometheus/cmd/prometheus
fi
# prometheus-operator: turns the charts' ServiceMonitors and PrometheusRules into the
# configuration of a Prometheus it runs, and the config-reloader beside that Prometheus that
# tells it to reload. Its go.mod points its two API submodules at its own tree; the proxy serves
# them at the same version, which the wrapper requires instead.
po_sources() { # run in the wrapper module's directory
  local dir
  dir=$(GOFLAGS=-mod=mod go mod download -json "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  # its CRDs, for lib/start.sh (the build's output directory is the parent of this one)
  cat "$dir"/example/prometheus-operator-crd/*.yaml > ../crds.yaml
}
if want prometheus-operator; then
  LDX="-X github.com/prometheus/common/version.Version=${PROMETHEUS_OPERATOR_VERSION#v}" PREPARE=po_sources \
    build prometheus-operator "$PROMETHEUS_OPERATOR_VERSION" "" github.com/prometheus-operator/prometheus-operator \
    github.com/prometheus-operator/prometheus-operator/cmd/operator \
    github.com/prometheus-operator/prometheus-operator/cmd/prometheus-config-reloader
fi
# VictoriaLogs, the log store, and vlagent, which tails /var/log/containers on the node, adds
# the pod's namespace, name and labels, and ships the lines to it.
if want victorialogs; then
  LDX="-X github.com/VictoriaMetrics/VictoriaMetrics/lib/buildinfo.Version=victoria-logs-$VICTORIALOGS_VERSION" \
    build victorialogs "$VICTORIALOGS_VERSION" "" github.com/VictoriaMetrics/VictoriaLogs \
    github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs github.com/VictoriaMetrics/VictoriaLogs/app/vlagent
fi
# CloudNativePG, the operator of the charts' HA PostgreSQL mode. One binary, `manager`, is both
# the operator and the instance manager: the operator's init container copies it into every
# PostgreSQL pod, so the operand image only needs PostgreSQL itself. The release manifest the
# module ships holds the CRDs this version's operator expects; lib/start.sh applies them.
cnpg_sources() { # run in the wrapper module's directory
  local dir
  dir=$(GOFLAGS=-mod=mod go mod download -json "github.com/cloudnative-pg/cloudnative-pg@$CLOUDNATIVE_PG_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  # the CustomResourceDefinitions of the release manifest, one document each
  awk 'BEGIN { RS = "\n---\n" } /\nkind: CustomResourceDefinition\n/ { printf "---\n%s\n", $0 }' \
    "$dir/releases/cnpg-${CLOUDNATIVE_PG_VERSION#v}.yaml" > ../crds.yaml
  grep -q 'name: clusters.postgresql.cnpg.io' ../crds.yaml || die "no Cluster CRD in the $CLOUDNATIVE_PG_VERSION release manifest"
}
if want cloudnative-pg; then
  LDX="-X github.com/cloudnative-pg/cloudnative-pg/pkg/versions.buildVersion=${CLOUDNATIVE_PG_VERSION#v}" OUT_NAME=manager PREPARE=cnpg_sources \
    build cloudnative-pg "$CLOUDNATIVE_PG_VERSION" "" github.com/cloudnative-pg/cloudnative-pg \
    github.com/cloudnative-pg/cloudnative-pg/cmd/manager
fi
# gofakes3, an S3-compatible object store in one static binary: the HA PostgreSQL mode's base
# backups and WAL archive go to it in the test cluster (manifests/object-store.yaml), as they
# would go to S3 or any S3-compatible store in production.
if want gofakes3; then
  LDX="" OUT_NAME=gofakes3 build gofakes3 "$GOFAKES3_VERSION" "" github.com/johannesboyne/gofakes3 \
    github.com/johannesboyne/gofakes3/cmd/gofakes3
fi
