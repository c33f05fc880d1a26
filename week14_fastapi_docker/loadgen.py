"""A headless load generator: fixed offered rates (open loop) and saturation (closed loop), with asyncio + aiohttp.

Why not locust: locust's workers are gevent greenlets whose own CPU cost is about the server's on 2 cores, and
it reports what it managed to send rather than holding a schedule. Here request i is sent at `start + i / rate`
whatever happened to earlier ones (an *open* loop, like real users who do not wait for each other), and its
latency is measured from that scheduled time, so a server that stalls cannot hide the stall by slowing the
generator down ("coordinated omission", Gil Tene). A failed or timed-out request counts as an error and as an
infinitely slow request in the percentiles: p99 is honest only if errors cannot improve it.

The generator shares the machine's 2 cores with the server, so its own cost matters: aiohttp's client spends about
half a CPU-millisecond per request here, httpx's async client about five (measured while writing this), which at
100 rps would take a quarter of the machine from the server. `benchmark.py` reports the measured cost per request
next to the latencies.
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass

import aiohttp
import numpy as np


@dataclass
class LoadResult:
    offered_rps: float | None  # None: saturation (closed loop)
    sent: int
    errors: int
    achieved_rps: float  # successful responses per second of the step
    latencies_s: np.ndarray  # one per request; inf for an error
    generator_cpu_s: float  # CPU seconds the generator process used during the step


def percentile_ms(latencies_s: np.ndarray, q: float) -> float:
    """The q-th percentile in ms (inf when errors reach it: the "nearest rank" method, no interpolation)."""
    if len(latencies_s) == 0:
        return math.inf
    return float(1000 * np.sort(latencies_s)[max(0, math.ceil(q / 100 * len(latencies_s)) - 1)])


def quantile_ci_ms(latencies_s: np.ndarray, q: float, confidence: float = 0.95) -> tuple[float, float]:
    """Distribution-free interval for the q-th percentile: order statistics chosen by the binomial distribution.

    The number of requests faster than the true percentile is Binomial(n, q/100), so the sorted latencies at
    its 2.5% and 97.5% quantiles bracket the percentile with ~95% confidence (assuming independent requests;
    queueing makes neighbours correlated, so read it as a lower bound on the uncertainty).
    """
    from scipy.stats import binom

    n = len(latencies_s)
    if n == 0:
        return math.inf, math.inf
    ordered = 1000 * np.sort(latencies_s)
    alpha = 1 - confidence
    low = int(binom.ppf(alpha / 2, n, q / 100))  # ranks, 1-based below
    high = int(binom.ppf(1 - alpha / 2, n, q / 100)) + 1
    return float(ordered[max(low, 1) - 1]), float(ordered[min(high, n) - 1])


async def _post(session: aiohttp.ClientSession, url: str, text: str) -> bool:
    try:
        async with session.post(url, json={"text": text}) as response:
            await response.read()
            return response.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return False


def _session(timeout_s: float, connections: int) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=timeout_s), connector=aiohttp.TCPConnector(limit=connections)
    )


async def open_loop(url: str, texts: list[str], *, rate: float, seconds: float, timeout_s: float = 5.0) -> LoadResult:
    """Send `rate` requests per second for `seconds`, on schedule; latency from each request's scheduled time."""
    loop = asyncio.get_running_loop()
    n = max(1, round(rate * seconds))
    cpu0 = time.process_time()
    async with _session(timeout_s, connections=512) as client:
        start = loop.time() + 0.05
        finished: list[float] = []

        async def one(i: int) -> float:
            scheduled = start + i / rate
            await asyncio.sleep(max(0.0, scheduled - loop.time()))
            ok = await _post(client, url, texts[i % len(texts)])
            now = loop.time()
            finished.append(now)
            return now - scheduled if ok else math.inf

        latencies = np.array(await asyncio.gather(*(one(i) for i in range(n))))
    ok = np.isfinite(latencies)
    span = max(max(finished) - start, seconds) if finished else seconds
    return LoadResult(rate, n, int((~ok).sum()), float(ok.sum() / span), latencies, time.process_time() - cpu0)


async def closed_loop(
    url: str, texts: list[str], *, concurrency: int, seconds: float, timeout_s: float = 5.0
) -> LoadResult:
    """`concurrency` clients, each sending its next request as soon as the last one returns: the saturation rate."""
    loop = asyncio.get_running_loop()
    cpu0 = time.process_time()
    latencies: list[float] = []
    async with _session(timeout_s, connections=concurrency) as client:
        start = loop.time()
        end = start + seconds

        async def user(u: int) -> None:
            i = u
            while loop.time() < end:
                sent = loop.time()
                ok = await _post(client, url, texts[i % len(texts)])
                latencies.append(loop.time() - sent if ok else math.inf)
                i += concurrency

        await asyncio.gather(*(user(u) for u in range(concurrency)))
        span = loop.time() - start
    values = np.array(latencies)
    ok = np.isfinite(values)
    return LoadResult(None, len(values), int((~ok).sum()), float(ok.sum() / span), values, time.process_time() - cpu0)


def warm_up(url: str, texts: list[str], seconds: float) -> None:
    """A short closed-loop burst so connection set-up and first-call costs stay out of the measured steps."""
    if seconds > 0:
        asyncio.run(closed_loop(url, texts, concurrency=4, seconds=seconds))
