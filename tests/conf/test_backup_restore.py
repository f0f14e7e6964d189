"""deploy/backup.sh and deploy/restore.sh: a backup restores into an empty
database and media directory with every row and file (PostgreSQL only; the
embedded SQLite shop uses manage.py shop_backup)."""

import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.factories import make_product

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def _url(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{name}")


def test_backup_then_restore_into_an_empty_shop(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump backups are for PostgreSQL")
    make_product(name="Songket scarf", slug="songket-scarf")
    media = tmp_path / "media"
    (media / "products").mkdir(parents=True)
    (media / "products" / "songket.webp").write_bytes(b"RIFF-picture")
    source = connection.settings_dict["NAME"]
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": _url(source),
           "MEDIA_ROOT": str(media)}
    made = subprocess.run([ROOT / "deploy" / "backup.sh", tmp_path / "backups"],  # noqa: S603
                          env=env, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    backup = made.stdout.strip()

    target = f"kedai_deploy_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{target}"')
    try:
        restored_media = tmp_path / "restored-media"
        done = subprocess.run(  # noqa: S603
            [ROOT / "deploy" / "restore.sh", backup],
            env={**env, "DATABASE_URL": _url(target),
                 "MEDIA_ROOT": str(restored_media)},
            capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        with psycopg.connect(_url(target)) as restored:
            names = [r[0] for r in restored.execute(
                "SELECT name FROM catalog_product")]
            migrations = restored.execute(
                "SELECT count(*) FROM django_migrations").fetchone()[0]
        assert names == ["Songket scarf"]
        assert migrations > 0
        assert (restored_media / "products" / "songket.webp").read_bytes() == \
            b"RIFF-picture"
    finally:
        with psycopg.connect(_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
