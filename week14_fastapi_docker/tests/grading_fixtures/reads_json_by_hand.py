"""Wrong on purpose: the body is read with `await request.json()` and checked by hand, so broken JSON is a 500."""

from _common import State, add_probes, lifespan_for, model_or_503, respond
from fastapi import FastAPI, HTTPException, Request
from starlette.concurrency import run_in_threadpool


def create_app(settings=None, *, loader=None):
    state = State()
    app = FastAPI(lifespan=lifespan_for(state, loader, settings))
    add_probes(app, state)

    @app.post("/predict")
    async def predict(request: Request):
        body = await request.json()  # the mistake: invalid JSON, a list or a string raise here or below (500)
        texts = [body["text"]] if "text" in body else body["texts"]
        for text in texts:
            if not text.strip() or len(text) > 5000:
                raise HTTPException(422, "each text must hold 1 to 5,000 characters and not be blank")
        if not 1 <= len(texts) <= 64:
            raise HTTPException(422, "send 1 to 64 texts")
        model = model_or_503(state)
        return respond(model, await run_in_threadpool(model.predict, texts))

    return app
