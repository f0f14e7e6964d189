"""Keep a few child processes running: the demo's web server, task worker
and sandbox (``manage.py rundemo``).

A child that exits is started again after a pause that doubles with each
quick failure (1 s up to a minute), so one crash — a worker that met a
locked database, say — never takes the shop down, and a child that cannot
start does not spin. Only :meth:`Supervisor.stop` (Ctrl-C) stops them all.
"""

from __future__ import annotations

import logging
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)


@dataclass
class Child:
    name: str
    argv: Sequence[str]
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    restart_at: float | None = None
    backoff: float = 0.0
    restarts: int = 0
    exit_codes: list[int] = field(default_factory=list)


class Supervisor:
    """Start ``commands`` (name → argument list), restart any that exits."""

    def __init__(self, commands: dict[str, Sequence[str]], *,
                 first_backoff: float = 1.0, max_backoff: float = 60.0,
                 healthy_seconds: float = 60.0,
                 say: Callable[[str], None] = logger.warning) -> None:
        self.children = {name: Child(name, argv) for name, argv in commands.items()}
        self.first_backoff, self.max_backoff = first_backoff, max_backoff
        self.healthy_seconds = healthy_seconds
        self.say = say
        self.stopping = False

    def start(self) -> None:
        for child in self.children.values():
            self._spawn(child)

    def _spawn(self, child: Child) -> None:
        # Fixed argument lists from the caller; no shell.
        child.process = subprocess.Popen(child.argv)  # noqa: S603
        child.started_at, child.restart_at = time.monotonic(), None

    def check(self) -> None:
        """Notice exited children and restart those whose pause is over."""
        now = time.monotonic()
        for child in self.children.values():
            if self.stopping:
                return
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.restarts += 1
                    self._spawn(child)
                continue
            code = child.process.poll() if child.process else None
            if code is None:
                continue
            child.exit_codes.append(code)
            ran = now - child.started_at
            child.backoff = (self.first_backoff if ran >= self.healthy_seconds
                             or not child.backoff
                             else min(child.backoff * 2, self.max_backoff))
            child.restart_at = now + child.backoff
            message = (f"{child.name} exited with code {code} after {ran:.0f} s; "
                       f"restarting in {child.backoff:.0f} s.")
            self.say(message)

    def run(self, tick: Callable[[], None] = lambda: None, *,
            interval: float = 0.5) -> None:
        """Start everything, then check and ``tick`` every ``interval``
        until :meth:`request_stop`; always stop the children on the way out."""
        self.start()
        try:
            while not self.stopping:
                self.check()
                if not self.stopping:
                    tick()
                time.sleep(interval)
        finally:
            self.stop()

    def request_stop(self, *_args) -> None:
        """Signal-handler safe: the loop in :meth:`run` ends and stops all."""
        self.stopping = True

    def stop(self, timeout: float = 10.0) -> None:
        self.stopping = True
        running = [c.process for c in self.children.values()
                   if c.process is not None and c.process.poll() is None]
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
