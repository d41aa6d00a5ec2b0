#!/usr/bin/env bash
# Makes a locally built image available to a local cluster without a
# registry — "save, copy, ctr import" for every flavour.
#   deploy/k3s/import-image.sh <flavour> <image:tag>
# flavour: k3s-vagrant | k3s | minikube | kind | docker-desktop
set -euo pipefail
flavour=${1:?usage: import-image.sh <k3s-vagrant|k3s|minikube|kind|docker-desktop> <image:tag>}
image=${2:?usage: import-image.sh <flavour> <image:tag>}

# The tool that built the image saves it (docker, or podman/buildah).
builder=docker
command -v docker >/dev/null || builder=podman

save() { # file
  if [[ $builder == podman ]]; then podman save --format docker-archive -o "$1" "$image"; else docker save -o "$1" "$image"; fi
}

case "$flavour" in
  k3s-vagrant) # k3s in the Vagrant VM of this folder: copy through the synced folder
    archive=".images/$(echo "$image" | tr '/:' '__').tar"
    mkdir -p .images && save "$archive"
    vagrant ssh k3s-server -c "sudo k3s ctr -n k8s.io images import /vagrant/$archive"
    ;;
  k3s) # k3s on this machine
    archive=$(mktemp --suffix .tar)
    save "$archive" && sudo k3s ctr -n k8s.io images import "$archive" && rm -f "$archive"
    ;;
  minikube) minikube image load "$image" ;;
  kind) kind load docker-image "$image" ;;
  docker-desktop) echo "Docker Desktop's Kubernetes uses the images docker builds: nothing to import." ;;
  *) echo "unknown flavour: $flavour" >&2; exit 2 ;;
esac
