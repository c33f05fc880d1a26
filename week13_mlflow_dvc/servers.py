"""Extra code (scaffolding): start a local server on a free port, wait until it answers, and always stop it.

Nothing here knows about MLflow: it serves week 13's `mlflow server` and any later `uvicorn` app alike. The server
gets its own process group, so stopping it also stops the workers it forked; the `finally` makes sure that happens
even when the code using it raises (a failing test leaves no orphan listening on a port).

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
    """A TCP port nobody listens on right now (the OS picks it; tiny race until the server binds it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def wait_for_http(
    url: str, *, timeout: float, process: subprocess.Popen | None = None, log: Path | None = None
) -> None:
    """Poll `url` until it answers 200; fail early if `process` exits, with the tail of its log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RoadmapError(
                f"the server exited with code {process.returncode} before {url} answered" + _log_tail(log)
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback URL we built
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    raise RoadmapError(f"{url} did not answer within {timeout:.0f} s" + _log_tail(log))


def stop(process: subprocess.Popen, grace: float = 10) -> None:
    """SIGTERM the process group, then SIGKILL whatever is still there after `grace` seconds."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


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
) -> Iterator[str]:
    """Run `command` (`{host}` and `{port}` in it are filled in) and yield its base URL once `health` answers."""
    port = port or free_port(host)
    argv = [part.format(host=host, port=port) for part in command]
    log_file = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed in finally
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
        wait_for_http(base_url + health, timeout=timeout, process=process, log=log)
        yield base_url
    finally:
        stop(process)
        if log:
            log_file.close()


def _log_tail(log: Path | None, chars: int = 1500) -> str:
    if log is None or not Path(log).is_file():
        return ""
    return "; its log ends with:\n" + Path(log).read_text(errors="replace")[-chars:]
