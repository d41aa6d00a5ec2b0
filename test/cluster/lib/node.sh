# shellcheck shell=bash
# Starting a cluster component, and the configuration of one node's containerd, CNI bridge,
# kubelet and kube-proxy: shared by the first node (start.sh) and the optional second one
# (../agent), so the two differ only in the paths, names and addresses passed here.
# Sourced after common.sh and env.sh.

# start <name> <cmd...>: detached, in its own session, with a pidfile and a log
start() {
  local name=$1; shift
  if pid_alive "$name"; then log "$name already running"; return 0; fi
  log "starting $name"
  setsid "$@" >>"$LOGS/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN/$name.pid"
}
# wait_for <description> <timeout seconds> <cmd...>: until cmd succeeds
wait_for() {
  local what=$1 t=$2; shift 2
  local end=$(( $(date +%s) + t ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$end" ] || die "timed out after ${t}s waiting for $what (logs: $LOGS)"
    sleep 1
  done
  log "$what: ok"
}

# stop_component <name>: TERM, then KILL after 15 s; logs what it stops
stop_component() {
  local f="$RUN/$1.pid" pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $1 ($pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

# replace_if_changed <file>: move <file>.new over <file> only when it differs. kube-proxy exits
# when its configuration file changes, so a node rejoined with the same settings must leave the
# files of its running components untouched.
replace_if_changed() {
  if cmp -s "$1.new" "$1"; then rm -f "$1.new"; else mv "$1.new" "$1"; fi
}

# cni_config <file> <bridge> <pod cidr> <ipam dir>
cni_config() {
  cat > "$1.new" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "berth",
  "plugins": [
    {
      "type": "bridge", "bridge": "$2", "isGateway": true, "ipMasq": true, "hairpinMode": true,
      "ipam": {
        "type": "host-local", "dataDir": "$4",
        "ranges": [[{"subnet": "$3"}]], "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
JSON
  replace_if_changed "$1"
}

# containerd_config <file> <root dir> <state dir> <cni conf dir>
containerd_config() {
  local root=$2 state=$3
  cat > "$1.new" <<TOML
version = 2
root = "$root"
state = "$state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$state/containerd.sock"
[ttrpc]
  address = "$state/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$root/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:$PAUSE_VERSION"
  netns_mounts_under_state_dir = true
  # this host has no CAP_SYS_RESOURCE: never ask runc to lower oom_score_adj below containerd's own
  restrict_oom_score_adj = true
  enable_cdi = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$RUNC"
        Root = "$state/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CNI_BIN"
    conf_dir = "$4"
    max_conf_num = 1
TOML
  replace_if_changed "$1"
}

# kubelet_config <file> <containerd socket> <pod logs dir> <serving cert name> <cgroup root> [pod cidr]
# With no pod CIDR the kubelet takes the one the controller-manager allocated to its node.
kubelet_config() {
  local cidr_line=""
  [ -z "${6:-}" ] || cidr_line="podCIDR: \"$6\""
  cat > "$1.new" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: "$PKI/ca.crt"}
authorization: {mode: Webhook}
tlsCertFile: "$PKI/$4.crt"
tlsPrivateKeyFile: "$PKI/$4.key"
containerRuntimeEndpoint: "unix://$2"
cgroupDriver: cgroupfs
cgroupRoot: "$5"
failCgroupV1: false
failSwapOn: false
clusterDNS: ["$DNS_SERVICE_IP"]
clusterDomain: "$CLUSTER_DOMAIN"
podLogsDir: "$3"
$cidr_line
resolvConf: /etc/resolv.conf
healthzBindAddress: 127.0.0.1
healthzPort: 10248
readOnlyPort: 0
serializeImagePulls: false
maxPods: 110
imageGCHighThresholdPercent: 100
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
evictionPressureTransitionPeriod: 10s
nodeStatusUpdateFrequency: 5s
syncFrequency: 10s
fileCheckFrequency: 10s
shutdownGracePeriod: 0s
YAML
  replace_if_changed "$1"
}

# kube_proxy_config <file> <node name>
kube_proxy_config() {
  cat > "$1.new" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: "$BERTH_STATE/kube-proxy.kubeconfig"}
mode: iptables
clusterCIDR: "$POD_CIDR"
hostnameOverride: "$2"
bindAddress: 0.0.0.0
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
conntrack: {maxPerCore: 0, min: 0}
iptables: {masqueradeAll: false, syncPeriod: 10s, minSyncPeriod: 0s, localhostNodePorts: false}
YAML
  replace_if_changed "$1"
}
