"""A correct app (API only, no page), written independently of the lesson, in pieces the wrong solutions replace
one at a time: `build_app(decode=..., sentence=..., version=..., readable_errors=...)`.

It uses weeks 10 and 12's own inference functions, as the capstone asks: no preprocessing of its own.
"""

import hashlib
import os
import tempfile
from pathlib import Path

from fastapi import FastAPI, File, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel, field_validator

from shared.errors import DataError
from week10_cnn_cifar import inference as images
from week12_transformer_sst2 import inference as texts

MAX_BYTES = 5_000_000
MAX_PIXELS = 4096 * 4096
MAX_CHARS = 5_000


class Refused(Exception):
    """Bad input: answered with `status` and `message`."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def weights_version(week: str, path: Path) -> str:
    return f"{week}-{hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]}"


def check_size(data: bytes) -> None:
    if len(data) > MAX_BYTES:
        raise Refused(413, f"the upload is {len(data):,} bytes; the limit is {MAX_BYTES:,}")


def open_header(data: bytes):
    import io

    if not data:
        raise Refused(415, "the upload is empty; send a PNG or JPEG image")
    try:
        return Image.open(io.BytesIO(data))  # reads the header only
    except (UnidentifiedImageError, OSError):
        raise Refused(415, "the upload is not an image; send a PNG or JPEG image") from None


def check_pixels(image) -> None:
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise Refused(413, f"the image is {width}x{height} pixels; the limit is {MAX_PIXELS:,}")


def week10_pixels(data: bytes):
    """Week 10's own decoding and resize (its load_image reads a file)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"
        path.write_bytes(data)
        try:
            return images.load_image(path)
        except DataError:
            raise Refused(415, "the image is damaged or truncated; send a PNG or JPEG image") from None


def decode(data: bytes):
    check_size(data)
    check_pixels(open_header(data))
    return week10_pixels(data)


class Sentence(BaseModel):
    text: str

    @field_validator("text")
    @classmethod
    def not_blank_not_long(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the text is empty")
        if len(value) > MAX_CHARS:
            raise ValueError(f"the text has {len(value):,} characters; the limit is {MAX_CHARS:,}")
        return value


def build_app(decode=decode, sentence=Sentence, version=weights_version, readable_errors=True) -> FastAPI:
    image_path, text_path = Path(os.environ["IMAGE_MODEL"]), Path(os.environ["TEXT_MODEL"])
    image_model, text_model = images.load_model(image_path), texts.load_model(text_path)
    versions = {"image": version("week10", image_path), "text": version("week12", text_path / "model.safetensors")}
    app = FastAPI()

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=exc.status)

    if readable_errors:

        @app.exception_handler(RequestValidationError)
        async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
            lines = [f"{'.'.join(str(p) for p in e['loc'][1:]) or 'body'}: {e['msg']}" for e in exc.errors()]
            return JSONResponse({"detail": "; ".join(lines)}, status_code=422)

    @app.get("/healthz")
    def healthz() -> dict:
        return {"status": "ok", "versions": versions}

    @app.post("/v1/image")
    def image(file: UploadFile = File(...)) -> dict:
        proba = images.predict(image_model, decode(file.file.read())[None])[0]
        top = proba.argsort()[::-1][:3]
        return {"predictions": [{"label": image_model.classes[i], "probability": float(proba[i])} for i in top],
                "model": {"version": versions["image"]}}  # fmt: skip

    @app.post("/v1/text")
    def text(body: sentence) -> dict:
        [(label, probability)] = texts.predict(text_model, [body.text])
        return {"label": label, "probability": probability, "model": {"version": versions["text"]}}

    return app
