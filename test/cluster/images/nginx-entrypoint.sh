#!/bin/sh
# The official nginx image's start-up step that Berth's images rely on: every
# /etc/nginx/templates/*.template is written, with the environment's variables
# filled in, to $NGINX_ENVSUBST_OUTPUT_DIR (default /etc/nginx/conf.d) without
# the .template suffix; then the command runs. Only variables that are set are
# replaced, so nginx's own $variables stay as they are.
set -eu
templates=/etc/nginx/templates
out=${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}
if [ -d "$templates" ]; then
  defined=$(env | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/${\1}/p' | tr '\n' ' ')
  for template in "$templates"/*.template; do
    [ -f "$template" ] || continue
    name=$(basename "$template" .template)
    envsubst "$defined" < "$template" > "$out/$name"
  done
fi
exec "$@"
