"""Extra code (scaffolding): the command that starts this service, the Dockerfile's CMD with a chosen port.

Starting, waiting for and always stopping the server is `shared.servers.serve` (one way for every unit).

    with serve(uvicorn_command("{port}"), env={"QUANTIZE": "1"}, health="/ready") as base_url:
        httpx.post(base_url + "/predict", json={"text": "Fine."})
"""

from __future__ import annotations

import sys

APP = "week14_fastapi_docker.main:create_app"


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
