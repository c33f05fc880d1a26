"""Capstone 3: serve the week 10 image model and the week 12 sentiment model in one app, and check it end to end.

What a "run" of an app measures: that the app answers exactly as the models do. Read top-down:
Config → which models (`models.py`: published full runs, else fast runs) → a seeded sample of CIFAR-10 test
images and SST-2 dev sentences → the models' own answers on those rows, in process (`direct_*`) → the same rows
sent through the running app over HTTP, one request each, timed (`api_*`) → accuracy with a 95% interval for
both, the gap between them (the target: at most 0.5 points; anything else is a bug in the serving path, such as
a different resize or a lossy re-encode) and latency percentiles per endpoint (reported, never a target) → a
latency figure and, in a real browser, screenshots of the page answering.

The app is `app.py` (FastAPI + the Gradio page in `ui.py`); what both call is `inference.py`.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from capstones.c3_multimodal_app.app import Settings, create_app
from capstones.c3_multimodal_app.models import ModelSource, resolve_models
from shared.plotting import save_figure, subplots
from shared.result import Result
from shared.stats import bootstrap_ci, proportion_ci
from shared.targets import Target

TARGETS = [
    Target("image_accuracy_gap_pp", "<=", 0.5, "c3 brief: the API's accuracy equals the model's own on the same rows"),
    Target("text_accuracy_gap_pp", "<=", 0.5, "c3 brief: the API's accuracy equals the model's own on the same rows"),
]
HEADLINE = ("image_api_accuracy", "text_api_accuracy")


@dataclass(frozen=True, kw_only=True)
class Config:
    """Every knob of the full run. Fixed: no field is computed from a measured time."""

    n_images: int | None = 500  # CIFAR-10 test images sent to POST /v1/image (seeded sample); None = all 10,000
    n_sentences: int | None = None  # SST-2 dev sentences sent to POST /v1/text; None = all 872
    screenshots: bool = True  # drive the page in headless Chromium for the README (skipped, with a note, without one)
    startup_timeout: float = 600  # seconds the server may take to answer /healthz before the run gives up


FAST = Config(n_images=100, n_sentences=50, screenshots=False)


# ---------------------------------------------------------------- the rows both doors are scored on
def sample_rows(n_total: int, n: int | None, seed: int) -> np.ndarray:
    """`n` distinct row numbers out of `n_total`, seeded and sorted (all of them when `n` is None)."""
    if n is None or n >= n_total:
        return np.arange(n_total)
    return np.sort(np.random.default_rng(seed).choice(n_total, n, replace=False))


def load_rows(config: Config, seed: int) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """(images, their labels, sentences with labels): the seeded sample both the models and the API answer."""
    from shared.data import load_sst2
    from shared.data.cifar10 import load_cifar10

    cifar = load_cifar10(verbose=False)
    rows = sample_rows(len(cifar.y_test), config.n_images, seed)
    dev = load_sst2("dev")
    sentences = dev.iloc[sample_rows(len(dev), config.n_sentences, seed)].reset_index(drop=True)
    return cifar.x_test[rows], cifar.y_test[rows], sentences


def png_bytes(image: np.ndarray) -> bytes:
    """A uint8 (H, W, 3) array as PNG: lossless, so the app sees exactly the pixels the model saw."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()


# ---------------------------------------------------------------- the models' own answers (no HTTP)
def direct_answers(sources: dict[str, ModelSource], images: np.ndarray, sentences: list[str]):
    """(top class per image, label per sentence) from the weeks' `predict`, batched, in this process."""
    from week10_cnn_cifar import inference as image_inference
    from week12_transformer_sst2 import inference as text_inference

    image_model = image_inference.load_model(sources["image"].path)
    proba = image_inference.predict(image_model, images)
    text_model = text_inference.load_model(sources["text"].path)
    labels = [label for label, _ in text_inference.predict(text_model, sentences)]
    return [image_model.classes[i] for i in proba.argmax(1)], labels, list(image_model.classes), text_model.labels


