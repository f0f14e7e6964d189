#!/bin/sh
# Back up one shop: the PostgreSQL database (pg_dump, custom format) and
# the media files (uploads, logos, product images), into DIR:
#   deploy/backup.sh /var/backups/kedai
# Reads DATABASE_URL and MEDIA_ROOT from the environment, or else from
# /etc/kedai/kedai.env (KEDAI_ENV_FILE). Keeps the newest KEEP (14) sets.
# Restore with deploy/restore.sh; test a restore regularly (docs/deploy.md).
set -eu
dir=${1:?usage: backup.sh DIR}
if [ -z "${DATABASE_URL:-}" ]; then
  set -a; . "${KEDAI_ENV_FILE:-/etc/kedai/kedai.env}"; set +a
fi
: "${MEDIA_ROOT:?MEDIA_ROOT is not set}"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$dir"
umask 077
pg_dump --format=custom --no-owner --file="$dir/kedai-$stamp.dump.part" \
  --dbname="$DATABASE_URL"
mv "$dir/kedai-$stamp.dump.part" "$dir/kedai-$stamp.dump"
if [ -d "$MEDIA_ROOT" ]; then
  tar -C "$MEDIA_ROOT" -czf "$dir/kedai-$stamp.media.tar.gz.part" .
  mv "$dir/kedai-$stamp.media.tar.gz.part" "$dir/kedai-$stamp.media.tar.gz"
fi
# Drop the oldest sets beyond KEEP.
keep=${KEEP:-14}
ls -1t "$dir"/kedai-*.dump 2>/dev/null | tail -n +$((keep + 1)) | while read -r old; do
  rm -f "$old" "${old%.dump}.media.tar.gz"
done
echo "$dir/kedai-$stamp"
