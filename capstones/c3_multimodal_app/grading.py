"""How `roadmap grade c3 PATH` checks a learner's multimodal app (see shared/grading).

The contract is the lesson's app factory as the container runs it: `create_app()`, with the two models named by
the environment variables IMAGE_MODEL and TEXT_MODEL (the README's table). The grader names its own models: the
unit's untrained stand-ins (`stand_ins.py`), saved exactly as weeks 10 and 12 save theirs, in a temporary folder;
so a grade trains nothing, and every answer the app gives can be compared with the weeks' own `predict` on the
same bytes. The app runs in process under FastAPI's `TestClient` (its lifespan included): no port, no network, no
browser.

The checks ask what the unit's own tests ask (`tests/test_app.py`): the image answer is week 10's top 3 for the
uploaded bytes (any size, any Pillow-readable format) and the sentence answer is week 12's, each naming the exact
weights behind it; an upload over 5 MB or over 16.7 megapixels is refused with 413, a file that is not an image
with 415, a blank, over-long or missing sentence with 422, each with one readable `detail` and never a 500. The
metrics put the share of hostile requests refused with a 4xx, and the image endpoint's own latency, beside the
reference's and a bare app's.
"""

import atexit
import functools
import hashlib
import io
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from shared.grading import Check, Function, Metric, Rubric, SelfCheck, expect, fail
from shared.grading.probes import once

CONTRACT = [
    Function("create_app", "create_app() -> fastapi.FastAPI",
             "the app serving the week 10 model file named by the environment variable IMAGE_MODEL (a "
             ".safetensors) and the week 12 model folder named by TEXT_MODEL, loaded with those weeks' own "
             "`load_model` (the grader sets both to its stand-ins). Routes: POST /v1/image (multipart field "
             '`file`) → {"predictions": [{"label", "probability"}] × 3, most probable first, "model": {"version"}}; '
             'POST /v1/text ({"text": str}) → {"label", "probability" of that label, "model": {"version"}}; GET '
             "/healthz → both models' versions. A version contains the first 12 hex digits of the sha256 of the "
             "weights file (week 10's .safetensors; week 12's model.safetensors in its folder). "
             'Bad input → {"detail": "one readable message"}: 413 for an upload over 5,000,000 bytes or an image '
             "over 4096×4096 pixels, 415 for a file that is not an image, 422 for a missing, empty, blank or "
             "over-long (5,000 characters) sentence"),
]  # fmt: skip
REFERENCE = "capstones.c3_multimodal_app.app"  # satisfies the contract as it is (`uvicorn --factory` runs it so)
MEMORY_MB = 8000  # torch + transformers + gradio map ~5 GB of address space before a request is served
LOAD_TIMEOUT_S = 120.0  # importing FastAPI (and whatever the learner's module imports) on a busy machine
APP_TIMEOUT_S = 120.0  # the first check writes the stand-ins and builds the app (gradio's import alone takes seconds)
GRADER_SEED = 2026
MAX_UPLOAD_BYTES = 5_000_000  # the lesson's limits, which the contract states
MAX_PIXELS = 4096 * 4096
MAX_CHARS = 5_000
SENTENCES = ["A gripping, funny film.", "Two hours I will never get back.", "Fine.",
             "One of the best films of the year, and one of the most moving."]  # fmt: skip
N_LATENCY = 40  # sequential image uploads timed for the latency metric
SHARPEN = 30.0  # the image stand-in's output layer × this: answers that depend visibly on the pixels


# --- the grader's models and inputs --------------------------------------------------------------------------


@functools.cache
def models() -> SimpleNamespace:
    """The unit's stand-in models, written once per process into a temporary folder (removed at exit), loaded
    through the weeks' own `load_model` for the expected answers."""
    from capstones.c3_multimodal_app.stand_ins import stand_in_sources
    from week10_cnn_cifar import inference as images
    from week12_transformer_sst2 import inference as texts

    folder = tempfile.mkdtemp(prefix="roadmap-grade-c3-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    sources = stand_in_sources(Path(folder), seed=GRADER_SEED)
    image_path, text_path = sharpen(sources["image"].path), sources["text"].path
    return SimpleNamespace(
        image_path=image_path, text_path=text_path,
        image=images.load_model(image_path), text=texts.load_model(text_path),
        image_sha=sha256(image_path), text_sha=sha256(text_path / "model.safetensors"),
    )  # fmt: skip


def sharpen(image_model: Path) -> Path:
    """The image stand-in with its output layer scaled up, saved again in week 10's format: an untrained network's
    probabilities are all near 10%, so a different resize would move them by only ~1e-5; sharpened, by ~1e-2."""
    import torch

    from shared.torch_io import save_torch
    from week10_cnn_cifar import inference as images

    model = images.load_model(image_model)
    with torch.no_grad():
        model.net.head.weight.mul_(SHARPEN)
        model.net.head.bias.mul_(SHARPEN)
    return save_torch(model.net, image_model, config=model.metadata["config"], seed=GRADER_SEED,
                      note=f"untrained stand-in, output layer × {SHARPEN} (grader)")  # fmt: skip


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def encode(array: np.ndarray, fmt: str, **options) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format=fmt, **options)
    return buffer.getvalue()


