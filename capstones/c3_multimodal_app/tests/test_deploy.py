"""The container without Docker (hadolint, the build context, the pins, the exact CMD run as a server), the `serve`
command's argument errors, and a fast `run()` end to end (slow: it starts the app in its own process)."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys

import httpx
import pytest

from capstones.c3_multimodal_app.cli import add_commands
from shared.cli import week_main
from shared.paths import REPO_ROOT
from shared.servers import serve
from shared.testing import run_in_process

FOLDER = REPO_ROOT / "capstones" / "c3_multimodal_app"
DOCKERFILE = FOLDER / "Dockerfile"


def final_stage(name: str) -> list[str]:
    """Arguments of each `name` instruction in the Dockerfile's last stage (continuation lines joined)."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    last = max(i for i, line in enumerate(lines) if line.upper().startswith("FROM "))
    return [line.split(None, 1)[1] for line in lines[last:] if line.split(None, 1)[0].upper() == name]


def docker_env() -> dict[str, str]:
    return dict(pair.split("=", 1) for args in final_stage("ENV") for pair in shlex.split(args))


def test_hadolint_passes():
    hadolint = REPO_ROOT / ".venv" / "bin" / "hadolint"
    result = subprocess.run([str(hadolint) if hadolint.exists() else "hadolint", str(DOCKERFILE)],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_is_multistage_slim_nonroot_offline_and_copies_only_allowed_files():
    text = DOCKERFILE.read_text()
    froms = re.findall(r"^FROM\s+(\S+)", text, flags=re.M)
    assert len(froms) == 2 and all("slim" in image for image in froms)
    assert final_stage("USER")[0] not in ("root", "0")
    env = docker_env()
    assert env["GRADIO_ANALYTICS_ENABLED"] == "False" and env["HF_HUB_OFFLINE"] == "1"
    assert env["IMAGE_MODEL"].startswith("/models/") and env["TEXT_MODEL"].startswith("/models/")
    ignore = (FOLDER / "Dockerfile.dockerignore").read_text().splitlines()
    assert "*" in ignore  # an allow-list: everything excluded first
    for args in final_stage("COPY"):
        if "--from=" in args:
            continue
        for source in [part for part in args.split() if not part.startswith("--")][:-1]:
            assert (REPO_ROOT / source).exists(), source
            assert any(line.startswith("!") and source.startswith(line[1:].rstrip("/")) for line in ignore), source


def test_requirements_are_pinned_to_the_repositorys_constraints():
    constraints = dict(
        line.lower().split("==") for line in (REPO_ROOT / "constraints.txt").read_text().splitlines() if "==" in line
    )
    for line in (FOLDER / "requirements.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.lower().split("==")
            assert constraints[re.sub(r"\[.*\]", "", name)] == version, line


def test_serve_refuses_a_bad_port_with_one_message():
    code, stderr = run_in_process(lambda argv: week_main("c3", argv, add_commands=add_commands),
                                  ["serve", "--port", "70000"])  # fmt: skip
    assert code == 2 and "outside 1–65535" in stderr and "Traceback" not in stderr


@pytest.mark.slow
def test_the_dockerfiles_cmd_serves_the_api_and_the_page(sources, tmp_path):
    """The final stage's exact CMD and ENV outside Docker; only host (loopback), port and model paths change."""
    cmd = json.loads(final_stage("CMD")[0])
    assert cmd[0] == "uvicorn"
    command = [sys.executable, "-m", *cmd]
    command[command.index("--host") + 1] = "{host}"
    command[command.index("--port") + 1] = "{port}"
    env = {**docker_env(), "PATH": os.environ["PATH"], "IMAGE_MODEL": str(sources["image"].path),
           "TEXT_MODEL": str(sources["text"].path), "GRADIO_TEMP_DIR": str(tmp_path / "gradio")}  # fmt: skip
    with serve(command, health="/healthz", env=env, log=tmp_path / "server.log", cwd=REPO_ROOT) as base_url:
        assert httpx.post(base_url + "/v1/text", json={"text": "Lovely."}).json()["model"]["mode"] == "stand-in"
        assert httpx.post(base_url + "/v1/text", json={"text": " "}).status_code == 422
        assert "<gradio-app" in httpx.get(base_url + "/ui/").text or httpx.get(base_url + "/ui/").status_code == 200


@pytest.mark.slow
def test_a_fast_run_serves_both_models_and_finds_no_gap(sources, tmp_path):
    from shared.runner import run_week
    from shared.weeks import find_week

    summary = run_week(find_week("c3"), fast=True, seed=1, out_dir=tmp_path, sources=sources)
    metrics = summary["metrics"]
    assert metrics["image_n"] == 100 and metrics["text_n"] == 50
    assert metrics["image_agreement"] == 1 and metrics["text_agreement"] == 1
    assert all(t["met"] for t in summary["targets"])
    assert (tmp_path / "latency.png").is_file() and (tmp_path / "MODEL_CARD.md").is_file()
    assert len((tmp_path / "tables" / "images.csv").read_text().splitlines()) == 101
