"""How `roadmap grade week14 PATH` checks a learner's sentiment API (see shared/grading).

The contract is the lesson's app factory, `create_app(settings=None, *, loader=None)`. The grader passes its own
`loader`, which returns the grader's model: a few lines of pure Python with week 12's interface (`predict(texts)`
→ `[(label, probability of that label), ...]`, `version`), deterministic and different for every text, and as
strict as week 12's `predict` about its input. So a grade needs no trained transformer and no torch, and every
answer the service gives can be compared with the model's own. The app runs in process under FastAPI's
`TestClient` (its lifespan included): no port, no network, no browser.

The checks ask what the unit's own tests ask of the service: the probes (`/health` at once, `/ready` with the
model's version once it is loaded, 503 rather than a crash when the model cannot be loaded); the model's own
answers, in order, with its version; 4xx with a message for blank, over-long and malformed input, without echoing
it; the right answer for every request when requests arrive together (micro-batching). The metrics put the share
of hostile requests answered with a 4xx, and the service's own latency, beside the reference's and a bare app's.
"""

from __future__ import annotations

import json
import math
import statistics
import time
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from types import SimpleNamespace

from pydantic import BaseModel

from shared.errors import RoadmapError
from shared.grading import Check, Function, Metric, Rubric, SelfCheck, expect, fail
from shared.text_input import check_texts

CONTRACT = [
    Function("create_app", "create_app(settings=None, *, loader=None) -> fastapi.FastAPI",
             "a new app whose model is `loader(settings)` (the grader passes its loader and no settings: read the "
             "rest from the environment, as the README's table says). The model has `predict(texts) -> [(label, "
             "probability), ...]` and `version`; a loader that cannot load raises RoadmapError. Routes: POST "
             '/predict ({"text": str} or {"texts": [str, ...]} → {"model_version", "predictions": [{"label", '
             '"probability"}]}; texts of 1 to 5,000 characters, not blank, at most 64; errors as {"detail": ...}), '
             "GET /health (alive), GET /ready (200 with `model_version` once the model is loaded, else 503)"),
]  # fmt: skip
REFERENCE = "week14_fastapi_docker.main"  # satisfies the contract as it is
MAX_CHARS = 5_000  # week 12's MAX_CHARS; the unit's tests check that the two agree
MAX_TEXTS = 64  # main.MAX_TEXTS
READY_TIMEOUT_S = 20.0  # the grader's model loads at once; a busy machine may still take seconds to start the app
N_CONCURRENT, N_THREADS = 24, 8  # requests sent together, and the threads sending them
N_LATENCY = 25  # sequential single-text requests timed (well under any sane rate limit: 100/second in the lesson)
MARKER = "grader-private-3b9e61"  # a text the service must never send back

POSITIVE_WORDS = {"good", "great", "wonderful", "gripping", "funny", "charming", "moving", "loved", "best"}
NEGATIVE_WORDS = {"bad", "dull", "boring", "mess", "pointless", "worst", "lifeless", "predictable", "never"}
TEXTS = ["A gripping, funny film.", "Two hours I will never get back.", "Fine.", "A dull, lifeless mess.",
         "One of the best films of the year, and one of the most moving.", "Meh."]  # fmt: skip


class GraderModel:
    """The grader's stand-in for week 12's model: P(positive) from a tiny lexicon plus a per-text jitter (so no two
    texts share an answer), as strict about its input as week 12's `predict` (`check_texts`)."""

    version = "grader-model-7e1f0c"
    quantized = False  # the reference's /metrics reports these two
    torch_threads = 1

    def __init__(self, delay_s: float = 0.0) -> None:
        self.delay_s = delay_s  # a forward pass's time, so that concurrent requests overlap

    def predict(self, texts: list[str]) -> list[tuple[str, float]]:
        texts = check_texts(list(texts), max_chars=MAX_CHARS)  # DataError (a RoadmapError) on blank or long texts
        if self.delay_s:
            time.sleep(self.delay_s)
        return [answer(text) for text in texts]


def answer(text: str) -> tuple[str, float]:
    words = [w.strip(".,;:!?").lower() for w in text.split()]
    score = sum(w in POSITIVE_WORDS for w in words) - sum(w in NEGATIVE_WORDS for w in words)
    jitter = (zlib.crc32(text.encode("utf-8")) % 10_000) / 10_000 - 0.5
    p_positive = 1 / (1 + math.exp(-(1.5 * score + jitter)))
    return ("positive", p_positive) if p_positive >= 0.5 else ("negative", 1 - p_positive)


