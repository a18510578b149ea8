"""Start gunicorn on a free loopback port: shared by the tests that run real servers
(tests/servers.py) and by the benchmark (tests/bench)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from journey.config import PROJECT_ROOT

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start(
    app: str,
    env: Mapping[str, str],
    log_path: Path,
    *,
    workers: int,
    timeout: int,
    threads: int = 1,
) -> tuple[int, subprocess.Popen]:
    """``gunicorn`` with ``workers`` workers serving ``app`` (a gunicorn app spec) on a
    free port, in the project folder, with the environment ``env``, its output going to
    ``log_path``: sync workers, or with ``threads`` > 1 threaded ones (gthread, as
    production runs them for the chat's streams). Returns the port and the process."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread" if threads > 1 else "sync",
        "--threads",
        str(threads),
        "--bind",
        f"{HOST}:{port}",
        "--timeout",
        str(timeout),
        "--graceful-timeout",
        "5",
        app,
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
            command,
            cwd=PROJECT_ROOT,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return port, process


def wait_until_answers(url: str, process: subprocess.Popen, timeout: float) -> str | None:
    """Wait until ``url`` answers 200 (polling every 0.1 s). None when it did; else why
    not: the process exited, or ``timeout`` seconds went by."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return f"gunicorn exited with {process.returncode}"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return None
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    return f"gunicorn did not answer within {timeout} s"


def stop(process: subprocess.Popen, timeout: float = 10) -> None:
    """SIGTERM to gunicorn (running requests may finish); killed after ``timeout`` s."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
