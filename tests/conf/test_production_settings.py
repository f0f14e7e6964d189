"""The reference production settings (deploy/kedai.env.example) pass
``manage.py check --deploy`` with no warning at all."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _example_env() -> dict[str, str]:
    env = {}
    for line in (ROOT / "deploy" / "kedai.env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = value.strip()
    return env


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KEDAI_", "DJANGO_", "PYTEST"))
           and k not in ("DATABASE_URL", "CACHE_URL", "EMAIL_URL", "DEBUG")}
    env.update(_example_env())
    env.update({
        "DJANGO_SETTINGS_MODULE": "kedai.conf.settings",
        "KEDAI_VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    })
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_reference_nginx_config_is_valid(tmp_path):
    """deploy/nginx/kedai.conf passes ``nginx -t`` (certificates made up)."""
    import shutil

    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists() or not shutil.which("openssl"):
        import pytest

        pytest.skip("nginx or openssl not installed")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",  # noqa: S603,S607
                    "-keyout", tmp_path / "k.pem", "-out", tmp_path / "c.pem",
                    "-days", "1", "-subj", "/CN=shop.example.my"],
                   check=True, capture_output=True, timeout=60)
    site = (ROOT / "deploy" / "nginx" / "kedai.conf").read_text()
    site = (site.replace("/etc/letsencrypt/live/shop.example.my/fullchain.pem",
                         str(tmp_path / "c.pem"))
            .replace("/etc/letsencrypt/live/shop.example.my/privkey.pem",
                     str(tmp_path / "k.pem"))
            .replace("/var/cache/nginx/kedai", str(tmp_path / "cache")))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{\n include /etc/nginx/mime.types;\n"
        f" include {tmp_path}/site.conf;\n}}\n")
    result = subprocess.run([nginx, "-t", "-p", tmp_path, "-c",  # noqa: S603
                             tmp_path / "nginx.conf"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
