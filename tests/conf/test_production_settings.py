"""The reference deployment (deploy/): its settings (kedai.env.example) pass
``manage.py check --deploy`` with no warning at all, its nginx site is
valid, and its app server spreads connections over its processes."""

import os
import re
import shlex
import socket
import subprocess
import sys
import time
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


def _unit_gunicorn_options() -> list[str]:
    """gunicorn's options in the ExecStart of deploy/systemd/kedai-web@.service."""
    unit = (ROOT / "deploy" / "systemd" / "kedai-web@.service").read_text()
    command = unit.split("\nExecStart=", 1)[1].replace("\\\n", " ").splitlines()[0]
    args = shlex.split(command)
    return args[args.index("kedai.conf.wsgi") + 1:]


def _sockets(port: int) -> dict[str, str]:
    """Socket inode -> TCP state ("0A" listening, "01" established) of the
    IPv4 sockets whose local port is ``port`` (Linux /proc/net/tcp)."""
    found = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].rsplit(":", 1)[1], 16) == port:
            found[fields[9]] = fields[3]
    return found


def _held_by(pid: int, inodes: set[str]) -> set[str]:
    held = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            match = re.fullmatch(r"socket:\[(\d+)\]", os.readlink(fd))
        except OSError:  # closed meanwhile
            continue
        if match and match[1] in inodes:
            held.add(match[1])
    return held


def _children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children]


def test_every_app_server_process_takes_its_share_of_connections(tmp_path):
    """With the reference unit's options each gunicorn process listens on
    its own socket (--reuse-port) and the kernel spreads new connections
    over them. On one shared socket, whichever process woke first could
    accept all of a client's (or nginx's) kept-alive connections while the
    other idled: the cart page measured at a third of its throughput in
    one round in three (bench/README.md, "Sixth pass")."""
    if not Path("/proc/net/tcp").exists():
        import pytest

        pytest.skip("needs Linux /proc")
    options = _unit_gunicorn_options()
    workers = int(options[options.index("--workers") + 1])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    options[options.index("--bind") + 1] = f"127.0.0.1:{port}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kedai.conf.settings_test",
           "KEDAI_VAR_DIR": str(tmp_path / "var"),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    env.pop("PYTEST_ADDOPTS", None)
    server = subprocess.Popen(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "gunicorn", "kedai.conf.wsgi", *options,
         "--log-level", "warning"], cwd=ROOT, env=env)
    clients: list[socket.socket] = []
    try:
        deadline = time.monotonic() + 60  # the first process answers
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=10).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        deadline = time.monotonic() + 10  # every process has booted
        while True:
            listening = {i for i, state in _sockets(port).items() if state == "0A"}
            if len(listening) == workers or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert len(listening) == workers, "one listening socket per process"
        # Like wrk or nginx's kept-alive upstream: many connections at once.
        for _ in range(32):
            client = socket.create_connection(("127.0.0.1", port), timeout=10)
            clients.append(client)
        for client in clients:
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        for client in clients:
            assert client.recv(64).startswith(b"HTTP/1.1 200")
        established = {i for i, state in _sockets(port).items() if state == "01"}
        shares = [len(_held_by(pid, established)) for pid in _children(server.pid)]
        # Each connection lands on a process at random: all 32 on one of
        # two processes has a chance of one in two thousand million.
        assert len(shares) == workers and all(shares), shares
    finally:
        for client in clients:
            client.close()
        server.terminate()
        server.wait(timeout=30)