def load_grader_model(settings=None) -> GraderModel:
    return GraderModel()


def load_slow_model(settings=None) -> GraderModel:
    return GraderModel(delay_s=0.02)


def no_model(settings=None):
    raise RoadmapError("no model in /models/week12 (the grader's missing model): run `roadmap run week12` first")


@contextmanager
def serving(sol, loader=load_grader_model, wait_ready: bool = True) -> Iterator:
    """The learner's app under TestClient (startup and shutdown included), once /ready says 200 (or time is up)."""
    from fastapi.testclient import TestClient

    app = sol.create_app(loader=loader)
    with TestClient(app, raise_server_exceptions=False) as client:
        deadline = time.monotonic() + READY_TIMEOUT_S  # 503 while loading; an app without /ready goes on at once
        while wait_ready and client.get("/ready").status_code == 503 and time.monotonic() < deadline:
            time.sleep(0.02)
        yield client


def post(client, body) -> tuple[int, object, str]:
    """(status, JSON body or None, text) of POST /predict; `body` bytes are sent as they are, anything else as JSON."""
    if isinstance(body, bytes):
        response = client.post("/predict", content=body, headers={"content-type": "application/json"})
    else:
        response = client.post("/predict", json=body)
    try:
        parsed = response.json()
    except ValueError:
        parsed = None
    return response.status_code, parsed, response.text


def predictions(client, body) -> list[tuple[str, float]]:
    status, parsed, text = post(client, body)
    expect(status == 200, f"POST /predict {shown(body)} answered {status}: {text[:200]}")
    expect(isinstance(parsed, dict) and isinstance(parsed.get("predictions"), list),
           f'the answer has no "predictions" list: {text[:200]}')  # fmt: skip
    try:
        return [(p["label"], float(p["probability"])) for p in parsed["predictions"]]
    except (KeyError, TypeError, ValueError):
        fail(f'each prediction needs "label" and "probability": {text[:200]}')


def is_message(status: int, parsed: object) -> bool:
    """A 4xx whose JSON body says what went wrong in `detail`."""
    return 400 <= status < 500 and isinstance(parsed, dict) and bool(parsed.get("detail"))


def shown(body) -> str:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else json.dumps(body)
    return text if len(text) <= 60 else f"{text[:40]}…({len(text):,} characters)"


# --- checks: each takes the learner's solution and raises when the property does not hold -----------------


def check_health_and_ready(sol) -> None:
    with serving(sol, wait_ready=False) as client:
        health = client.get("/health")
        expect(health.status_code == 200, f"GET /health answered {health.status_code}: {health.text[:200]}")
        deadline = time.monotonic() + READY_TIMEOUT_S
        while (ready := client.get("/ready")).status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.02)
        expect(ready.status_code == 200, f"GET /ready still answers {ready.status_code} {READY_TIMEOUT_S:g} s after "
                                         f"start-up, with the model loaded: {ready.text[:200]}")  # fmt: skip
        version = ready.json().get("model_version") if ready.headers.get("content-type", "").startswith(
            "application/json") else None  # fmt: skip
        expect(
            version == GraderModel.version,
            f"GET /ready gives model_version {version!r}; the loaded model's is {GraderModel.version!r}",
        )


def check_alive_without_model(sol) -> None:
    with serving(sol, loader=no_model, wait_ready=False) as client:
        time.sleep(0.1)  # a load in the background has failed by now
        health, ready = client.get("/health"), client.get("/ready")
        expect(health.status_code == 200, f"with no model to load, GET /health answered {health.status_code}")
        expect(ready.status_code == 503, f"with no model to load, GET /ready answered {ready.status_code} "
                                         f"(expected 503): {ready.text[:200]}")  # fmt: skip
        status, _, text = post(client, {"text": "A gripping, funny film."})
        expect(status == 503, f"with no model loaded, POST /predict answered {status} (expected 503): {text[:200]}")


