"""The container without Docker: hadolint on the Dockerfile, its exact CMD run as a real server, the Render blueprint
and the build context, checked against the app."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import subprocess
import sys

import httpx
import pytest
import yaml

from shared.paths import REPO_ROOT
from shared.servers import free_port, stop, wait_for_http
from week14_fastapi_docker import loadgen

FOLDER = REPO_ROOT / "week14_fastapi_docker"
DOCKERFILE = FOLDER / "Dockerfile"


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the final stage, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    stages = [i for i, line in enumerate(lines) if line.upper().startswith("FROM ")]
    return [tuple(line.split(None, 1)) for line in lines[stages[-1] :]]


def final_stage(name: str) -> list[str]:
    return [args for instruction, args in dockerfile_instructions() if instruction.upper() == name]


def docker_env() -> dict[str, str]:
    env = {}
    for args in final_stage("ENV"):
        for pair in shlex.split(args):
            key, _, value = pair.partition("=")
            env[key] = value
    return env


def docker_cmd() -> list[str]:
    [cmd] = final_stage("CMD")
    return json.loads(cmd)


def test_hadolint_passes():
    hadolint = REPO_ROOT / ".venv" / "bin" / "hadolint"
    binary = str(hadolint) if hadolint.exists() else "hadolint"
    result = subprocess.run([binary, str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_is_multistage_slim_nonroot_with_healthcheck():
    text = DOCKERFILE.read_text()
    froms = re.findall(r"^FROM\s+(\S+)", text, flags=re.M)
    assert len(froms) >= 2 and all("slim" in image for image in froms)
    assert "download.pytorch.org/whl/cpu" in text  # CPU-only torch
    [user] = final_stage("USER")
    assert user not in ("root", "0")
    [health] = final_stage("HEALTHCHECK")
    assert "/health" in health
    assert docker_env()["MODEL_DIR"].startswith("/models")  # mounted, as the README explains


def test_build_context_sends_only_what_the_image_copies():
    ignore = (FOLDER / "Dockerfile.dockerignore").read_text().splitlines()
    assert ignore[ignore.index("*")] == "*"  # allow-list: everything excluded first
    for args in final_stage("COPY"):
        if "--from=" in args:
            continue
        sources = [part for part in args.split() if not part.startswith("--")][:-1]
        for source in sources:
            assert (REPO_ROOT / source).exists(), source
            assert any(line.startswith("!") and source.startswith(line[1:].rstrip("/")) for line in ignore), source


def test_render_blueprint_matches_the_app(client):
    blueprint = yaml.safe_load((FOLDER / "render.yaml").read_text())
    [service] = blueprint["services"]
    env = {item["key"]: item.get("value") for item in service["envVars"]}
    cmd = docker_cmd()
    assert env["PORT"] == cmd[cmd.index("--port") + 1] == final_stage("EXPOSE")[0]
    assert (REPO_ROOT / service["dockerfilePath"]).resolve() == DOCKERFILE
    path = service["healthCheckPath"]
    assert path in client.get("/openapi.json").json()["paths"] and client.get(path).status_code == 200
    assert env["MODEL_DIR"].startswith(service["disk"]["mountPath"])
    assert "API_KEY" in env and env["API_KEY"] is None  # a secret: set in the dashboard, never in the file


@pytest.fixture(scope="module")
def cmd_server(model_dir, tmp_path_factory):
    """The Dockerfile's exact CMD and ENV, outside Docker: only the host (loopback) and port (free) change."""
    cmd = docker_cmd()
    assert cmd[0] == "uvicorn"
    port = free_port()
    command = [sys.executable, "-m", *cmd]
    command[command.index("--host") + 1] = "127.0.0.1"
    command[command.index("--port") + 1] = str(port)
    env = {**os.environ, **docker_env(), "MODEL_DIR": str(model_dir), "RATE_LIMIT": ""}
    log = tmp_path_factory.mktemp("cmd") / "server.log"
    with open(log, "wb") as handle:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/health", timeout=180, process=process, log=log)
        wait_for_http(f"http://127.0.0.1:{port}/ready", timeout=120, process=process, log=log)
        yield f"http://127.0.0.1:{port}", process, log
    finally:
        stop(process)
        with pytest.raises(ProcessLookupError):  # no orphan: the whole process group is gone
            os.killpg(process.pid, 0)


def test_dockerfile_cmd_serves_health_ready_and_predict(cmd_server):
    base_url, process, log = cmd_server
    assert httpx.get(base_url + "/health").json() == {"status": "ok"}
    response = httpx.post(base_url + "/predict", json={"texts": ["Lovely.", "Dreadful."]})
    assert response.status_code == 200 and len(response.json()["predictions"]) == 2
    assert process.poll() is None


def test_load_generator_holds_its_schedule_against_the_real_server(cmd_server):
    base_url, _, _ = cmd_server
    result = asyncio.run(loadgen.open_loop(base_url + "/predict", ["Fine.", "Not fine."], rate=20, seconds=1.0))
    assert result.sent == 20 and result.errors == 0
    assert 10 <= result.achieved_rps <= 21  # about the offered rate, never more
    assert (result.latencies_s > 0).all() and loadgen.percentile_ms(result.latencies_s, 99) < 5_000


def test_stop_kills_the_whole_process_group(tmp_path):
    """A child that ignores SIGTERM (as a stuck worker would) is still gone after stop()."""
    script = (
        "import signal, subprocess, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); time.sleep(60)"
    )
    process = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    stop(process, grace=0.5)
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)
