#!/usr/bin/env bash
# Provisions the optional k3s agent VM (run by Vagrant as root). Joins the
# server with the token the server's provisioning left in the synced folder.
set -euo pipefail
: "${K3S_VERSION:?set by the Vagrantfile}" "${SERVER_IP:?set by the Vagrantfile}"

token_file=/vagrant/.kube/node-token
if [[ ! -s "$token_file" ]]; then
  echo "No join token at $token_file: run 'vagrant up k3s-server' first." >&2
  exit 1
fi

if ! command -v k3s >/dev/null; then
  echo "Installing k3s agent ${K3S_VERSION}..."
  installer=$(mktemp)
  curl -sfL https://get.k3s.io -o "$installer"
  K3S_URL="https://${SERVER_IP}:6443" K3S_TOKEN_FILE="$token_file" INSTALL_K3S_VERSION="$K3S_VERSION" \
    sh "$installer" agent --node-ip 192.168.56.11
  rm -f "$installer"
fi
echo "k3s agent installed; check with: kubectl get nodes"