def check_model_answers(sol) -> None:
    with serving(sol) as client:
        for text in TEXTS[:2]:
            got = predictions(client, {"text": text})
            expect(len(got) == 1, f'{{"text": ...}} gave {len(got)} predictions, expected 1')
            expected = answer(text)
            expect(got[0][0] == expected[0] and abs(got[0][1] - expected[1]) <= 1e-9,
                   f"for {text!r} the API says {got[0]}, the model says {expected}")  # fmt: skip
        texts = TEXTS + [TEXTS[0]]  # a repeated text keeps its place and its answer
        got = predictions(client, {"texts": texts})
        expected = [answer(t) for t in texts]
        expect(len(got) == len(texts), f'{{"texts": [{len(texts)} texts]}} gave {len(got)} predictions')
        wrong = [i for i, (g, e) in enumerate(zip(got, expected, strict=True))
                 if g[0] != e[0] or abs(g[1] - e[1]) > 1e-9]  # fmt: skip
        expect(not wrong, f"for a batch of {len(texts)} texts, answers {wrong} differ from the model's (first: "
                          f"{texts[wrong[0]]!r} → {got[wrong[0]]}, the model says {expected[wrong[0]]})"
               if wrong else "")  # fmt: skip


def check_model_version(sol) -> None:
    with serving(sol) as client:
        for body in ({"text": TEXTS[0]}, {"texts": TEXTS[:3]}):
            status, parsed, text = post(client, body)
            expect(status == 200, f"POST /predict {shown(body)} answered {status}: {text[:200]}")
            version = parsed.get("model_version") if isinstance(parsed, dict) else None
            expect(version == GraderModel.version, f"POST /predict {shown(body)} names model_version {version!r}; "
                                                   f"the model serving it is {GraderModel.version!r}")  # fmt: skip


BAD_TEXTS = [{"text": ""}, {"text": "   \n\t"}, {"text": "x" * (MAX_CHARS + 1)}, {"texts": []},
             {"texts": ["fine", ""]}, {"texts": ["fine"] * (MAX_TEXTS + 1)},
             {"texts": ["fine", "y" * (MAX_CHARS + 1)]}]  # fmt: skip
MALFORMED = [b'{"text": "unterminated', b"", b"[1, 2]", b'"just a string"', b'{"text": 5}', b'{"text": null}',
             b'{"texts": "not a list"}', b"{}", b'{"text": "a", "texts": ["b"]}']  # fmt: skip


def check_bad_texts(sol) -> None:
    with serving(sol) as client:
        for body in BAD_TEXTS:
            status, parsed, text = post(client, body)
            expect(is_message(status, parsed), f"POST /predict {shown(body)} answered {status} {text[:150]!r}; "
                                               'expected a 4xx (422) with a "detail" saying what to fix')  # fmt: skip


def check_malformed_json(sol) -> None:
    with serving(sol) as client:
        for body in MALFORMED:
            status, parsed, text = post(client, body)
            expect(
                status == 422 and is_message(status, parsed),
                f'POST /predict {shown(body)} answered {status} {text[:150]!r}; expected 422 with a "detail"',
            )


