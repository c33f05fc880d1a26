"""Extra code (scaffolding): start a local server on a free port, wait until it answers, and always stop it.

Weeks 13 (`mlflow server`), 14 (uvicorn) and the capstones start real servers on loopback in their runs and
tests. The server gets its own process group, so stopping it also stops the workers it forked; the `finally`
makes sure that happens even when the code using it raises: a failing test leaves no orphan on a port.

    with serve([sys.executable, "-m", "mlflow", "server", "--port", "{port}"], health="/health") as base_url:
        urllib.request.urlopen(base_url + "/health")
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from shared.errors import RoadmapError


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS picks it; a tiny race until the server binds it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def wait_for_http(
    url: str, *, timeout: float, process: subprocess.Popen | None = None, log: Path | None = None, times: int = 1
) -> None:
    """Poll `url` until it has answered 200 `times` times in a row; fail early if `process` exits."""
    deadline = time.monotonic() + timeout
    streak = 0
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
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
    """SIGTERM the whole process group, SIGKILL what is left after `grace` seconds (workers included)."""
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
    health: str = "/",
    host: str = "127.0.0.1",
    port: int | None = None,
    timeout: float = 120,
    env: dict[str, str] | None = None,
    log: Path | None = None,
    cwd: Path | None = None,
    ready_times: int = 1,
) -> Iterator[str]:
    """Run `command` (`{host}` and `{port}` in it are filled in) and yield its base URL once `health` answers
    200 `ready_times` times in a row; the server is always stopped afterwards."""
    port = port or free_port(host)
    argv = [part.replace("{host}", host).replace("{port}", str(port)) for part in command]
    if log:
        Path(log).parent.mkdir(parents=True, exist_ok=True)
    log_file = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - closed in finally
    try:
        process = subprocess.Popen(
            argv,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            cwd=cwd,
            start_new_session=True,
        )
        base_url = f"http://{host}:{port}"
        try:
            wait_for_http(base_url + health, timeout=timeout, process=process, log=log, times=ready_times)
            yield base_url
        finally:
            stop(process)
    finally:
        if log:
            log_file.close()


def _tail(log: Path | None, chars: int = 1500) -> str:
    if log is None or not Path(log).is_file():
        return ""
    return "\n--- server log (tail) ---\n" + Path(log).read_text(errors="replace")[-chars:]
