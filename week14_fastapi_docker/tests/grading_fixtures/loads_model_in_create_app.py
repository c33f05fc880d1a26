"""Wrong on purpose: the model is loaded in create_app, so a missing model stops the app from starting at all."""

from _common import PredictRequest, State, add_probes, add_validation_handler, model_or_503, respond
from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool


def create_app(settings=None, *, loader=None):
    state = State()
    state.model = loader(settings)  # the mistake: a RoadmapError here means no process, no /health, no 503
    app = FastAPI()
    add_probes(app, state)
    add_validation_handler(app)

    @app.post("/predict")
    async def predict(body: PredictRequest):
        model = model_or_503(state)
        return respond(model, await run_in_threadpool(model.predict, body.as_list()))

    return app
