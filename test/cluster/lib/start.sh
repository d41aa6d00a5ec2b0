#!/usr/bin/env bash
# Start every cluster component as a host process (logs: $BERTH_STATE/logs/<component>.log)
# and install the in-cluster add-ons. Called by ../up after the builds and pki.sh.
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "$0")/common.sh"
# shellcheck source=SCRIPTDIR/env.sh
source "$(dirname "$0")/env.sh"
# shellcheck source=SCRIPTDIR/node.sh
source "$(dirname "$0")/node.sh"
CONF="$BERTH_STATE/config"; mkdir -p "$CONF" "$LOGS" "$RUN"

# --- host networking prerequisites -------------------------------------------------------------
# (the previous values are saved so `down` can restore them)
SYSCTLS=(net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables)
if [ ! -f "$BERTH_STATE/sysctl.orig" ]; then
  for s in "${SYSCTLS[@]}"; do echo "$s=$(sysctl -n "$s" 2>/dev/null || echo 0)"; done > "$BERTH_STATE/sysctl.orig"
fi
for s in "${SYSCTLS[@]}"; do sysctl -qw "$s=1" || die "cannot set $s (br_netfilter loaded?)"; done

if ! ip link show "$NODE_IFACE" >/dev/null 2>&1; then
  # a veth pair (the kernel here has no dummy driver); deleting one end deletes both
  ip link add "$NODE_IFACE" type veth peer name "$NODE_IFACE-peer"
  ip link set "$NODE_IFACE-peer" up
  ip addr add "$NODE_IP/32" dev "$NODE_IFACE"
fi
ip link set "$NODE_IFACE" up

# --- etcd ---------------------------------------------------------------------------------------
start etcd "$ETCD_BIN/etcd" --name berth --data-dir "$BERTH_STATE/etcd" \
  --listen-client-urls "http://$ETCD_CLIENT" --advertise-client-urls "http://$ETCD_CLIENT" \
  --listen-peer-urls "http://$ETCD_PEER" --initial-advertise-peer-urls "http://$ETCD_PEER" \
  --initial-cluster "berth=http://$ETCD_PEER" --listen-metrics-urls http://127.0.0.1:23810 \
  --quota-backend-bytes 2147483648 --snapshot-count 10000 --log-level warn
wait_for etcd 60 curl -fsS "http://$ETCD_CLIENT/health"

# --- kube-apiserver -----------------------------------------------------------------------------
cat > "$CONF/admission.yaml" <<YAML
apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: PodSecurity
  configuration:
    apiVersion: pod-security.admission.config.k8s.io/v1
    kind: PodSecurityConfiguration
    defaults: {enforce: privileged, enforce-version: latest, audit: baseline, audit-version: latest, warn: baseline, warn-version: latest}
    exemptions: {usernames: [], runtimeClasses: [], namespaces: [kube-system]}
YAML
# A lost node's pods are replaced after 30 s rather than the default 5 min (their default
# not-ready/unreachable tolerations), so the resilience suite sees the replacement happen.
start kube-apiserver "$K8S_BIN/kube-apiserver" \
  --advertise-address "$NODE_IP" --bind-address 0.0.0.0 --secure-port "$API_PORT" \
  --etcd-servers "http://$ETCD_CLIENT" \
  --service-cluster-ip-range "$SERVICE_CIDR" --service-node-port-range 30000-32767 \
  --allow-privileged=true --authorization-mode Node,RBAC \
  --enable-admission-plugins NodeRestriction,PodSecurity --admission-control-config-file "$CONF/admission.yaml" \
  --client-ca-file "$PKI/ca.crt" --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
  --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority "$PKI/ca.crt" --kubelet-preferred-address-types InternalIP,Hostname \
  --service-account-issuer "https://kubernetes.default.svc.$CLUSTER_DOMAIN" \
  --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
  --proxy-client-cert-file "$PKI/front-proxy-client.crt" --proxy-client-key-file "$PKI/front-proxy-client.key" \
  --requestheader-client-ca-file "$PKI/front-proxy-ca.crt" --requestheader-allowed-names front-proxy-client \
  --requestheader-extra-headers-prefix X-Remote-Extra- --requestheader-group-headers X-Remote-Group \
  --requestheader-username-headers X-Remote-User --enable-aggregator-routing=true \
  --default-not-ready-toleration-seconds 30 --default-unreachable-toleration-seconds 30 \
  --profiling=false --v=1
