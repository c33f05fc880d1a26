"""Test helpers every unit's tests share: run a CLI the way a user would, check it failed cleanly, guard it.

A user-facing error must end as one message and exit code 2, never a traceback (see shared.cli);
every week tests at least one such case through a real subprocess, so the check lives here once.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

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


def run_in_process(main: Callable[[list[str]], int], argv: list[str]) -> tuple[int, str]:
    """Call a CLI's `main(argv)` in this process; return (exit code, stderr). argparse's exits are caught too."""
    stderr = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse usage errors and --help
            code = exc.code if isinstance(exc.code, int) else 2
    return code, stderr.getvalue()


def assert_cli_guard(main: Callable[[list[str]], int], argvs, *, max_examples: int = 40, watched=()) -> None:
    """The standing guard of a CLI: for every argument list hypothesis draws from `argvs` (a strategy),
    the command exits 0 or 2, never prints a traceback, and leaves every file in `watched` byte-identical
    whenever it fails.

    In process (not a subprocess per example) so forty examples take seconds; one or two subprocess tests per
    unit (`run_cli`) check the real entry point.
    """
    from hypothesis import HealthCheck, given, settings

    watched = [Path(p) for p in watched]

    @settings(max_examples=max_examples, deadline=None, suppress_health_check=list(HealthCheck))
    @given(argvs)
    def check(argv: list[str]) -> None:
        before = {p: p.read_bytes() if p.is_file() else None for p in watched}
        code, stderr = run_in_process(main, argv)
        assert code in (0, 2), f"{argv!r} → exit {code}: {stderr[-1000:]}"
        assert "Traceback" not in stderr, f"{argv!r}: {stderr[-1000:]}"
        if code != 0:
            after = {p: p.read_bytes() if p.is_file() else None for p in watched}
            assert after == before, f"{argv!r} failed but changed {[str(p) for p in watched if after[p] != before[p]]}"

    check()
