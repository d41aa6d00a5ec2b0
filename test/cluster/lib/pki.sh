#!/usr/bin/env bash
# Generate the cluster's certificates with openssl (idempotent; keys live in $BERTH_STATE/pki).
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "$0")/common.sh"
# shellcheck source=SCRIPTDIR/env.sh
source "$(dirname "$0")/env.sh"
mkdir -p "$PKI"; cd "$PKI"
umask 077
ca() { # name cn
  [ -f "$1.crt" ] && return 0
  openssl genrsa -out "$1.key" 2048 2>/dev/null
  openssl req -x509 -new -nodes -key "$1.key" -sha256 -days 3650 -subj "/CN=$2" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign" \
    -out "$1.crt" 2>/dev/null
}
cert() { # name ca subject usage(server|client|both) [sans]
  local name=$1 ca=$2 subj=$3 usage=$4 sans=${5:-}
  [ -f "$name.crt" ] && return 0
  local eku=clientAuth; [ "$usage" = server ] && eku=serverAuth; [ "$usage" = both ] && eku=serverAuth,clientAuth
  openssl genrsa -out "$name.key" 2048 2>/dev/null
  openssl req -new -key "$name.key" -subj "$subj" -out "$name.csr" 2>/dev/null
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$eku"
    [ -n "$sans" ] && echo "subjectAltName=$sans"
  } > "$name.ext"
  openssl x509 -req -in "$name.csr" -CA "$ca.crt" -CAkey "$ca.key" -CAcreateserial -days 3650 -sha256 \
    -extfile "$name.ext" -out "$name.crt" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}
ca ca berth-cluster-ca
ca front-proxy-ca berth-front-proxy-ca
cert apiserver ca "/CN=kube-apiserver" server \
  "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.$CLUSTER_DOMAIN,DNS:localhost,DNS:$NODE_NAME,IP:127.0.0.1,IP:$API_SERVICE_IP,IP:$NODE_IP"
cert apiserver-kubelet-client ca "/O=system:masters/CN=kube-apiserver-kubelet-client" client
cert front-proxy-client front-proxy-ca "/CN=front-proxy-client" client
cert admin ca "/O=system:masters/CN=kubernetes-admin" client
cert controller-manager ca "/CN=system:kube-controller-manager" client
cert scheduler ca "/CN=system:kube-scheduler" client
cert kube-proxy ca "/CN=system:kube-proxy" client
cert kubelet-client ca "/O=system:nodes/CN=system:node:$NODE_NAME" client
cert kubelet-serving ca "/O=system:nodes/CN=system:node:$NODE_NAME" server "DNS:$NODE_NAME,DNS:localhost,IP:$NODE_IP,IP:127.0.0.1"
# the optional second node (../agent)
cert kubelet-client-agent ca "/O=system:nodes/CN=system:node:$AGENT_NAME" client
cert kubelet-serving-agent ca "/O=system:nodes/CN=system:node:$AGENT_NAME" server "DNS:$AGENT_NAME,DNS:localhost,IP:$AGENT_IP,IP:127.0.0.1"
[ -f sa.key ] || { openssl genrsa -out sa.key 2048 2>/dev/null; openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null; }

kubeconfig() { # file user cert
  local f="$BERTH_STATE/$1.kubeconfig"
  [ -f "$f" ] && return 0
  cat > "$f" <<KC
apiVersion: v1
kind: Config
clusters:
- name: berth
  cluster:
    certificate-authority-data: $(base64 -w0 < ca.crt)
    server: https://$NODE_IP:$API_PORT
users:
- name: $2
  user:
    client-certificate-data: $(base64 -w0 < "$3.crt")
    client-key-data: $(base64 -w0 < "$3.key")
contexts:
- name: berth
  context: {cluster: berth, user: $2}
current-context: berth
KC
}
kubeconfig admin kubernetes-admin admin
kubeconfig controller-manager system:kube-controller-manager controller-manager
kubeconfig scheduler system:kube-scheduler scheduler
kubeconfig kube-proxy system:kube-proxy kube-proxy
kubeconfig kubelet "system:node:$NODE_NAME" kubelet-client
kubeconfig kubelet-agent "system:node:$AGENT_NAME" kubelet-client-agent
chmod 644 "$BERTH_STATE/admin.kubeconfig"