# ---------------------------------------------------------------- the app's answers (over HTTP)
def api_answers(client, images: np.ndarray, sentences: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One request per row through `client` (an `httpx.Client` on the app's base URL, or a FastAPI TestClient),
    sequentially (latency without queueing): the answer and the seconds each request took."""
    from tqdm.auto import tqdm

    image_rows, text_rows = [], []
    for image in tqdm(images, desc="POST /v1/image", mininterval=5):
        body = {"file": ("image.png", png_bytes(image), "image/png")}
        start = time.perf_counter()
        response = client.post("/v1/image", files=body)
        seconds = time.perf_counter() - start
        response.raise_for_status()
        top = response.json()["predictions"][0]
        image_rows.append({"api": top["label"], "api_probability": top["probability"], "latency_s": seconds})
    for sentence in tqdm(sentences, desc="POST /v1/text", mininterval=5):
        start = time.perf_counter()
        response = client.post("/v1/text", json={"text": sentence})
        seconds = time.perf_counter() - start
        response.raise_for_status()
        answer = response.json()
        text_rows.append({"api": answer["label"], "api_probability": answer["probability"], "latency_s": seconds})
    return pd.DataFrame(image_rows), pd.DataFrame(text_rows)


@contextmanager
def serving(app, timeout: float = 120) -> Iterator[str]:
    """`app` served by uvicorn on a free loopback port, in a thread of this process; yields its base URL.

    Real HTTP (sockets, multipart, JSON), and the models load once instead of twice: on a shared two-core
    machine a second process spends minutes importing torch, transformers and Gradio again. The Dockerfile's
    own CMD, a separate process, is tested in `tests/test_deploy.py`.
    """
    import uvicorn

    from shared.servers import free_port, wait_for_http

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base_url + "/healthz", timeout=timeout)
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout=30)


# ---------------------------------------------------------------- scoring
def score(name: str, frame: pd.DataFrame) -> dict[str, float]:
    """Accuracy of the API and of the model on the same rows (Wilson intervals), their gap in points (paired
    bootstrap interval), how often the two gave the same answer, and latency percentiles."""
    api = (frame["api"] == frame["truth"]).to_numpy()
    direct = (frame["direct"] == frame["truth"]).to_numpy()
    n = len(frame)
    metrics: dict[str, float] = {f"{name}_n": n}
    for door, correct in (("api", api), ("direct", direct)):
        low, high = proportion_ci(int(correct.sum()), n)
        metrics |= {f"{name}_{door}_accuracy": float(correct.mean()), f"{name}_{door}_accuracy_ci_low": low,
                    f"{name}_{door}_accuracy_ci_high": high}  # fmt: skip
    gap = abs(api.mean() - direct.mean()) * 100
    if gap == 0:  # identical answers on every row: the interval is the point
        low, high = 0.0, 0.0
    else:
        low, high = bootstrap_ci(lambda a, d, axis: np.abs(a.mean(axis) - d.mean(axis)) * 100, api, direct)
    metrics |= {f"{name}_accuracy_gap_pp": float(gap), f"{name}_accuracy_gap_pp_ci_low": low,
                f"{name}_accuracy_gap_pp_ci_high": high,
                f"{name}_agreement": float((frame["api"] == frame["direct"]).mean())}  # fmt: skip
    for q in (50, 95):
        metrics[f"{name}_latency_p{q}_s"] = float(np.percentile(frame["latency_s"], q))
    return metrics


def plot_latency(images: pd.DataFrame, texts: pd.DataFrame) -> Figure:
    fig, axes = subplots(1, 2, figsize=(9, 3.2))
    for ax, (title, frame) in zip(axes, (("POST /v1/image", images), ("POST /v1/text", texts)), strict=True):
        ms = frame["latency_s"] * 1000
        ax.hist(ms, bins=40, color="#4878a8")
        for q, style in ((50, "-"), (95, "--")):
            ax.axvline(
                np.percentile(ms, q), color="black", linestyle=style, label=f"p{q} {np.percentile(ms, q):.0f} ms"
            )
        ax.set(title=f"{title} ({len(frame)} requests)", xlabel="latency (ms), one request at a time", ylabel="count")
        ax.legend()
    fig.suptitle("End-to-end latency over loopback HTTP, sequential requests")
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- the run
def run(out_dir: Path, fast: bool = False, seed: int = 42, sources: dict[str, ModelSource] | None = None) -> Result:
    """Models → rows → the models' answers → the app's answers over HTTP → accuracy, gap, latency → figures."""
    config = FAST if fast else Config()
    out_dir = Path(out_dir)
    sources = sources or resolve_models(seed)
    images, image_truth, sentences = load_rows(config, seed)
    direct_images, direct_texts, classes, labels = direct_answers(sources, images, sentences["sentence"].tolist())
    app = create_app(Settings(image_model=sources["image"].path, text_model=sources["text"].path))
    with serving(app, config.startup_timeout) as base_url:
        with httpx.Client(base_url=base_url, timeout=300) as client:
            api_images, api_texts = api_answers(client, images, sentences["sentence"].tolist())
        figures = [save_figure(plot_latency(api_images, api_texts), out_dir, "latency")]
        shots = screenshots(base_url, images[0], sentences["sentence"].iloc[0], out_dir) if config.screenshots else []
    api_images.insert(0, "truth", [classes[i] for i in image_truth])
    api_images.insert(1, "direct", direct_images)
    api_texts.insert(0, "truth", [labels[i] for i in sentences["label"]])
    api_texts.insert(1, "direct", direct_texts)
    api_texts.insert(0, "sentence", sentences["sentence"])
    metrics = score("image", api_images) | score("text", api_texts)
    for role in ("image", "text"):
        source = sources[role]
        metrics |= {
            f"{role}_model_mode": source.mode,
            f"{role}_model_seed": -1 if source.seed is None else source.seed,
            f"{role}_week_accuracy": float("nan") if source.accuracy is None else source.accuracy,
            f"{role}_week_metric": source.accuracy_metric,
        }
    metrics |= {"screenshots": len(shots), "screenshots_skipped": bool(config.screenshots and not shots)}
    return Result(metrics=metrics, tables={"images": api_images, "sentences": api_texts}, figures=figures + shots)


def screenshots(base_url: str, image: np.ndarray, sentence: str, out_dir: Path) -> list[Path]:
    """The page answering one sampled image and one sampled sentence, photographed (none without a browser)."""
    from capstones.c3_multimodal_app.screenshots import browser_available, drive_ui
    from shared.browser import INSTALL_HINT

    if not browser_available():
        print(f"c3: no screenshots: no Chromium ({INSTALL_HINT})")
        return []
    from playwright.sync_api import Error as PlaywrightError

    path = out_dir / "sample_image.png"
    path.write_bytes(png_bytes(image))
    try:
        return drive_ui(base_url, path, sentence, out_dir).screenshots
    except PlaywrightError as exc:  # a screenshot is an illustration: the run's numbers do not depend on it
        print(f"c3: no screenshots: the browser did not finish ({str(exc).splitlines()[0]})")
        return []
