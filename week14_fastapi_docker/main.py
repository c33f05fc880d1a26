"""Week 14: the week 12 sentiment model as a web service that holds up under load and hostile input.

Run it (one worker, as in the container):

    uvicorn --factory week14_fastapi_docker.main:create_app --host 127.0.0.1 --port 8000
    curl -s localhost:8000/predict -H 'content-type: application/json' -d '{"text": "A gripping, funny film."}'

Reads top-down: settings (environment variables) → the request and response schemas (pydantic: the limits
live here, and the OpenAPI docs at /docs are generated from them) → the service (load the model in the
background, answer through the micro-batcher) → `create_app`, the routes: POST /predict, GET /health, /ready,
/metrics. What guards every request (body size, rate limit, request id, logs, metrics, the 500 handler) is
`middleware.py`; the model and its speed tricks are `serving.py` and `batching.py`.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, HTTPException, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import APIKeyHeader
from limits import parse_many
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.concurrency import run_in_threadpool

from shared.errors import RoadmapError
from shared.text_input import check_texts
from week14_fastapi_docker.batching import MicroBatcher
from week14_fastapi_docker.logs import LOGGER, configure_logging
from week14_fastapi_docker.middleware import ServiceMiddleware
from week14_fastapi_docker.serving import MAX_CHARS, ServedModel, load_served_model
from week14_fastapi_docker.telemetry import Telemetry

MAX_TEXTS = 64  # per request: one request is at most one full forward pass
log = logging.getLogger(f"{LOGGER}.service")


# ---------------------------------------------------------------- settings (environment variables)
class Settings(BaseSettings):
    """Every knob, read from environment variables of the same name in capitals (README: the table)."""

    model_config = SettingsConfigDict(protected_namespaces=(), extra="ignore")

    model_dir: Path | None = None  # MODEL_DIR: week 12's model folder (default outputs/week12_transformer_sst2/model)
    quantize: bool = True  # QUANTIZE: dynamic INT8 Linear layers (dev accuracy measured by the benchmark)
    micro_batching: bool = True  # MICRO_BATCHING: concurrent requests share a forward pass (batching.py)
    batch_window_ms: float = Field(2.0, ge=0, le=100)  # BATCH_WINDOW_MS: how long a pass waits for company
    max_batch_texts: int = Field(64, ge=1, le=1024)  # MAX_BATCH_TEXTS: texts per forward pass at most
    torch_threads: int = Field(1, ge=0)  # TORCH_THREADS: intra-op threads per worker (0: PyTorch's default)
    max_body_bytes: int = Field(2_000_000, ge=1_024)  # MAX_BODY_BYTES: larger bodies get 413
    rate_limit: str = "100/second"  # RATE_LIMIT: per client IP, `limits` syntax ("20/second;600/minute"); "" = off
    api_key: SecretStr | None = None  # API_KEY: if set, /predict needs the header `X-API-Key: <key>`
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"  # LOG_LEVEL
    log_file: Path | None = None  # LOG_FILE: also write the JSON logs here (rotated at 10 MB, 5 kept)
    access_log: bool = True  # ACCESS_LOG: one JSON line per request

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("rate_limit")
    @classmethod
    def _parses(cls, value: str) -> str:
        if value.strip():
            try:
                parse_many(value)
            except ValueError:
                raise ValueError(
                    f"{value!r} is not a rate limit; write e.g. 20/second or 20/second;600/minute"
                ) from None
        return value


def settings_from_environment() -> Settings:
    """Settings() with a one-line message naming each bad variable, instead of a traceback at start-up."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors())
        raise SystemExit(f"error: invalid settings in the environment: {problems}") from None


# ---------------------------------------------------------------- request and response schemas
Text = Annotated[
    str, Field(min_length=1, max_length=MAX_CHARS, pattern=r"\S", description="A sentence or short review (not blank).")
]


