"""Serve the news champion through week 14's service factory (same limits, metrics, logs, 4xx contract), benchmark
it the way week 14 does, and estimate what the container image holds.

    MODEL_DIR=outputs/week16_pipeline/champion uvicorn --factory week16_pipeline.serve:create_app --port 8000

Week 14's `create_app(settings, loader=...)` takes the model loader as a parameter (the one change week 14 needed):
everything else — body limit, rate limit, API key, JSON logs, Prometheus metrics, micro-batching — is week 14's.
Every response names the model version (`week16-<weights sha256 prefix>-<kind>`): the audit trail's link from a
prediction to the exact weights.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd

from shared.errors import RoadmapError
from shared.paths import REPO_ROOT
from shared.servers import serve
from week16_pipeline.audit import file_sha256
from week16_pipeline.inference import load_model, predict

APP = "week16_pipeline.serve:create_app"


@dataclass
class ServedNews:
    """What week 14's service needs from a model: predict, version, quantized, torch_threads."""

    model: Any
    version: str
    quantized: bool
    torch_threads: int

    def predict(self, texts: list[str]) -> list[tuple[str, float]]:
        return predict(self.model, texts)


def model_version(folder: Path) -> str:
    weights = folder / "model.skops" if (folder / "model.skops").is_file() else folder / "model.safetensors"
    kind = "tfidf-logreg" if weights.suffix == ".skops" else "transformer"
    return f"week16-{file_sha256(weights)[:12]}-{kind}"


def load_news(settings) -> ServedNews:
    """week 14's ModelLoader for the news model: MODEL_DIR is required (there is no sensible default)."""
    import torch

    if settings.model_dir is None:
        raise RoadmapError("set MODEL_DIR to a week 16 model folder (e.g. outputs/week16_pipeline/champion)")
    folder = Path(settings.model_dir)
    model = load_model(folder)
    if settings.torch_threads > 0:
        torch.set_num_threads(settings.torch_threads)
    served = ServedNews(model, model_version(folder), False, torch.get_num_threads())
    served.predict(["A warm-up headline, so the first real request does not pay for lazy initialisation."])
    return served


def create_app(settings=None):
    """`uvicorn --factory week16_pipeline.serve:create_app`: week 14's app around the news model."""
    from week14_fastapi_docker.main import create_app as week14_app
    from week14_fastapi_docker.main import settings_from_environment

    return week14_app(
        settings or settings_from_environment(),
        loader=load_news,
        title="News classifier API (week 16)",
        description="Classifies English news articles as World, Sports, Business or Sci/Tech (week 16 pipeline).",
    )


def uvicorn_command(port: int | str, host: str = "127.0.0.1") -> list[str]:
    """The Dockerfile's CMD with this interpreter, host and port."""
    return [sys.executable, "-m", "uvicorn", "--factory", APP, "--host", host, "--port", str(port), "--workers", "1",
            "--no-access-log"]  # fmt: skip


# ---------------------------------------------------------------- benchmark (week 14's load generator)
def benchmark(model_dir: Path, texts: list[str], *, rates: tuple[int, ...], step_s: float, saturation_s: float,
              log: Path, probe: list[str]) -> tuple[pd.DataFrame, list[dict]]:  # fmt: skip
    """Start the service, saturate it (closed loop), offer each rate (open loop); return week 14's rows and the
    answers to `probe` texts (each with the model version it was served by)."""
    import httpx  # the benchmark's client side: not needed (nor installed) in the container

    from week14_fastapi_docker import loadgen
    from week14_fastapi_docker.benchmark import row

    # The server starts in REPO_ROOT: an absolute MODEL_DIR, so a relative one (dvc repro's `--work .`) still works.
    env = {"MODEL_DIR": str(Path(model_dir).resolve()), "RATE_LIMIT": "", "LOG_LEVEL": "WARNING", "TORCH_THREADS": "1",
           "PYTHONUNBUFFERED": "1"}  # fmt: skip
    variant = SimpleNamespace(name="news-champion", workers=1)
    rows = []
    with serve(uvicorn_command("{port}"), env=env, log=log, cwd=REPO_ROOT, health="/ready", timeout=240) as base:
        url = base + "/predict"
        answer = httpx.post(url, json={"texts": probe}, timeout=60).json()
        version = answer["model_version"]  # every answer names the exact weights that produced it
        served = [
            {"text": t, "label": p["label"], "probability": p["probability"], "model_version": version}
            for t, p in zip(probe, answer["predictions"], strict=True)
        ]
        loadgen.warm_up(url, texts, 1.0)
        result = asyncio.run(loadgen.closed_loop(url, texts, concurrency=8, seconds=saturation_s))
        rows.append(row(variant, "saturation", result))
        for rate in rates:
            result = asyncio.run(loadgen.open_loop(url, texts, rate=rate, seconds=step_s))
            rows.append(row(variant, f"{rate} rps", result))
    return pd.DataFrame(rows), served


