"""Real processes for the certificate fault tests: the queue of their workers, a private Redis.

Each test that kills or stops something starts its own worker on ``FAULT_QUEUE``
(``tests.fixtures.worker.WorkerProcess``): the session worker
(``celery_worker_process``) never consumes it.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from pathlib import Path

FAULT_QUEUE = "certificates-fault-test"


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
        """Start redis-server; return once it answers *as itself* (another engineer's Redis may hold a port)."""
        import redis

        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "yes", "--dir", str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 60  # bounds a broken start only
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"private Redis exited at start (port {self.port} taken by another process?)")
            with contextlib.suppress(redis.RedisError):
                if client.info("server")["process_id"] == self.process.pid:
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
