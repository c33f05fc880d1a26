"""Wrong on purpose: a micro-batcher that hands every request the start of the pass's answers, not its own slice."""

import asyncio

from _common import PredictRequest, State, add_probes, add_validation_handler, lifespan_for, model_or_503, respond
from fastapi import FastAPI

WINDOW_S = 0.005


class Batcher:
    def __init__(self, predict):
        self.predict, self.queue = predict, None

    async def submit(self, texts):
        if self.queue is None:
            self.queue = asyncio.Queue()
            asyncio.get_running_loop().create_task(self.loop())
        future = asyncio.get_running_loop().create_future()
        await self.queue.put((texts, future))
        return await future

    async def loop(self):
        while True:
            jobs = [await self.queue.get()]
            await asyncio.sleep(WINDOW_S)
            while not self.queue.empty():
                jobs.append(self.queue.get_nowait())
            answers = await asyncio.to_thread(self.predict, [t for texts, _ in jobs for t in texts])
            for texts, future in jobs:
                future.set_result(answers[: len(texts)])  # the mistake: no running offset into the pass


def create_app(settings=None, *, loader=None):
    state = State()
    app = FastAPI(lifespan=lifespan_for(state, loader, settings))
    add_probes(app, state)
    add_validation_handler(app)
    batcher = {}

    @app.post("/predict")
    async def predict(body: PredictRequest):
        model = model_or_503(state)
        batcher.setdefault("b", Batcher(model.predict))
        return respond(model, await batcher["b"].submit(body.as_list()))

    return app
