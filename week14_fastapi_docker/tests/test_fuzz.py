"""Property-based fuzzing from the service's own OpenAPI schema (schemathesis), in process.

Schemathesis reads /openapi.json, generates requests that fit it (and some that deliberately do not), sends them to
the ASGI app, and checks every response: never a 5xx, status code and body as the schema documents them. The
number of examples per route is bounded so the test stays within seconds.
"""

from __future__ import annotations

import time

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from week14_fastapi_docker.main import Settings, create_app


def ready_app(model_dir):
    """The app, started and ready: schemathesis' in-process client starts its lifespan once, for the process."""
    app = create_app(Settings(model_dir=model_dir, rate_limit=""))
    with asgi.get_client(app) as client:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if client.get("http://testserver/ready").status_code == 200:
                return app
            time.sleep(0.05)
    raise AssertionError("the app never became ready")


@pytest.fixture(scope="module")
def api_schema(model_dir):
    return schemathesis.openapi.from_asgi("/openapi.json", ready_app(model_dir))


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_no_5xx_and_every_response_matches_the_schema(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/predict", "/health", "/ready", "/metrics"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
        )
        def fuzz(case):
            case.call_and_validate(checks=CHECKS)

        fuzz()
    app = api_schema.app
    sent = app.state.telemetry.requests.labels(route="/predict", method="POST", status="200")._value.get()
    assert sent >= 10  # the fuzzer really reached the model, with valid bodies too
