"""Week 14 test fixtures: a tiny model in week 12's format and a running app, shared by the whole session."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from week14_fastapi_docker.demo_model import tiny_model
from week14_fastapi_docker.main import Settings, create_app


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> Path:
    """A 1-layer random BERT saved exactly as week 12 saves its model (no training: milliseconds)."""
    return tiny_model(tmp_path_factory.mktemp("week14") / "model")


def wait_ready(client: TestClient, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.get("/ready").status_code == 200:
            return
        time.sleep(0.05)
    raise AssertionError("the app never became ready: " + client.get("/ready").text)


def make_client(model_dir: Path, **settings) -> TestClient:
    settings = {"rate_limit": "", **settings}
    return TestClient(create_app(Settings(model_dir=model_dir, **settings)), raise_server_exceptions=False)


@pytest.fixture(scope="session")
def new_client():
    """`with new_client(model_dir, **settings) as client:` an app with other settings (wait_ready(client) first)."""
    return make_client


@pytest.fixture(scope="session")
def ready():
    return wait_ready


@pytest.fixture(scope="module")
def client(model_dir) -> Iterator[TestClient]:
    """The app as the container serves it (INT8, one thread, micro-batching); no rate limit."""
    with make_client(model_dir) as test_client:
        wait_ready(test_client)
        yield test_client
