"""Capstone 3 fixtures: untrained stand-in models in the weeks' formats, the app (once per session), a TestClient,
the same app on a real loopback port, and a real CIFAR-10 test image as a PNG file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from capstones.c3_multimodal_app.app import Settings, create_app
from capstones.c3_multimodal_app.stand_ins import stand_in_sources


@pytest.fixture(scope="session")
def sources(tmp_path_factory) -> dict:
    """Stand-ins, not the weeks' trained models: tests must not train, and the plumbing does not depend on it."""
    return stand_in_sources(tmp_path_factory.mktemp("c3-models"))


@pytest.fixture(scope="session")
def settings(sources) -> Settings:
    return Settings(image_model=sources["image"].path, text_model=sources["text"].path)


@pytest.fixture(scope="session")
def app(settings):
    return create_app(settings)


@pytest.fixture(scope="session")
def client(app) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def live_url(app) -> Iterator[str]:
    """The same app served by uvicorn on a free loopback port, in a thread (as `run()` serves it)."""
    from capstones.c3_multimodal_app.multimodal_app import serving

    with serving(app) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def cifar_test(tmp_path_factory):
    """The first 20 CIFAR-10 test images and labels (the data mirror's copy, decoded by shared.data)."""
    from shared.data.cifar10 import load_cifar10

    data = load_cifar10(verbose=False)
    return data.x_test[:20].copy(), data.y_test[:20].copy()


@pytest.fixture(scope="session")
def cifar_png(cifar_test, tmp_path_factory) -> Path:
    """A real CIFAR-10 test image (the first), as the PNG file a user would upload."""
    from capstones.c3_multimodal_app.multimodal_app import png_bytes

    path = tmp_path_factory.mktemp("upload") / "cifar_test_0.png"
    path.write_bytes(png_bytes(cifar_test[0][0]))
    return path
