#!/bin/sh
# Restore a backup made by deploy/backup.sh into an EMPTY database and media
# directory (never over a running shop: stop the app servers, workers and
# scheduler first, or restore elsewhere and switch over):
#   deploy/restore.sh /var/backups/kedai/kedai-20260101T031000Z
# Reads DATABASE_URL and MEDIA_ROOT like backup.sh. Then run
# `manage.py migrate` (a no-op for a backup of the same version) and start
# the shop.
set -eu
base=${1:?usage: restore.sh BACKUP (path without .dump)}
base=${base%.dump}
if [ -z "${DATABASE_URL:-}" ]; then
  set -a; . "${KEDAI_ENV_FILE:-/etc/kedai/kedai.env}"; set +a
fi
: "${MEDIA_ROOT:?MEDIA_ROOT is not set}"
pg_restore --no-owner --exit-on-error --single-transaction \
  --dbname="$DATABASE_URL" "$base.dump"
if [ -f "$base.media.tar.gz" ]; then
  mkdir -p "$MEDIA_ROOT"
  tar -C "$MEDIA_ROOT" -xzf "$base.media.tar.gz"
fi
echo "restored $base"
