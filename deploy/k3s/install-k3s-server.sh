#!/usr/bin/env bash
# Provisions the k3s server VM (run by Vagrant as root). Idempotent.
set -euo pipefail
: "${K3S_VERSION:?set by the Vagrantfile}" "${SERVER_IP:?set by the Vagrantfile}"

shared=/vagrant # the folder holding the Vagrantfile, synced into the VM

if ! command -v k3s >/dev/null; then
  echo "Installing k3s ${K3S_VERSION}..."
  installer=$(mktemp)
  curl -sfL https://get.k3s.io -o "$installer"
  # The kubeconfig stays 0600 (root only): it holds cluster-admin credentials.
  # Quick-start guides make it world-readable with chmod 644; we hand a copy to the
  # vagrant user instead. The private-network address goes into the API
  # server's certificate so kubectl on the laptop can verify it.
  INSTALL_K3S_VERSION="$K3S_VERSION" sh "$installer" server \
    --write-kubeconfig-mode 0600 \
    --node-ip "$SERVER_IP" \
    --advertise-address "$SERVER_IP" \
    --tls-san "$SERVER_IP"
  rm -f "$installer"
fi

echo "Waiting for the node to be Ready..."
until k3s kubectl get node k3s-server >/dev/null 2>&1; do sleep 2; done
k3s kubectl wait --for=condition=Ready node/k3s-server --timeout=300s

# kubeconfig for the vagrant user inside the VM.
install -d -m 0700 -o vagrant -g vagrant /home/vagrant/.kube
install -m 0600 -o vagrant -g vagrant /etc/rancher/k3s/k3s.yaml /home/vagrant/.kube/config

# kubeconfig for the laptop, pointing at the private-network address. The
# synced folder is the user's own checkout; the file is git-ignored.
install -d -m 0700 "$shared/.kube"
sed "s#https://127.0.0.1:6443#https://${SERVER_IP}:6443#" /etc/rancher/k3s/k3s.yaml > "$shared/.kube/k3s.yaml"
chmod 0600 "$shared/.kube/k3s.yaml"

# The join token for the optional agent, passed through the synced folder
# rather than printed into the provisioning log.
install -m 0600 /var/lib/rancher/k3s/server/node-token "$shared/.kube/node-token"

echo "k3s server is Ready. On the laptop: export KUBECONFIG=\"\$PWD/.kube/k3s.yaml\""
