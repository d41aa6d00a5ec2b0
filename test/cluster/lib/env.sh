# shellcheck shell=bash
# shellcheck disable=SC2034  # variables used by the scripts that source this file
# Cluster layout (sourced after common.sh). Everything the cluster creates at runtime lives
# under $BERTH_STATE (and /run/berth-containerd), so `down` can remove it completely.
K8S_BIN="$BERTH_CACHE/kubernetes-$K8S_VERSION/bin"
ETCD_BIN="$BERTH_CACHE/etcd-$ETCD_VERSION/bin"
CONTAINERD_BIN="$BERTH_CACHE/containerd-$CONTAINERD_VERSION/bin"
CNI_BIN=/usr/lib/cni
RUNC=/usr/sbin/runc
PKI="$BERTH_STATE/pki"
LOGS="$BERTH_STATE/logs"
RUN="$BERTH_STATE/run"
CTRD_STATE=/run/berth-containerd
CTRD_SOCK="$CTRD_STATE/containerd.sock"
KUBECONFIG_ADMIN="$BERTH_STATE/admin.kubeconfig"
NODE_NAME=berth-node
POD_CIDR=10.244.0.0/16
NODE_POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.96.0.0/16
API_SERVICE_IP=10.96.0.1
DNS_SERVICE_IP=10.96.0.10
CLUSTER_DOMAIN=cluster.local
BRIDGE=berth0
API_PORT=6443
ETCD_CLIENT=127.0.0.1:23790
ETCD_PEER=127.0.0.1:23800
# The node's InternalIP lives on an interface (veth) that up creates and down deletes, so the
# cluster never depends on (or sends traffic to) the host's own network address.
NODE_IFACE=berth-node
NODE_IP=${BERTH_NODE_IP:-10.250.0.1}
export PATH="$K8S_BIN:$ETCD_BIN:$CONTAINERD_BIN:$PATH"
kc() { "$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" "$@"; }
ctrk() { "$CONTAINERD_BIN/ctr" --address "$CTRD_SOCK" -n k8s.io "$@"; }
pid_alive() { local f="$RUN/$1.pid"; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }
