"""One FastAPI app, two models: a JSON API for programs and a Gradio UI for people, mounted in the same process.

    uvicorn --factory capstones.c3_multimodal_app.app:create_app --host 127.0.0.1 --port 8000
    curl -s -F file=@cat.png localhost:8000/v1/image                                  # top-3 classes
    curl -s localhost:8000/v1/text -H 'content-type: application/json' -d '{"text": "A gripping film."}'
    open http://127.0.0.1:8000/ui                                                      # the Gradio page

Reads top-down: settings (environment variables) → the JSON schemas → `create_app`: load both models once
(`inference.py`), the routes (`/healthz`, `POST /v1/image`, `POST /v1/text`), the error handlers that turn every
bad input into one clear message with the right status (413 too large, 415 not an image, 422 bad sentence), and
the Gradio Blocks UI (`ui.py`) mounted at `/ui`. Both doors call the same two functions, so the page and the API
cannot disagree. Every answer names the exact weights behind it (`model.version`).
"""

from __future__ import annotations

import os

# Gradio and the Hugging Face hub phone home unless told not to; this app must work on a closed network.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from pathlib import Path  # noqa: E402 - after the environment above, which must precede the imports below
from typing import Annotated  # noqa: E402

from fastapi import FastAPI, File, Request, UploadFile  # noqa: E402
from fastapi.exceptions import RequestValidationError  # noqa: E402
from fastapi.responses import JSONResponse, RedirectResponse  # noqa: E402
from pydantic import BaseModel, Field, field_validator  # noqa: E402
from pydantic_settings import BaseSettings, SettingsConfigDict  # noqa: E402
from starlette.concurrency import run_in_threadpool  # noqa: E402

from capstones.c3_multimodal_app.inference import (  # noqa: E402
    MAX_CHARS,
    MAX_UPLOAD_BYTES,
    AppModels,
    NotAnImage,
    UploadTooLarge,
    classify_image,
    classify_text,
    load_models,
)
from capstones.c3_multimodal_app.models import ModelSource, find_model, source_from_run  # noqa: E402
from shared.errors import DataError, RoadmapError  # noqa: E402
from shared.text_input import check_texts  # noqa: E402


# ---------------------------------------------------------------- settings (environment variables)
class Settings(BaseSettings):
    """Every knob, read from the environment variable of the same name in capitals."""

    model_config = SettingsConfigDict(protected_namespaces=(), extra="ignore")

    image_model: Path | None = None  # IMAGE_MODEL: week 10's .safetensors (default: models.py's rule, no training)
    text_model: Path | None = None  # TEXT_MODEL: week 12's model folder (default: models.py's rule, no training)
    max_upload_bytes: int = Field(MAX_UPLOAD_BYTES, ge=1_024)  # MAX_UPLOAD_BYTES: larger uploads get 413
    torch_threads: int = Field(1, ge=0)  # TORCH_THREADS: intra-op threads (0: PyTorch's default)


def model_sources(settings: Settings) -> dict[str, ModelSource]:
    """The two models the settings name (or the full/fast runs on disk), with what their runs measured."""
    sources = {}
    for role, week, path in (("image", "week10", settings.image_model), ("text", "week12", settings.text_model)):
        source = find_model(week) if path is None else source_from_run(week, Path(path).parent)
        if source is None:
            where = f" at {path}" if path is not None else ""
            raise RoadmapError(f"no {week} model{where}: run `roadmap run {week}` (or `--fast`) or `roadmap run c3`")
        sources[role] = source
    return sources


# ---------------------------------------------------------------- schemas
class TextRequest(BaseModel):
    text: str = Field(description="One sentence or short review.", examples=["A gripping, funny film."])

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        try:  # the one input contract of every text model (shared.text_input)
            [value] = check_texts(value, max_chars=MAX_CHARS, max_texts=1)
        except DataError as exc:
            raise ValueError(str(exc).replace("text 1", "the text")) from None
        return value


class ModelInfo(BaseModel):
    week: str = Field(examples=["week10"])
    version: str = Field(examples=["week10-3f2a9c1d04be"], description="The weights' sha256 prefix.")
    mode: str = Field(examples=["full"], description="full or fast: which run of the week trained it.")
    accuracy: float | None = Field(description="Held-out accuracy measured by that run (its metrics.json).")
    accuracy_metric: str = Field(examples=["test_accuracy"])


class ClassProbability(BaseModel):
    label: str = Field(examples=["cat"])
    probability: float = Field(ge=0, le=1)


class ImageResponse(BaseModel):
    predictions: list[ClassProbability] = Field(description="The top 3 classes, most probable first.")
    model: ModelInfo


class TextResponse(BaseModel):
    label: str = Field(examples=["positive"])
    probability: float = Field(ge=0.5, le=1, description="The model's probability of `label`.")
    model: ModelInfo


class Message(BaseModel):
    detail: str


ERRORS = {
    413: {"model": Message, "description": "the upload is over MAX_UPLOAD_BYTES, or the image has too many pixels"},
    415: {"model": Message, "description": "the upload is not a PNG/JPEG (or other Pillow-readable) image"},
    422: {"model": Message, "description": "a missing field, or an empty, blank or over-long sentence"},
}


# ---------------------------------------------------------------- the app
def create_app(settings: Settings | None = None) -> FastAPI:
    """Load both models once, then serve the JSON API and the Gradio UI from one process."""
    settings = settings or Settings()
    if settings.torch_threads > 0:
        import torch

        torch.set_num_threads(settings.torch_threads)  # process-wide on purpose: a server does nothing else
    sources = model_sources(settings)
    models = load_models(sources["image"].path, sources["text"].path)
    info = {role: ModelInfo(version=models.versions[role], **sources[role].as_dict()).model_dump() for role in sources}
    app = FastAPI(title="Capstone 3: image and sentiment classifier", version="1.0", responses=ERRORS)
    app.state.models, app.state.sources, app.state.info = models, sources, info

    @app.middleware("http")
    async def refuse_large_bodies(request: Request, call_next):
        """413 from the Content-Length header, before the multipart parser spools the upload to disk."""
        length = request.headers.get("content-length", "")
        if request.url.path.startswith("/v1/") and length.isdigit():
            if int(length) > settings.max_upload_bytes + 64 * 1024:  # room for the multipart envelope
                limit = f"{settings.max_upload_bytes:,}"
                return JSONResponse({"detail": f"the upload is {int(length):,} bytes; the limit is {limit}"}, 413)
        return await call_next(request)

    @app.exception_handler(DataError)
    async def bad_input(request: Request, exc: DataError) -> JSONResponse:
        status = 413 if isinstance(exc, UploadTooLarge) else 415 if isinstance(exc, NotAnImage) else 422
        return JSONResponse({"detail": str(exc)}, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        """One readable line instead of pydantic's list: `text: the text is empty`."""
        problems = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"] if part not in ("body",)) or "body"
            problems.append(f"{where}: {error['msg'].removeprefix('Value error, ')}")
        return JSONResponse({"detail": "; ".join(problems)}, status_code=422)

    @app.get("/healthz")
    def healthz() -> dict:
        return {"status": "ok", "models": info}

    @app.post("/v1/image", response_model=ImageResponse)
    async def image(file: Annotated[UploadFile, File(description="A PNG or JPEG image.")]) -> dict:
        data = await file.read(settings.max_upload_bytes + 1)  # never more than one byte past the limit
        top = await run_in_threadpool(classify_image, models, data, max_bytes=settings.max_upload_bytes)
        return {"predictions": [{"label": c, "probability": p} for c, p in top], "model": info["image"]}

    @app.post("/v1/text", response_model=TextResponse)
    async def text(request: TextRequest) -> dict:
        label, probability = await run_in_threadpool(classify_text, models, request.text)
        return {"label": label, "probability": probability, "model": info["text"]}

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/ui/")

    return mount_ui(app, models, sources, info, settings)


def mount_ui(app: FastAPI, models: AppModels, sources: dict, info: dict, settings: Settings) -> FastAPI:
    import gradio as gr

    from capstones.c3_multimodal_app.ui import build_ui

    blocks = build_ui(models, sources, info, max_upload_bytes=settings.max_upload_bytes)
    return gr.mount_gradio_app(app, blocks, path="/ui", max_file_size=settings.max_upload_bytes, ssr_mode=False,
                               show_error=True, footer_links=[])  # fmt: skip