wait_for "kube-apiserver /readyz" 120 kc get --raw /readyz

# --- controller-manager, scheduler --------------------------------------------------------------
start kube-controller-manager "$K8S_BIN/kube-controller-manager" \
  --kubeconfig "$BERTH_STATE/controller-manager.kubeconfig" \
  --authentication-kubeconfig "$BERTH_STATE/controller-manager.kubeconfig" \
  --authorization-kubeconfig "$BERTH_STATE/controller-manager.kubeconfig" \
  --bind-address 127.0.0.1 --leader-elect=false --use-service-account-credentials \
  --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
  --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
  --allocate-node-cidrs --cluster-cidr "$POD_CIDR" --node-cidr-mask-size 24 --service-cluster-ip-range "$SERVICE_CIDR" \
  --controllers '*,bootstrapsigner,tokencleaner' --horizontal-pod-autoscaler-sync-period 10s --v=1
start kube-scheduler "$K8S_BIN/kube-scheduler" --kubeconfig "$BERTH_STATE/scheduler.kubeconfig" \
  --authentication-kubeconfig "$BERTH_STATE/scheduler.kubeconfig" --authorization-kubeconfig "$BERTH_STATE/scheduler.kubeconfig" \
  --bind-address 127.0.0.1 --leader-elect=false --v=1

# --- containerd + CNI ---------------------------------------------------------------------------
mkdir -p "$BERTH_STATE/cni/net.d" "$BERTH_STATE/containerd"
cni_config "$BERTH_STATE/cni/net.d/10-berth.conflist" "$BRIDGE" "$NODE_POD_CIDR" "$BERTH_STATE/cni/ipam"
containerd_config "$CONF/containerd.toml" "$BERTH_STATE/containerd" "$CTRD_STATE" "$BERTH_STATE/cni/net.d"
start containerd "$CONTAINERD_BIN/containerd" --config "$CONF/containerd.toml"
wait_for containerd 60 "$CONTAINERD_BIN/ctr" --address "$CTRD_SOCK" version

# images: the node has no registry, every image comes from the cache
"$CLUSTER_DIR/load-image" --all

# --- kubelet ------------------------------------------------------------------------------------
mkdir -p "$BERTH_STATE/kubelet" "$BERTH_STATE/pod-logs"
kubelet_config "$CONF/kubelet.yaml" "$CTRD_SOCK" "$BERTH_STATE/pod-logs" kubelet-serving / "$NODE_POD_CIDR"
start kubelet "$K8S_BIN/kubelet" --config "$CONF/kubelet.yaml" --kubeconfig "$BERTH_STATE/kubelet.kubeconfig" \
  --root-dir "$BERTH_STATE/kubelet" --hostname-override "$NODE_NAME" --node-ip "$NODE_IP" --v=1

# --- kube-proxy ---------------------------------------------------------------------------------
kube_proxy_config "$CONF/kube-proxy.yaml" "$NODE_NAME"
start kube-proxy "$K8S_BIN/kube-proxy" --config "$CONF/kube-proxy.yaml" --v=1

wait_for "node $NODE_NAME Ready" 180 kc wait --for=condition=Ready "node/$NODE_NAME" --timeout=2s