def check_no_echo(sol) -> None:
    secret = f"{MARKER} my private review "
    with serving(sol) as client:
        for body in ({"text": secret * (MAX_CHARS // len(secret) + 1)}, {"texts": [secret, " "]},
                     {"text": secret, "texts": [secret]}):  # fmt: skip
            status, _, text = post(client, body)
            expect(MARKER not in text, f"the {status} answer to {shown(body)} repeats the text sent: {text[:150]!r}…")


def check_concurrent(sol) -> None:
    texts = [f"Request {i}: " + ("a gripping film. " if i % 3 else "a dull mess. ") * (1 + i % 4)
             for i in range(N_CONCURRENT)]  # fmt: skip
    with serving(sol, loader=load_slow_model) as client, ThreadPoolExecutor(N_THREADS) as pool:
        answers = list(pool.map(lambda t: (t, predictions(client, {"text": t})), texts))
    wrong = [(t, got) for t, got in answers if len(got) != 1 or got[0][0] != answer(t)[0]
             or abs(got[0][1] - answer(t)[1]) > 1e-9]  # fmt: skip
    expect(not wrong, f"{len(wrong)} of {N_CONCURRENT} requests sent together ({N_THREADS} at a time) got another "
                      f"request's answer (first: {wrong[0][0]!r} → {wrong[0][1]}, its own is {answer(wrong[0][0])})"
           if wrong else "")  # fmt: skip


CHECKS = [
    Check("health_and_ready", "probes", check_health_and_ready,
          "GET /health answers 200 as soon as the process serves HTTP; GET /ready answers 200 with the loaded "
          "model's `version` as model_version (503 until then)"),
    Check("alive_without_model", "probes", check_alive_without_model,
          "load the model in the lifespan and catch its RoadmapError: the process stays up (/health 200), "
          "/ready and /predict answer 503 saying why; loading in create_app or at import crashes the container "
          "into a restart loop"),
    Check("predictions_are_the_models", "predictions", check_model_answers,
          "return the model's own (label, probability) for each text, in the order sent, one per text: no "
          "rounding, re-mapped labels, sorting or de-duplication"),
    Check("names_model_version", "predictions", check_model_version,
          "put the loaded model's `version` in every answer (model_version): the app's own version or a "
          "constant cannot tell which weights answered"),
    Check("bad_texts_get_4xx", "input limits", check_bad_texts,
          "declare the limits in the pydantic schema (1 to 5,000 characters, a non-blank pattern, 1 to 64 texts): "
          "without them a blank or 100 kB text reaches the model, which fails with a 500"),
    Check("malformed_json_gets_422", "input limits", check_malformed_json,
          "type the body with a pydantic model (`text` or `texts`, exactly one) and let FastAPI parse it: "
          "`await request.json()` by hand turns broken JSON into a 500"),
    Check("errors_do_not_echo_input", "input limits", check_no_echo,
          "FastAPI's default 422 body repeats the input (`input`): a 5,000-character or private text goes back in "
          "every error; add a RequestValidationError handler that says where and what, not the value"),
    Check("concurrent_requests_get_their_own_answers", "predictions", check_concurrent,
          "when requests share a forward pass (micro-batching), hand each one back its own slice of the answers "
          "(keep each job's offset), never the start of the pass's list or shared state"),
]  # fmt: skip


# --- metrics ---------------------------------------------------------------------------------------------


HOSTILE = BAD_TEXTS + MALFORMED


def hostile_4xx_share(sol) -> float:
    with serving(sol) as client:
        return sum(is_message(*post(client, body)[:2]) for body in HOSTILE) / len(HOSTILE)


def p50_latency_ms(sol) -> float:
    with serving(sol) as client:
        post(client, {"text": TEXTS[0]})  # warm-up
        times = []
        for i in range(N_LATENCY):
            start = time.perf_counter()
            status, _, _ = post(client, {"text": TEXTS[i % len(TEXTS)]})
            times.append(time.perf_counter() - start)
            expect(status == 200, f"request {i + 1} of {N_LATENCY} answered {status}")
    return 1000 * statistics.median(times)


class BareBody(BaseModel):
    text: str


def bare_app(settings=None, *, loader=None):
    """The baseline: the tutorial's few lines (a str field, the model called directly), no limits, no probes."""
    from fastapi import FastAPI

    app, model = FastAPI(), (loader or load_grader_model)(settings)

    @app.post("/predict")
    def predict(body: BareBody) -> dict:
        label, probability = model.predict([body.text])[0]
        return {"model_version": model.version, "predictions": [{"label": label, "probability": probability}]}

    return app


BARE = SimpleNamespace(create_app=bare_app)

METRICS = [
    Metric("hostile_requests_4xx", hostile_4xx_share, "higher", baseline=BARE,
           baseline_name="bare app (one str field)",
           description=f"share of {len(HOSTILE)} blank, over-long and malformed bodies answered 4xx with a detail"),
    Metric("p50_latency_ms", p50_latency_ms, "lower", baseline=BARE, baseline_name="bare app (one str field)",
           description=f"median of {N_LATENCY} single-text POST /predict in process (TestClient), the grader's "
                       "instant model: the service's own time per request (the guards and a batching window cost "
                       "some); wall time, so a busy machine can double it for the same code"),
]  # fmt: skip

RUBRIC = Rubric.equal(
    "probes",
    "predictions",
    "input limits",
    self_assessment=[
        SelfCheck("Does your image build in stages, run as a non-root user, keep the model out (mounted), and pass "
                  "a linter (hadolint)?", "week14_fastapi_docker/README.md#write-up"),
        SelfCheck("Did you load-test with an open loop (latency from the scheduled send time) and report p50/p99 "
                  "with intervals, per speed trick, on a stated machine?", "week14_fastapi_docker/README.md#results"),
        SelfCheck("Do your logs and errors leave out the users' texts, and does the write-up name each failure "
                  "mode and what catches it?", "week14_fastapi_docker/README.md#write-up"),
        SelfCheck("Do you say what the API inherits from the model's biases and how a caller should use the "
                  "probability?", "week14_fastapi_docker/README.md#ethics"),
    ],
)  # fmt: skip
