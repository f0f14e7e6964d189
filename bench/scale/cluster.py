"""A whole Kedai installation on this machine, for the scale test and its
benchmark: PostgreSQL (a fresh database), Redis, N gunicorn servers behind
nginx (round robin, with the public-page HTTP cache), M task workers, the
scheduler, the sandbox simulators and an SMTP server (aiosmtpd, in this
process). Everything listens on 127.0.0.1 on free ports and is removed on
``stop()``: processes, the database, the Redis db, the temporary directory.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("KEDAI_SCALE_PG", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("KEDAI_SCALE_REDIS", "redis://127.0.0.1:6379/9")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

NGINX_CONF = """\
worker_processes 1;
{user}
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/nginx-body;
    proxy_temp_path {tmp}/nginx-proxy;
    fastcgi_temp_path {tmp}/nginx-fastcgi;
    uwsgi_temp_path {tmp}/nginx-uwsgi;
    scgi_temp_path {tmp}/nginx-scgi;
    # The public-page cache: only what Kedai marks "public" is stored
    # (token pages say "private, no-store"), for as long as it says.
    proxy_cache_path {tmp}/nginx-cache levels=1:2 keys_zone=kedai_pages:10m
                     max_size=200m inactive=10m use_temp_path=off;
    upstream kedai {{
{servers}
    }}
{pinned_upstreams}
    # Scripted shoppers pick a server per request (X-Kedai-Backend: 0..N-1)
    # so each request lands on another one; anyone else gets round robin.
    map $http_x_kedai_backend $kedai_pool {{
        default kedai;
{pinned_map}
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 20m;
        location /static/ {{
            alias {static}/;
            expires 30d;
        }}
        location / {{
            proxy_pass http://$kedai_pool;
            # Generous: on a shared 2-core machine 100 shoppers queue.
            proxy_read_timeout 300s;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Request-ID $request_id;
            add_header X-Upstream $upstream_addr always;
            proxy_cache kedai_pages;
            proxy_cache_key $scheme$host$request_uri;
            proxy_cache_methods GET HEAD;
            proxy_cache_lock on;
            proxy_cache_bypass $http_x_kedai_backend;
            proxy_no_cache $http_x_kedai_backend;
            add_header X-Cache $upstream_cache_status always;
        }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@dataclass
class Cluster:
    servers: int = 3
    workers: int = 2
    scheduler: bool = True
    threads: int = 4
    extra_env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="kedai-scale-"))
        self.db_name = f"kedai_deploy_scale_{os.getpid()}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server_ports = [free_port() for _ in range(self.servers)]
        self.sandbox_port = free_port()
        self.smtp_port = free_port()
        self.procs: dict[str, subprocess.Popen] = {}
        self.worker_names: list[str] = []
        self._nginx_started = False

    @property
    def server_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.server_ports]

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("KEDAI_", "PYTEST")) and k not in (
                   "DATABASE_URL", "CACHE_URL", "EMAIL_URL",
                   "DJANGO_SETTINGS_MODULE")}
        env.update({
            "DJANGO_SETTINGS_MODULE": "kedai.conf.settings",
            "DATABASE_URL": f"{PG_URL}/{self.db_name}",
            "CACHE_URL": REDIS_URL,
            "EMAIL_URL": f"smtp://127.0.0.1:{self.smtp_port}",
            "KEDAI_VAR_DIR": str(self.tmp / "var"),
            "SECRET_KEY": "scale-test-only-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "KEDAI_SITE_URL": self.url,
            "KEDAI_SANDBOX_URL": f"http://127.0.0.1:{self.sandbox_port}",
            "KEDAI_PAYMENT_CALLBACK_BASE_URL": self.url,
            "KEDAI_PAYMENT_METHODS": "billplz,bank_transfer",
            "KEDAI_SERVE_MEDIA": "false",
            "KEDAI_OUTBOX_LEASE_SECONDS": "15",
            "KEDAI_OUTBOX_SMTP_TIMEOUT": "5",
            "KEDAI_OUTBOX_BACKOFF_SECONDS": "2",
            "KEDAI_SCHEDULE": "outbox_deliver=3;requery_payments=10",
            "KEDAI_METRICS_ALLOWED_IPS": "127.0.0.1",
            "CONN_MAX_AGE": "60",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        })
        env.update(self.extra_env)
        return env

    # --- lifecycle ---------------------------------------------------------

    def prepare(self) -> None:
        """Create the database, migrate, collect static files; point this
        process's Django at the cluster (call before django.setup())."""
        import psycopg

        with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}"')
            conn.execute(f'CREATE DATABASE "{self.db_name}"')
        self._redis("FLUSHDB")
        os.environ.update(self.env)
        for args in (["migrate", "--no-input", "-v0"],
                     ["collectstatic", "--no-input", "-v0"]):
            subprocess.run([sys.executable, "manage.py", *args], check=True,  # noqa: S603
                           cwd=ROOT, env=self.env, timeout=300)

    def start(self) -> None:
        """Start every process and wait until the shop answers."""
        self._spawn("sandbox", [sys.executable, "-m", "kedai.sandbox",
                                "--port", str(self.sandbox_port)])
        for i, port in enumerate(self.server_ports):
            self._spawn(f"server{i}", [
                sys.executable, "-m", "gunicorn", "kedai.conf.wsgi",
                "--bind", f"127.0.0.1:{port}", "--workers", "1",
                "--threads", str(self.threads), "--worker-class", "gthread",
                "--timeout", "60", "--log-level", "warning"])
        for _ in range(self.workers):
            self.add_worker()
        if self.scheduler:
            self._spawn("scheduler", [sys.executable, "manage.py", "scheduler"])
        self._start_nginx()
        wait_http(f"http://127.0.0.1:{self.sandbox_port}/")
        for url in self.server_urls:
            wait_http(url + "/healthz")
        wait_http(self.url + "/healthz")

    def add_worker(self) -> str:
        name = f"worker{len(self.worker_names)}"
        self.worker_names.append(name)
        self._spawn(name, [sys.executable, "manage.py", "task_worker",
                           "--no-reload", "--interval", "0.5"])
        return name

    def kill(self, name: str) -> None:
        """SIGKILL one process (no clean-up of its own)."""
        proc = self.procs[name]
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    def stop(self) -> None:
        """Stop everything and remove what ``prepare`` made."""
        if self._nginx_started:
            subprocess.run([NGINX, "-p", str(self.tmp), "-c",  # noqa: S603
                            str(self.tmp / "nginx.conf"), "-s", "stop"],
                           capture_output=True, timeout=30, check=False)
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        with contextlib.suppress(Exception):
            import psycopg

            with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        with contextlib.suppress(Exception):
            self._redis("FLUSHDB")
        shutil.rmtree(self.tmp, ignore_errors=True)

    def dead(self) -> list[str]:
        """Processes that exited although nobody stopped them."""
        return [name for name, proc in self.procs.items() if proc.poll() is not None]

    # --- helpers -----------------------------------------------------------

    def _spawn(self, name: str, args: list[str]) -> None:
        log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 - lives with proc
        self.procs[name] = subprocess.Popen(  # noqa: S603
            args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _start_nginx(self) -> None:
        servers = "\n".join(f"        server 127.0.0.1:{p};" for p in self.server_ports)
        pinned = "\n".join(
            f"    upstream kedai{i} {{ server 127.0.0.1:{p}; }}"
            for i, p in enumerate(self.server_ports))
        pinned_map = "\n".join(f'        "{i}" kedai{i};'
                               for i in range(len(self.server_ports)))
        conf = NGINX_CONF.format(
            tmp=self.tmp, port=self.port, servers=servers,
            pinned_upstreams=pinned, pinned_map=pinned_map,
            static=self.tmp / "var" / "static",
            user="user root;" if os.geteuid() == 0 else "")
        (self.tmp / "nginx.conf").write_text(conf)
        subprocess.run([NGINX, "-p", str(self.tmp), "-c",  # noqa: S603
                        str(self.tmp / "nginx.conf")], check=True, timeout=30,
                       capture_output=True)
        self._nginx_started = True

    def _redis(self, *command: str) -> None:
        import redis

        redis.Redis.from_url(REDIS_URL).execute_command(*command)


def ensure_nginx() -> None:
    """Install Debian's nginx when it is missing (CI runs as root)."""
    if shutil.which("nginx") or Path(NGINX).exists():
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "nginx"],
                   check=True, env=env)
