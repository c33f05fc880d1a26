"""Wrong on purpose: the texts are plain `str` with no limits, so blank and over-long texts reach the model (500)."""

from _common import State, add_probes, add_validation_handler, lifespan_for, model_or_503, respond
from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, model_validator
from starlette.concurrency import run_in_threadpool


class PredictRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str | None = None  # the mistake: no min_length, max_length or non-blank pattern
    texts: list[str] | None = None

    @model_validator(mode="after")
    def one_of(self):
        if (self.text is None) == (self.texts is None):
            raise ValueError('send "text" or "texts", not both')
        return self


def create_app(settings=None, *, loader=None):
    state = State()
    app = FastAPI(lifespan=lifespan_for(state, loader, settings))
    add_probes(app, state)
    add_validation_handler(app)

    @app.post("/predict")
    async def predict(body: PredictRequest):
        model = model_or_503(state)
        texts = [body.text] if body.text is not None else body.texts
        return respond(model, await run_in_threadpool(model.predict, texts))

    return app
