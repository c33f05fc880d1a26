"""Wrong on purpose: FastAPI's default 422 handler, whose body repeats the input (a private or 5,000-character text)."""

from _common import PredictRequest, State, add_probes, lifespan_for, model_or_503, respond
from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool


def create_app(settings=None, *, loader=None):
    state = State()
    app = FastAPI(lifespan=lifespan_for(state, loader, settings))
    add_probes(app, state)  # the mistake: no add_validation_handler(app)

    @app.post("/predict")
    async def predict(body: PredictRequest):
        model = model_or_503(state)
        return respond(model, await run_in_threadpool(model.predict, body.as_list()))

    return app
