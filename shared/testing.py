"""Test helpers every week's tests share: run a CLI the way a user would, check it failed cleanly.

A user-facing error must end as one message and exit code 2, never a traceback (see shared.cli);
every week tests at least one such case through a real subprocess, so the check lives here once.
"""

from __future__ import annotations

import os
import subprocess
import sys

from shared.paths import REPO_ROOT


def run_cli(
    module: str, *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    """`python -m module args...` from the repository root, with extra environment variables."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )


def assert_user_error(result: subprocess.CompletedProcess, *messages: str) -> None:
    """Exit code 2, each message on stderr, and no traceback."""
    assert result.returncode == 2, f"exit {result.returncode}; stderr: {result.stderr[-2000:]}"
    for message in messages:
        assert message in result.stderr, f"{message!r} not in stderr: {result.stderr[-2000:]}"
    assert "Traceback" not in result.stderr
