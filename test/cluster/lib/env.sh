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
# The optional second node (`up --nodes 2`, ../agent): its containerd, kubelet and kube-proxy run
# in their own network namespace behind a veth, with their own state, cgroup root and pod logs,
# joined to the same control plane. Its pod CIDR is the one the controller-manager allocates.
AGENT_NAME=berth-agent
AGENT_NETNS=berth-agent
AGENT_IFACE=berth-agent              # host end of the veth; the agent's end is eth0 in its netns
AGENT_GATEWAY=10.250.1.254           # the host's address on that link
AGENT_IP=10.250.1.1
AGENT_STATE="$BERTH_STATE/agent"
AGENT_CTRD_STATE=/run/berth-containerd-agent
AGENT_CTRD_SOCK="$AGENT_CTRD_STATE/containerd.sock"
AGENT_BRIDGE=berth1
AGENT_CGROUP_ROOT=/berth-agent
# Pod-to-pod traffic between the nodes keeps its pod source address (the CNI bridge plugin would
# masquerade everything leaving its own /24), so NetworkPolicies see the real peer; packets
# kube-proxy marked for masquerade (hairpin, NodePorts) still are.
POD_ROUTE_RULE=(-s "$POD_CIDR" -d "$POD_CIDR" -m mark ! --mark 0x4000/0x4000 -m comment --comment berth-pod-to-pod -j RETURN)
in_agent() { nsenter --net="/run/netns/$AGENT_NETNS" -- "$@"; }
agent_ctrk() { "$CONTAINERD_BIN/ctr" --address "$AGENT_CTRD_SOCK" -n k8s.io "$@"; }