@functools.cache
def uploads() -> list[tuple[str, bytes, str]]:
    """(name, bytes, content type) of images a user might send: CIFAR's size and others, colour, grey, alpha."""
    g = np.random.default_rng(GRADER_SEED)

    def smooth(height: int, width: int, channels: int) -> np.ndarray:  # blobs, not noise: resizing them matters
        small = g.integers(0, 256, (4, 4, channels), dtype=np.uint8)
        big = np.kron(small, np.ones((height // 4 + 1, width // 4 + 1, 1), dtype=np.uint8))[:height, :width]
        noise = g.integers(-20, 21, big.shape)
        return np.clip(big + noise, 0, 255).astype(np.uint8).squeeze()

    return [
        ("cifar_sized.png", encode(g.integers(0, 256, (32, 32, 3), dtype=np.uint8), "PNG"), "image/png"),
        ("photo.jpg", encode(smooth(48, 64, 3), "JPEG", quality=90), "image/jpeg"),
        ("large.png", encode(smooth(300, 200, 3), "PNG"), "image/png"),
        ("grey.png", encode(smooth(40, 40, 1), "PNG"), "image/png"),
        ("with_alpha.png", encode(smooth(50, 70, 4), "PNG"), "image/png"),
        ("tiny.jpg", encode(smooth(12, 20, 3), "JPEG", quality=75), "image/jpeg"),
    ]


def expected_top3(data: bytes) -> list[tuple[str, float]]:
    """Week 10's own answer for these bytes: its `load_image` (the resize) and `predict`, top 3."""
    from week10_cnn_cifar.inference import load_image, predict

    with tempfile.TemporaryDirectory(prefix="roadmap-grade-c3-") as folder:
        path = Path(folder) / "upload"
        path.write_bytes(data)
        proba = predict(models().image, load_image(path)[None])[0]
    order = np.argsort(proba)[::-1][:3]
    return [(models().image.classes[i], float(proba[i])) for i in order]


@functools.cache
def oversize_png() -> bytes:
    """A real, decodable PNG of about 5.9 MB (noise does not compress): a size cap is the only reason to refuse it."""
    data = encode(np.random.default_rng(GRADER_SEED).integers(0, 256, (1400, 1400, 3), dtype=np.uint8), "PNG")
    assert len(data) > MAX_UPLOAD_BYTES
    return data


@functools.cache
def bomb_png() -> bytes:
    """A few kB of PNG claiming 5000×5000 = 25 million pixels (a "decompression bomb")."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (5000, 5000)).save(buffer, format="PNG")
    return buffer.getvalue()


def not_images() -> list[tuple[str, bytes, str]]:
    truncated = uploads()[0][1][:80]  # a PNG header and nothing after it
    return [("people.csv", b"name,age\nAda,36\n", "text/csv"), ("empty.png", b"", "image/png"),
            ("truncated.png", truncated, "image/png")]  # fmt: skip


# --- the learner's app ----------------------------------------------------------------------------------------


def set_environment(values: dict[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@contextmanager
def environment(**values: str | None) -> Iterator[None]:
    """The variables set (None: unset) while the block runs, as they were afterwards."""
    saved = {name: os.environ.get(name) for name in values}
    set_environment(values)
    try:
        yield
    finally:
        set_environment(saved)


def app(sol):
    """The learner's app, built once per solution with the grader's models in IMAGE_MODEL and TEXT_MODEL."""

    def make():
        m = models()
        with environment(IMAGE_MODEL=str(m.image_path), TEXT_MODEL=str(m.text_path), MAX_UPLOAD_BYTES=None):
            return sol.create_app()

    return once(sol, "app", make)


@contextmanager
def client(sol) -> Iterator:
    """A TestClient on the learner's app (startup and shutdown included); server errors come back as 500s."""
    from fastapi.testclient import TestClient

    with TestClient(app(sol), raise_server_exceptions=False) as test_client:
        yield test_client


def upload(http, name: str, data: bytes, kind: str):
    return http.post("/v1/image", files={"file": (name, data, kind)})


def body(response) -> object:
    try:
        return response.json()
    except ValueError:
        return None


def shown(response) -> str:
    return f"{response.status_code} {response.text[:160]!r}"


def refused_with(response, status: int) -> bool:
    """`status`, with a JSON body whose `detail` is one readable message (a str), not a list or a traceback."""
    parsed = body(response)
    detail = parsed.get("detail") if isinstance(parsed, dict) else None
    return response.status_code == status and isinstance(detail, str) and bool(detail.strip()) and (
        "Traceback" not in detail)  # fmt: skip


def version_of(parsed: object) -> str:
    model = parsed.get("model") if isinstance(parsed, dict) else None
    return str(model.get("version", "")) if isinstance(model, dict) else ""


# --- checks: each takes the learner's solution and raises when the property does not hold ---------------------


def check_image_answers(sol) -> None:
    with client(sol) as http:
        for name, data, kind in uploads():
            response = upload(http, name, data, kind)
            expect(response.status_code == 200, f"POST /v1/image with {name} ({len(data):,} bytes) answered "
                                                f"{shown(response)}")  # fmt: skip
            parsed = body(response)
            try:
                got = [(p["label"], float(p["probability"])) for p in parsed["predictions"]]
            except (KeyError, TypeError, ValueError):
                fail(f'the answer for {name} needs "predictions": [{{"label", "probability"}}, ...]: '
                     f"{response.text[:160]}")  # fmt: skip
            expected = expected_top3(data)
            expect(len(got) == 3, f"{name}: {len(got)} predictions, expected the top 3")
            expect(sum(p for _, p in got) <= 1 + 1e-6, f"{name}: the top-3 probabilities sum to "
                                                       f"{sum(p for _, p in got):.4f} > 1")  # fmt: skip
            same = [g[0] == e[0] and abs(g[1] - e[1]) <= 1e-6 for g, e in zip(got, expected, strict=True)]
            expect(
                all(same),
                f"{name}: the app answers {[(label, round(p, 5)) for label, p in got]}, week 10's "
                f"load_image + predict on the same bytes {[(c, round(p, 5)) for c, p in expected]}",
            )


def check_text_answers(sol) -> None:
    from week12_transformer_sst2.inference import predict

    with client(sol) as http:
        for sentence in SENTENCES:
            response = http.post("/v1/text", json={"text": sentence})
            expect(response.status_code == 200, f"POST /v1/text {sentence!r} answered {shown(response)}")
            parsed = body(response)
            try:
                got = (parsed["label"], float(parsed["probability"]))
            except (KeyError, TypeError, ValueError):
                fail(f'the answer needs "label" and "probability": {response.text[:160]}')
            [(label, probability)] = predict(models().text, [sentence])
            expect(
                got[0] == label and abs(got[1] - probability) <= 1e-6,
                f"for {sentence!r} the app says {got}, week 12's predict says {(label, round(probability, 6))}",
            )


def check_versions(sol) -> None:
    m = models()
    with client(sol) as http:
        name, data, kind = uploads()[0]
        for what, response, sha in (
            ("POST /v1/image", upload(http, name, data, kind), m.image_sha),
            ("POST /v1/text", http.post("/v1/text", json={"text": SENTENCES[0]}), m.text_sha),
        ):
            expect(response.status_code == 200, f"{what} answered {shown(response)}")
            version = version_of(body(response))
            expect(sha[:12] in version, f"{what} names model.version {version!r}, which does not contain the served "
                                        f"weights' sha256 prefix {sha[:12]!r}")  # fmt: skip
        health = http.get("/healthz")
        expect(health.status_code == 200, f"GET /healthz answered {shown(health)}")
        for role, sha in (("image", m.image_sha), ("text", m.text_sha)):
            expect(sha[:12] in health.text, f"GET /healthz does not name the {role} model's version ({sha[:12]}…): "
                                            f"{health.text[:200]}")  # fmt: skip


def check_oversize(sol) -> None:
    data = oversize_png()
    with client(sol) as http:
        response = upload(http, "huge.png", data, "image/png")
    expect(refused_with(response, 413), f"a {len(data) / 1e6:.1f} MB PNG (the limit is 5 MB) answered "
                                        f"{shown(response)}; expected 413 with a detail")  # fmt: skip


def check_not_an_image(sol) -> None:
    with client(sol) as http:
        for name, data, kind in not_images():
            response = upload(http, name, data, kind)
            expect(refused_with(response, 415), f"uploading {name} ({len(data)} bytes) answered {shown(response)}; "
                                                "expected 415 with a detail")  # fmt: skip


def check_bomb(sol) -> None:
    data = bomb_png()
    with client(sol) as http:
        response = upload(http, "bomb.png", data, "image/png")
    expect(refused_with(response, 413), f"a {len(data):,}-byte PNG claiming 5000×5000 pixels answered "
                                        f"{shown(response)}; expected 413 with a detail")  # fmt: skip


BAD_TEXTS = [{"text": ""}, {"text": " \n\t "}, {}, {"text": "x" * (MAX_CHARS + 1)}, {"text": 5}, {"texts": ["a"]}]


def check_bad_text(sol) -> None:
    with client(sol) as http:
        for request in BAD_TEXTS:
            response = http.post("/v1/text", json=request)
            shown_request = str(request) if len(str(request)) < 60 else f"{{'text': <{MAX_CHARS + 1} characters>}}"
            expect(refused_with(response, 422), f"POST /v1/text {shown_request} answered {shown(response)}; "
                                                'expected 422 with one readable "detail" (a str)')  # fmt: skip


CHECKS = [
    Check("image_answer_is_week10s", "answers", check_image_answers,
          "decode the upload with week 10's own load_image (RGB, bicubic to 32×32) and answer with its predict: "
          "a second preprocessing path (another resize, no RGB conversion, a re-encode) answers differently; "
          "return the 3 most probable classes, highest first", timeout_s=APP_TIMEOUT_S),
    Check("text_answer_is_week12s", "answers", check_text_answers,
          "answer with week 12's predict on the sentence, label and probability as it returns them (no rounding, "
          "no threshold of your own)", timeout_s=APP_TIMEOUT_S),
    Check("answers_name_the_weights", "answers", check_versions,
          "a version must name the weights that answered: hash the model file (sha256) when loading it and put "
          "the prefix in every answer and in /healthz; an app version or a constant cannot tell two models "
          "apart", timeout_s=APP_TIMEOUT_S),
    Check("oversize_upload_is_413", "bad input", check_oversize,
          "cap the upload: refuse a body over 5,000,000 bytes (from Content-Length, or read at most limit + 1 "
          "bytes) with 413 before decoding it", timeout_s=APP_TIMEOUT_S),
    Check("not_an_image_is_415", "bad input", check_not_an_image,
          "catch Pillow's UnidentifiedImageError/OSError (and an empty body) and answer 415 with a message: "
          "letting it escape is a 500", timeout_s=APP_TIMEOUT_S),
    Check("decompression_bomb_is_413", "bad input", check_bomb,
          "check width × height from the header (Image.open reads only the header) before decoding: a few kB of "
          "PNG can claim gigapixels, and Pillow's own guard only starts (with a warning) at ~89 megapixels",
          timeout_s=APP_TIMEOUT_S),
    Check("bad_sentence_is_422", "bad input", check_bad_text,
          "validate the sentence in the pydantic schema (not blank, at most 5,000 characters) and turn "
          "RequestValidationError into one readable `detail` string, not pydantic's list", timeout_s=APP_TIMEOUT_S),
]  # fmt: skip


# --- metrics ------------------------------------------------------------------------------------------------


def hostile_requests() -> list[tuple[str, dict]]:
    """(route, request) pairs the app must refuse with a 4xx and a message."""
    image = [("/v1/image", {"files": {"file": (n, d, k)}}) for n, d, k in not_images()]
    image += [("/v1/image", {"files": {"file": ("huge.png", oversize_png(), "image/png")}}),
              ("/v1/image", {"files": {"file": ("bomb.png", bomb_png(), "image/png")}}),
              ("/v1/image", {"files": {"picture": ("a.png", b"x", "image/png")}})]  # fmt: skip
    return image + [("/v1/text", {"json": request}) for request in BAD_TEXTS]


def hostile_refused_share(sol) -> float:
    with client(sol) as http:
        answers = [http.post(route, **request) for route, request in hostile_requests()]
    return sum(400 <= r.status_code < 500 and isinstance(body(r), dict) and bool(body(r).get("detail"))
               for r in answers) / len(answers)  # fmt: skip


def image_p50_latency_ms(sol) -> float:
    name, data, kind = uploads()[0]
    with client(sol) as http:
        upload(http, name, data, kind)  # warm-up
        times = []
        for i in range(N_LATENCY):
            start = time.perf_counter()
            response = upload(http, name, data, kind)
            times.append(time.perf_counter() - start)
            expect(response.status_code == 200, f"upload {i + 1} of {N_LATENCY} answered {response.status_code}")
    return 1000 * statistics.median(times)


def bare_app():
    """The baseline: the tutorial's few lines (Pillow opens whatever comes, a str field), no limits, no versions.

    (This module does not use `from __future__ import annotations`: FastAPI must see the local classes below.)
    """
    from fastapi import FastAPI, UploadFile
    from PIL import Image
    from pydantic import BaseModel

    from week10_cnn_cifar import inference as images
    from week12_transformer_sst2 import inference as texts

    image_model = images.load_model(os.environ["IMAGE_MODEL"])
    text_model = texts.load_model(os.environ["TEXT_MODEL"])
    application = FastAPI()

    class Sentence(BaseModel):
        text: str

    @application.post("/v1/image")
    async def image(file: UploadFile) -> dict:
        picture = Image.open(io.BytesIO(await file.read())).convert("RGB").resize((32, 32), Image.Resampling.BICUBIC)
        proba = images.predict(image_model, np.array(picture, dtype=np.uint8)[None])[0]
        top = np.argsort(proba)[::-1][:3]
        return {"predictions": [{"label": image_model.classes[i], "probability": float(proba[i])} for i in top]}

    @application.post("/v1/text")
    def text(sentence: Sentence) -> dict:
        [(label, probability)] = texts.predict(text_model, [sentence.text])
        return {"label": label, "probability": probability}

    return application


BARE = SimpleNamespace(create_app=bare_app)

METRICS = [
    Metric("hostile_requests_refused", hostile_refused_share, "higher", baseline=BARE,
           baseline_name="bare app (Pillow opens anything)",
           description=f"share of {len(BAD_TEXTS) + 6} hostile requests (not an image, empty, truncated, 5.9 MB, "
                       "25 megapixels, no file; blank, long, missing or non-text sentences) answered 4xx with a "
                       "detail", timeout_s=APP_TIMEOUT_S),
    Metric("image_p50_latency_ms", image_p50_latency_ms, "lower", baseline=BARE,
           baseline_name="bare app (Pillow opens anything)",
           description=f"median of {N_LATENCY} sequential 32×32 PNG uploads in process (TestClient), stand-in "
                       "model: the app's own time per request; the guards cost some", timeout_s=APP_TIMEOUT_S),
]  # fmt: skip

RUBRIC = Rubric.equal(
    "answers",
    "bad input",
    self_assessment=[
        SelfCheck("Does your README show the running app (screenshots or a recording) with numbers measured by "
                  "code: the API's accuracy beside the model's own on the same rows?",
                  "capstones/c3_multimodal_app/README.md#results"),
        SelfCheck("Is your Dockerfile multi-stage, non-root, with a health check and the models mounted rather than "
                  "baked in, and have you built and run it (or said why not)?",
                  "capstones/c3_multimodal_app/Dockerfile"),
        SelfCheck("Does your write-up say how the app scales and name its ethical risks (wrong input answered "
                  "confidently, sarcasm and domain shift, inherited bias, privacy of uploads)?",
                  "capstones/c3_multimodal_app/README.md#write-up"),
        SelfCheck("Does your model card cover both models, their data and licences, and when not to use them?",
                  "capstones/c3_multimodal_app/MODEL_CARD.md"),
    ],
)  # fmt: skip
