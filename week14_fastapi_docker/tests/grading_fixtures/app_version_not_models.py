"""Wrong on purpose: every answer names the app's version, not the loaded model's."""

from _common import PredictRequest, State, add_probes, add_validation_handler, lifespan_for, model_or_503, respond
from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

VERSION = "1.0.0"


def create_app(settings=None, *, loader=None):
    state = State()
    app = FastAPI(version=VERSION, lifespan=lifespan_for(state, loader, settings))
    add_probes(app, state)
    add_validation_handler(app)

    @app.post("/predict")
    async def predict(body: PredictRequest):
        model = model_or_503(state)
        answers = await run_in_threadpool(model.predict, body.as_list())
        return respond(model, answers, version=app.version)  # the mistake: the app's version, not the model's

    return app
