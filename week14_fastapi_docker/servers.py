"""Extra code (scaffolding): start uvicorn on a free loopback port, wait until it answers, and always stop it.

The server runs in its own process group, so stopping it also stops the workers it forked, and the `finally` makes
sure that happens even when the code using it fails: no test or benchmark leaves a server behind.

    with serve(uvicorn_command(port="{port}"), env={"QUANTIZE": "1"}, wait_for="/ready") as base_url:
        httpx.post(base_url + "/predict", json={"text": "Fine."})
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from shared.errors import RoadmapError
from shared.paths import REPO_ROOT

APP = "week14_fastapi_docker.main:create_app"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS picks it; a tiny race until the server binds it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def uvicorn_command(port: int | str, workers: int = 1, host: str = "127.0.0.1") -> list[str]:
    """The Dockerfile's CMD, with this interpreter, host and port."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        APP,
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
    ]


def wait_until_ok(url: str, *, timeout: float, process: subprocess.Popen, log: Path, times: int = 1) -> None:
    """Poll `url` until it has answered 200 `times` times in a row; fail early if the server exits."""
    deadline = time.monotonic() + timeout
    streak = 0
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RoadmapError(f"the server exited with code {process.returncode} before {url} answered" + _tail(log))
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - a loopback URL we built
                streak = streak + 1 if response.status == 200 else 0
        except (urllib.error.URLError, OSError):
            streak = 0
        if streak >= times:
            return
        time.sleep(0.1 if streak else 0.25)
    raise RoadmapError(f"{url} did not answer within {timeout:.0f} s" + _tail(log))


def stop(process: subprocess.Popen, grace: float = 10) -> None:
    """SIGTERM the whole process group (uvicorn and its workers), SIGKILL what is left after `grace` s."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            continue
    try:  # workers that outlived their parent are still in the group
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


@contextmanager
def serve(
    command: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    log: Path,
    wait_for: str = "/ready",
    timeout: float = 180,
    ready_times: int = 1,
) -> Iterator[str]:
    """Start `command` ("{port}" is replaced by a free port), yield its base URL once `wait_for` answers 200."""
    port = free_port()
    command = [part.replace("{port}", str(port)) for part in command]
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as log_handle:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env={**os.environ, **(env or {})},
            stdout=log_handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_until_ok(base_url + wait_for, timeout=timeout, process=process, log=log, times=ready_times)
            yield base_url
        finally:
            stop(process)


def _tail(log: Path, chars: int = 1500) -> str:
    try:
        return "\n--- server log (tail) ---\n" + log.read_text(errors="replace")[-chars:]
    except OSError:
        return ""
