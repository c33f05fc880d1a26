"""shared.servers: a real server on loopback is started, answered, and always stopped (no orphans)."""

from __future__ import annotations

import sys
import urllib.request

import pytest

from shared.errors import RoadmapError
from shared.servers import serve


def test_serve_yields_a_live_server_and_stops_it_even_on_error(tmp_path):
    (tmp_path / "index.html").write_text("hello")
    command = [sys.executable, "-m", "http.server", "{port}", "--bind", "{host}", "--directory", str(tmp_path)]
    with pytest.raises(ZeroDivisionError), serve(command, log=tmp_path / "log.txt") as base_url:
        assert urllib.request.urlopen(base_url + "/index.html").read() == b"hello"  # noqa: S310
        url = base_url
        raise ZeroDivisionError  # the server must still be stopped
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=2)  # noqa: S310


def test_a_server_that_dies_is_reported_with_its_log(tmp_path):
    command = [sys.executable, "-c", "import sys; print('boom'); sys.exit(3)"]
    with pytest.raises(RoadmapError, match="exited with code 3(.|\n)*boom"), serve(command, log=tmp_path / "l.txt"):
        pass
