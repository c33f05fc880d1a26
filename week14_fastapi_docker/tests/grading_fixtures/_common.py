"""Correct pieces the wrong solutions share (a small right answer), so each fixture differs from it in one place."""

import asyncio
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import FastAPI, HTTPException
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.concurrency import run_in_threadpool

from shared.errors import RoadmapError

Text = Annotated[str, Field(min_length=1, max_length=5000, pattern=r"\S")]


class PredictRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Text | None = None
    texts: list[Text] | None = Field(default=None, min_length=1, max_length=64)

    @model_validator(mode="after")
    def one_of(self):
        if (self.text is None) == (self.texts is None):
            raise ValueError('send "text" or "texts", not both')
        return self

    def as_list(self) -> list[str]:
        return [self.text] if self.text is not None else self.texts


class State:
    """The loaded model (None until loaded) and why loading failed."""

    def __init__(self):
        self.model = None
        self.error = None


def lifespan_for(state: State, loader, settings):
    async def load():
        try:
            state.model = await asyncio.to_thread(loader, settings)
        except RoadmapError as exc:
            state.error = str(exc)

    @asynccontextmanager
    async def lifespan(app):
        task = asyncio.create_task(load())
        yield
        task.cancel()

    return lifespan


def add_probes(app: FastAPI, state: State) -> None:
    @app.get("/health")
    async def health():
        return {"status": "ok"}

    @app.get("/ready")
    async def ready():
        if state.model is None:
            raise HTTPException(503, state.error or "model loading")
        return {"status": "ready", "model_version": state.model.version}


def add_validation_handler(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def unprocessable(request, exc):
        detail = [{"loc": list(map(str, e["loc"])), "msg": e["msg"]} for e in exc.errors()]  # never e["input"]
        return JSONResponse(status_code=422, content={"detail": detail})


def model_or_503(state: State):
    if state.model is None:
        raise HTTPException(503, "the model is not loaded")
    return state.model


def respond(model, answers, version=None) -> dict:
    return {"model_version": version or model.version,
            "predictions": [{"label": label, "probability": p} for label, p in answers]}  # fmt: skip


def create_app(settings=None, *, loader=None):
    state = State()
    app = FastAPI(lifespan=lifespan_for(state, loader, settings))
    add_probes(app, state)
    add_validation_handler(app)

    @app.post("/predict")
    async def predict(body: PredictRequest):
        model = model_or_503(state)
        return respond(model, await run_in_threadpool(model.predict, body.as_list()))

    return app
