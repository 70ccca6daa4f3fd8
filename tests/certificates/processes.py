"""Real processes for the certificate fault tests: a worker on its own queue, a private Redis.

Each test that kills or stops something starts its own: the session worker
(``celery_worker_process``) never consumes the queue these tests use.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from tests.fixtures.worker import ROOT, WorkerProcess, _worker_env, wait_for

FAULT_QUEUE = "certificates-fault-test"


class QueueWorker(WorkerProcess):
    """A worker consuming only ``queue``, with extra environment (e.g. a fault delay)."""

    def __init__(self, log_path: Path, *, queue: str = FAULT_QUEUE, env: dict[str, str] | None = None):
        super().__init__(log_path)
        self.queue = queue
        self.extra_env = env or {}

    def start(self) -> None:
        env = _worker_env()
        env.update(self.extra_env)
        self.log = open(self.log_path, "ab")  # noqa: SIM115 — closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "lms", "worker", "--loglevel=INFO", "--pool=prefork",
                "--concurrency=1", "-Q", self.queue, "--without-mingle", "--without-gossip",
                f"--hostname=certfault-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip

    def wait_ready(self, timeout: float = 60) -> bool:
        return bool(wait_for(lambda: " ready." in self.log_text() or self.process.poll() is not None, timeout=timeout))

    def pool_children(self) -> list[int]:
        pid = self.process.pid
        try:
            return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []

    def kill_main_and_children(self) -> None:
        """SIGKILL the main process, then its pool children (a container stop, a power cut)."""
        children = self.pool_children()
        self.kill()
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)

    def stop(self) -> None:
        children = self.pool_children()
        super().stop()
        for child in children:  # orphans of a killed main process
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)


def free_port(start: int = 6390, end: int = 6420) -> int:
    for port in range(start, end):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for a private Redis")


class PrivateRedis:
    """A redis-server on its own loopback port, append-only in a temporary folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @staticmethod
    def available() -> bool:
        return shutil.which("redis-server") is not None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "yes", "--dir", str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError("private Redis did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
