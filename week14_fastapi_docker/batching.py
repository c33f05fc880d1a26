"""Micro-batching: concurrent requests share one forward pass.

A transformer's forward pass on 8 short sentences costs far less than 8 passes on one (the matrix products get
wider, the per-call overhead is paid once). So requests go into an asyncio queue; one loop takes the first,
waits at most `window_s` for more (or until `max_texts` are gathered), runs the model once on all of them in a
single worker thread, and hands each request its own slice of the answers.

Two effects, both measured by the benchmark: at low load a request waits up to the window for company (a few
milliseconds of latency bought); at high load requests pile up while the model is busy, so the next pass takes
all of them at once and throughput grows with the load instead of collapsing. Week 12's predict pads each batch
with an attention mask, so a text's answer does not depend on which others shared its pass (a test checks it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

Predict = Callable[[list[str]], list[Any]]


@dataclass
class _Job:
    texts: list[str]
    future: asyncio.Future = field(repr=False)


class MicroBatcher:
    """`await batcher.submit(texts)` → (the model's answers for `texts`, the size of the pass they shared)."""

    def __init__(
        self,
        predict: Predict,
        *,
        window_s: float = 0.002,
        max_texts: int = 64,
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        self.predict = predict
        self.window_s = window_s
        self.max_texts = max_texts
        self.on_batch = on_batch  # called with each pass's number of texts (the batch-size histogram)
        self._queue: asyncio.Queue[_Job] = asyncio.Queue()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="model")  # one pass at a time
        self._task: asyncio.Task | None = None
        self._carry: _Job | None = None  # a job that did not fit in the last pass: first in the next one

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._loop(), name="micro-batcher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._carry is not None:
            self._carry.future.cancel()
        while not self._queue.empty():  # nobody will answer them now
            self._queue.get_nowait().future.cancel()
        self._executor.shutdown(wait=True)

    async def submit(self, texts: list[str]) -> tuple[list[Any], int]:
        future = asyncio.get_running_loop().create_future()
        await self._queue.put(_Job(texts, future))
        return await future

    async def _gather(self) -> list[_Job]:
        """The first waiting job, plus whatever arrives within the window (up to max_texts texts)."""
        loop = asyncio.get_running_loop()
        if self._carry is not None:
            jobs, self._carry = [self._carry], None
        else:
            jobs = [await self._queue.get()]
        count = len(jobs[0].texts)
        deadline = loop.time() + self.window_s
        while count < self.max_texts:
            if not self._queue.empty():  # already waiting: take it without a timer
                job = self._queue.get_nowait()
            else:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                try:
                    job = await asyncio.wait_for(self._queue.get(), remaining)
                except asyncio.TimeoutError:  # (an alias of TimeoutError from Python 3.11)
                    break
            if count + len(job.texts) > self.max_texts:
                self._carry = job
                break
            jobs.append(job)
            count += len(job.texts)
        return jobs

    async def _loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            jobs = await self._gather()
            jobs = [job for job in jobs if not job.future.done()]  # a client that gave up
            if not jobs:
                continue
            texts = [text for job in jobs for text in job.texts]
            if self.on_batch:
                self.on_batch(len(texts))
            try:
                answers = await loop.run_in_executor(self._executor, self.predict, texts)
            except Exception as exc:  # noqa: BLE001 - every waiting request gets the error, the loop lives on
                for job in jobs:
                    if not job.future.done():
                        job.future.set_exception(exc)
                continue
            start = 0
            for job in jobs:
                if not job.future.done():
                    job.future.set_result((answers[start : start + len(job.texts)], len(texts)))
                start += len(job.texts)
