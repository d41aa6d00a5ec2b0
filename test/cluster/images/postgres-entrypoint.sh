#!/bin/bash
# Minimal docker-entrypoint for the Debian-built postgres:15 image.
set -euo pipefail
if [ "${1:-}" = "postgres" ] || [ "${1:0:1}" = "-" ]; then
  [ "${1:0:1}" = "-" ] && set -- postgres "$@"
  : "${PGDATA:=/var/lib/postgresql/data}"
  if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA" && chown -R postgres:postgres "$PGDATA" && chmod 700 "$PGDATA"
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
  fi
  mkdir -p "$PGDATA"; chmod 700 "$PGDATA" 2>/dev/null || true
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    : "${POSTGRES_USER:=postgres}"
    [ -n "${POSTGRES_PASSWORD:-}" ] || [ "${POSTGRES_HOST_AUTH_METHOD:-}" = trust ] || {
      echo "error: POSTGRES_PASSWORD is not set (set POSTGRES_HOST_AUTH_METHOD=trust to allow no password)" >&2; exit 1; }
    pwfile=$(mktemp); printf '%s' "${POSTGRES_PASSWORD:-}" > "$pwfile"
    # POSTGRES_INITDB_ARGS is a list of words, as in the official image
    # shellcheck disable=SC2086
    initdb --username="$POSTGRES_USER" --pwfile="$pwfile" -D "$PGDATA" ${POSTGRES_INITDB_ARGS:-}
    rm -f "$pwfile"
    auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
    printf '\nhost all all all %s\n' "$auth" >> "$PGDATA/pg_hba.conf"
    pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=/var/run/postgresql" -w start
    db=${POSTGRES_DB:-$POSTGRES_USER}
    if [ "$db" != postgres ]; then
      psql -v ON_ERROR_STOP=1 -h /var/run/postgresql --username "$POSTGRES_USER" --dbname postgres \
        -c "CREATE DATABASE \"$db\";"
    fi
    for f in /docker-entrypoint-initdb.d/*; do
      case "$f" in
        *.sh)
          if [ -x "$f" ]; then "$f"; else
            # shellcheck source=/dev/null
            . "$f"
          fi ;;
        *.sql) psql -v ON_ERROR_STOP=1 -h /var/run/postgresql --username "$POSTGRES_USER" --dbname "$db" -f "$f" ;;
      esac
    done 2>/dev/null || true
    pg_ctl -D "$PGDATA" -m fast -w stop
  fi
  exec "$@" -c listen_addresses='*'
fi
exec "$@"