# --- add-ons ------------------------------------------------------------------------------------
for m in "$CLUSTER_DIR"/manifests/*.yaml; do
  sed -e "s|@DNS_SERVICE_IP@|$DNS_SERVICE_IP|g" -e "s|@CLUSTER_DOMAIN@|$CLUSTER_DOMAIN|g" \
      -e "s|@COREDNS_VERSION@|$COREDNS_VERSION|g" -e "s|@METRICS_SERVER_VERSION@|$METRICS_SERVER_VERSION|g" \
      -e "s|@LOCAL_PATH_VERSION@|$LOCAL_PATH_VERSION|g" -e "s|@LOCAL_PATH_DIR@|$BERTH_STATE/local-path|g" \
      -e "s|@TRAEFIK_VERSION@|$TRAEFIK_VERSION|g" -e "s|@KUBE_NETWORK_POLICIES_VERSION@|$KUBE_NETWORK_POLICIES_VERSION|g" \
      -e "s|@SEALED_SECRETS_VERSION@|$SEALED_SECRETS_VERSION|g" -e "s|@NODE_IP@|$NODE_IP|g" -e "s|@NODE_NAME@|$NODE_NAME|g" -e "s|@API_PORT@|$API_PORT|g" \
      -e "s|@PROMETHEUS_OPERATOR_VERSION@|$PROMETHEUS_OPERATOR_VERSION|g" -e "s|@PROMETHEUS_IMAGE_TAG@|$(prometheus_release)|g" \
      -e "s|@CLOUDNATIVE_PG_VERSION@|${CLOUDNATIVE_PG_VERSION#v}|g" -e "s|@GOFAKES3_VERSION@|$GOFAKES3_VERSION|g" \
      -e "s|@VICTORIALOGS_VERSION@|$VICTORIALOGS_VERSION|g" -e "s|@POD_LOGS_DIR@|$BERTH_STATE/pod-logs|g" "$m"
  echo "---"
done > "$CONF/addons.yaml"
# Traefik's, Sealed Secrets' and the prometheus-operator's CRDs (kept beside their binaries by
# lib/build-addons.sh), before the controllers that watch them and the objects of their kinds.
{
  kc apply --server-side -f "$BERTH_CACHE/traefik-$TRAEFIK_VERSION/crds.yaml"
  kc apply --server-side -f "$BERTH_CACHE/sealed-secrets-$SEALED_SECRETS_VERSION/crds.yaml"
  kc apply --server-side --force-conflicts -f "$BERTH_CACHE/prometheus-operator-$PROMETHEUS_OPERATOR_VERSION/crds.yaml"
  kc wait --for=condition=Established crd/ingressroutes.traefik.io crd/traefikservices.traefik.io crd/sealedsecrets.bitnami.com \
    crd/prometheuses.monitoring.coreos.com crd/servicemonitors.monitoring.coreos.com crd/prometheusrules.monitoring.coreos.com --timeout=60s
  # CloudNativePG's, for the charts' HA PostgreSQL mode
  kc apply --server-side --force-conflicts -f "$BERTH_CACHE/cloudnative-pg-$CLOUDNATIVE_PG_VERSION/crds.yaml"
  kc wait --for=condition=Established crd/clusters.postgresql.cnpg.io --timeout=60s
  kc apply -f "$CONF/addons.yaml"
} >> "$LOGS/addons.log"
# NetworkPolicy is enforced from here on (manifests/kube-network-policies.yaml).
wait_for "kube-network-policies" 180 kc -n kube-system rollout status ds/kube-network-policies --timeout=2s
wait_for "CoreDNS" 180 kc -n kube-system rollout status deploy/coredns --timeout=2s
wait_for "local-path-provisioner" 180 kc -n local-path-storage rollout status deploy/local-path-provisioner --timeout=2s
wait_for "metrics-server" 180 kc -n kube-system rollout status deploy/metrics-server --timeout=2s
wait_for "traefik" 180 kc -n kube-system rollout status deploy/traefik --timeout=2s
wait_for "sealed-secrets controller" 180 kc -n sealed-secrets rollout status deploy/sealed-secrets-controller --timeout=2s
wait_for "prometheus-operator" 180 kc -n monitoring rollout status deploy/prometheus-operator --timeout=2s
# the operator creates Prometheus's StatefulSet once it has read the Prometheus object
wait_for "prometheus" 240 kc -n monitoring rollout status statefulset/prometheus-berth --timeout=2s
wait_for "victoria-logs" 180 kc -n monitoring rollout status deploy/victoria-logs --timeout=2s
wait_for "vlagent" 180 kc -n log-collector rollout status ds/vlagent --timeout=2s
# Ready once its webhook serves the certificate it generated on its first start (the kubelet
# fills the optional Secret volume on its next sync, up to a minute later).
wait_for "cloudnative-pg operator" 240 kc -n cnpg-system rollout status deploy/cnpg-controller-manager --timeout=2s
wait_for "object store" 180 kc -n object-store rollout status deploy/gofakes3 --timeout=2s
wait_for "metrics API" 180 kc get --raw /apis/metrics.k8s.io/v1beta1/nodes