class PredictRequest(BaseModel):
    """Either `text` (one string) or `texts` (a list of 1 to 64 strings); each at most the model's limit."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "oneOf": [{"required": ["text"]}, {"required": ["texts"]}],  # exactly one of the two, in the schema too
            "examples": [
                {"text": "A gripping, funny film."},
                {"texts": ["A gripping, funny film.", "Two hours I will never get back."]},
            ],
        },
    )
    # Optional but not nullable: `{"text": null}` is a 422, and the published schema says so.
    text: Text = Field(default=None, validate_default=False)
    texts: list[Text] = Field(default=None, min_length=1, max_length=MAX_TEXTS, validate_default=False)

    @model_validator(mode="after")
    def _one_of(self) -> PredictRequest:
        if (self.text is None) == (self.texts is None):
            raise ValueError('send either "text" (one string) or "texts" (a list of 1 to 64 strings), not both')
        try:  # the one input contract of every text model (shared.text_input): blank texts are refused here
            check_texts(self.as_list(), max_chars=MAX_CHARS, max_texts=MAX_TEXTS)
        except RoadmapError as exc:
            raise ValueError(str(exc)) from None
        return self

    def as_list(self) -> list[str]:
        return [self.text] if self.text is not None else list(self.texts or [])


class Prediction(BaseModel):
    label: str = Field(examples=["positive"])
    # ≥ 1/k for the most likely of k labels: ≥ 0.5 for week 12's two, ≥ 0.25 for week 16's four news classes
    probability: float = Field(ge=0.0, le=1.0, description="The model's probability of `label` (its most likely).")


class PredictResponse(BaseModel):
    model_config = ConfigDict(protected_namespaces=())
    model_version: str = Field(examples=["week12-3f2a9c1d04be-int8"])
    predictions: list[Prediction]


class Message(BaseModel):
    detail: str
    error_id: str | None = None


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Message, "description": "API_KEY is set and the X-API-Key header is missing or wrong"},
    413: {"model": Message, "description": "body larger than MAX_BODY_BYTES"},
    429: {"model": Message, "description": "rate limit exceeded; see the Retry-After header"},
    500: {"model": Message, "description": "unexpected error; quote error_id when reporting it"},
    503: {"model": Message, "description": "the model is still loading (or failed to load)"},
}


# ---------------------------------------------------------------- the service
ModelLoader = Callable[[Settings], ServedModel]  # settings → a loaded model with .predict, .version, .quantized, ...


def default_loader(s: Settings) -> ServedModel:
    """Week 12's sentiment model (another unit passes its own loader to `create_app`, e.g. week 16's news model)."""
    return load_served_model(s.model_dir, quantized=s.quantize, torch_threads=s.torch_threads)


class SentimentService:
    """The model and the path to it: loaded in the background, answered through the micro-batcher."""

    def __init__(self, settings: Settings, telemetry: Telemetry, loader: ModelLoader | None = None) -> None:
        self.settings = settings
        self.telemetry = telemetry
        self.loader = loader or default_loader
        self.model: ServedModel | None = None
        self.error: str | None = None  # why loading failed, for /ready
        self.batcher: MicroBatcher | None = None

    async def load(self) -> None:
        s = self.settings
        try:
            self.model = await asyncio.to_thread(self.loader, s)
        except RoadmapError as exc:
            self.error = str(exc)
            log.error("model failed to load", extra={"event": "model_failed"})
            return
        if s.micro_batching:
            self.batcher = MicroBatcher(
                self.model.predict,
                window_s=s.batch_window_ms / 1000,
                max_texts=s.max_batch_texts,
                on_batch=self.telemetry.batch_size.observe,
            )
            self.batcher.start()
        self.telemetry.model_info.info(
            {
                "version": self.model.version,
                "quantized": str(self.model.quantized),
                "torch_threads": str(self.model.torch_threads),
                "micro_batching": str(s.micro_batching),
            }
        )
        self.telemetry.ready.set(1)
        log.info("model ready", extra={"event": "model_ready", "model_version": self.model.version})

    async def predict(self, texts: list[str]) -> tuple[list[tuple[str, float]], int]:
        """(answers, size of the forward pass they were computed in)."""
        assert self.model is not None
        if self.batcher is not None:
            return await self.batcher.submit(texts)
        self.telemetry.batch_size.observe(len(texts))
        return await run_in_threadpool(self.model.predict, texts), len(texts)  # naive: one pass per request

    async def close(self) -> None:
        if self.batcher is not None:
            await self.batcher.stop()


# ---------------------------------------------------------------- the app
def create_app(
    settings: Settings | None = None, *, loader: ModelLoader | None = None, title: str = "Sentiment API (week 14)",
    description: str = "Classifies English sentences as positive or negative with the week 12 model.",
) -> FastAPI:  # fmt: skip
    """A new app (its own model, metrics and rate limiter): `uvicorn --factory ...main:create_app`.

    `loader` makes the model pluggable (default: week 12's sentiment model); limits, metrics and logs stay the same.
    """
    settings = settings or settings_from_environment()
    telemetry = Telemetry()
    service = SentimentService(settings, telemetry, loader)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        configure_logging(settings.log_level, settings.log_file)
        loading = asyncio.create_task(service.load())  # /health answers at once, /ready once this is done
        yield
        loading.cancel()
        await asyncio.gather(loading, return_exceptions=True)
        await service.close()

    app = FastAPI(
        title=title,
        version="1.0.0",
        lifespan=lifespan,
        description=description,
    )
    app.state.service, app.state.telemetry = service, telemetry
    app.add_middleware(ServiceMiddleware, settings=settings, telemetry=telemetry, service=service)

    api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="needed only if API_KEY is set")

    def require_api_key(key: str | None = Security(api_key_header)) -> None:
        expected = settings.api_key
        if expected is None:
            return
        if key is None or not secrets.compare_digest(key.encode(), expected.get_secret_value().encode()):
            raise HTTPException(401, "missing or wrong X-API-Key header", headers={"WWW-Authenticate": "ApiKey"})

    @app.post("/predict", response_model=PredictResponse, responses=ERRORS, dependencies=[Security(require_api_key)])
    async def predict(body: PredictRequest, request: Request) -> PredictResponse:
        """Label and probability for one text or up to 64; the same answer whatever else is in the batch."""
        if service.model is None:
            raise HTTPException(503, "the model is loading; retry in a few seconds", headers={"Retry-After": "2"})
        texts = body.as_list()
        answers, batch_size = await service.predict(texts)
        request.state.n_texts, request.state.batch_size = len(texts), batch_size  # for the access log
        telemetry.request_texts.observe(len(texts))
        return PredictResponse(
            model_version=service.model.version,
            predictions=[Prediction(label=label, probability=p) for label, p in answers],
        )

    @app.get("/health", responses={200: {"description": "the process is alive"}})
    async def health() -> dict[str, str]:
        """Liveness: answers as soon as the process serves HTTP (the container's HEALTHCHECK)."""
        return {"status": "ok"}

    @app.get("/ready", responses={503: {"model": Message, "description": "model loading or failed"}})
    async def ready() -> dict[str, str]:
        """Readiness: 200 once the model is loaded and warm; a load balancer sends traffic only then."""
        if service.model is None:
            detail = f"model failed to load: {service.error}" if service.error else "model loading"
            raise HTTPException(503, detail, headers={"Retry-After": "2"})
        return {"status": "ready", "model_version": service.model.version}

    @app.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
    async def metrics() -> Response:
        """Prometheus text format (telemetry.py lists the metric names)."""
        return Response(telemetry.exposition(), media_type="text/plain; version=0.0.4; charset=utf-8")

    @app.exception_handler(RequestValidationError)
    async def unprocessable(request: Request, exc: RequestValidationError) -> JSONResponse:
        """422 with where and what, never the input itself (it can be 64 × 5,000 characters, or private)."""
        return JSONResponse(status_code=422, content={"detail": [describe(error) for error in exc.errors()]})

    return app


def describe(error: dict[str, Any]) -> dict[str, Any]:
    """One pydantic error as {loc, msg, type}, with a message a user can act on."""
    msg = error.get("msg", "invalid")
    if error.get("type") == "json_invalid":
        msg = 'the body is not valid JSON; send e.g. {"text": "A gripping, funny film."}'
    elif error.get("type") == "missing" and list(error.get("loc", [])) == ["body"]:
        msg = 'the body is empty; send e.g. {"text": "A gripping, funny film."}'
    elif error.get("type") == "model_attributes_type" and list(error.get("loc", [])) == ["body"]:
        msg = 'the body must be a JSON object sent as application/json, e.g. {"text": "A gripping, funny film."}'
    elif msg.startswith("Value error, "):
        msg = msg.removeprefix("Value error, ")
    return {"loc": [str(part) for part in error.get("loc", [])], "msg": msg, "type": error.get("type", "invalid")}