# ---------------------------------------------------------------- image contents, estimated by code
RUNTIME = ["fastapi", "uvicorn", "pydantic-settings", "limits", "prometheus-client", "transformers", "tokenizers",
           "safetensors", "scikit-learn", "skops", "numpy", "pandas", "torch"]  # fmt: skip
NAIVE_EXTRAS = ["pip", "setuptools", "wheel", "ml-roadmap"]  # a naive `pip install .[all]` of the whole repo
BASE_IMAGE_MB = {"python:3.11": 1020, "python:3.11-slim": 131}  # Docker Hub compressed→unpacked sizes, 2025
CUDA_TORCH_EXTRA_MB = 2_600  # nvidia-* wheels the default PyPI torch pulls on Linux x86-64 (CPU index: none)


def closure(names: list[str]) -> set[str]:
    """Installed distributions `names` need, transitively (declared requirements without extras or markers)."""
    from packaging.requirements import Requirement

    seen, todo = set(), list(names)
    while todo:
        name = todo.pop().lower().replace("_", "-")
        if name in seen:
            continue
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        seen.add(name)
        for spec in requires:
            requirement = Requirement(spec)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return seen


def installed_mb(names: set[str]) -> float:
    total = 0
    for name in names:
        dist = metadata.distribution(name)
        for file in dist.files or []:
            path = Path(dist.locate_file(file))
            if path.is_file():
                total += path.stat().st_size
    return total / 1e6


def image_report() -> pd.DataFrame:
    """Estimated image contents: a naive single-stage build vs the multi-stage one in this folder's Dockerfile.

    Estimated, not built (no Docker here): the installed size of each image's Python distributions in this
    environment (transitive closure of what it installs), plus the base image and, for the naive build, the CUDA
    libraries the default torch wheel brings. The project's own dev/notebook tools count only in the naive build.
    """
    runtime = closure(RUNTIME)
    everything = closure([*RUNTIME, *NAIVE_EXTRAS, "jupyterlab", "mlflow", "dvc", "dask", "playwright", "gradio",
                          "pytest", "ruff"])  # fmt: skip
    rows = [
        {"image": "naive: python:3.11, pip install the whole repo, CUDA torch", "base_mb": BASE_IMAGE_MB["python:3.11"],
         "packages": len(everything), "python_packages_mb": installed_mb(everything),
         "cuda_libraries_mb": CUDA_TORCH_EXTRA_MB, "build_tools": "gcc, make, headers (full base image)"},
        {"image": "multi-stage: python:3.11-slim, runtime closure only, CPU torch",
         "base_mb": BASE_IMAGE_MB["python:3.11-slim"], "packages": len(runtime),
         "python_packages_mb": installed_mb(runtime), "cuda_libraries_mb": 0, "build_tools": "none (slim base)"},
    ]  # fmt: skip
    table = pd.DataFrame(rows)
    table["total_mb"] = table["base_mb"] + table["python_packages_mb"] + table["cuda_libraries_mb"]
    return table
