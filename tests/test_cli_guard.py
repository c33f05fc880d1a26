"""The standing guard of the `roadmap` CLI: whatever a user types, it ends in exit 0 or 2, never a traceback.

Hypothesis draws argument lists from the CLI's own vocabulary mixed with hostile values (folders where files
belong, missing, read-only and special paths, huge and negative numbers, unknown names). Commands that would do
real work (a full run, rewriting the README) are left out of the vocabulary: the guard is about input handling.
Every unit's `predict` command gets the same guard below; units test their other commands themselves.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import strategies as st

from shared.cli import main
from shared.testing import assert_cli_guard, run_in_process
from shared.weeks import WEEKS


@pytest.fixture(scope="module")
def hostile_paths(tmp_path_factory) -> list[str]:
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "a-folder"
    folder.mkdir()
    readonly = root / "read-only.csv"
    readonly.write_text("a,b\n1,2\n")
    readonly.chmod(0o400)
    link = root / "dangling-link"
    link.symlink_to(root / "nowhere")
    return [str(folder), str(root / "missing" / "x"), str(readonly), str(link), "/dev/null", "/proc/roadmap/x", ""]


WORDS = st.sampled_from(
    ["list", "run", "reproduce", "report", "data", "verify", "list", "fetch", "week99", "c9", "nope", "--fast",
     "--seed", "--out", "--weeks", "-h", "--bogus", "-1", "99999999999999999999", "1e9", "0", "ünï", "\x1b[31m"]
)  # fmt: skip


def _safe_argv(argv: list[str]) -> list[str]:
    if "reproduce" in argv or ("run" in argv and not any(a in argv for a in ("week99", "c9", "nope"))):
        return ["run", "week99", *argv]  # never start real work; still exercises every option after it
    return argv


def test_roadmap_cli_exits_0_or_2_and_never_tracebacks(hostile_paths):
    words = st.one_of(WORDS, st.sampled_from(hostile_paths), st.text(max_size=8))
    assert_cli_guard(main, st.lists(words, max_size=5).map(_safe_argv), max_examples=60)


def test_guard_fixture_paths_exist_as_intended(hostile_paths):
    assert Path(hostile_paths[0]).is_dir() and os.path.islink(hostile_paths[3])


PREDICT_UNITS = [w for w in WEEKS if (w.folder / "cli.py").is_file() and "predict" in (w.folder / "cli.py").read_text()]


@pytest.mark.parametrize("week", PREDICT_UNITS, ids=lambda w: w.key)
def test_every_predict_command_exits_0_or_2_and_never_tracebacks(week, hostile_paths):
    """The standing guard of each unit's `predict`: hostile paths, flags, numbers and text, in any order."""
    import importlib

    from shared.cli import week_main

    add_commands = importlib.import_module(f"{week.package}.cli").add_commands
    words = st.one_of(
        st.sampled_from(hostile_paths),
        st.sampled_from(["--model", "--output", "--file", "--model-dir", "--weights", "-h", "--bogus", "nan", "inf",
                         "-1e309", "0.5", "", " ", "é" * 3, "\x00", "=cmd|' /C calc'!A0"]),
        st.text(max_size=12),
    )  # fmt: skip
    argvs = st.lists(words, max_size=5).map(lambda rest: ["predict", *rest])
    assert_cli_guard(lambda argv: week_main(week.key, argv, add_commands=add_commands), argvs, max_examples=25)


@pytest.mark.parametrize("week", PREDICT_UNITS, ids=lambda w: w.key)
def test_a_nul_character_in_a_path_is_a_user_error(week):
    """Found by the guard above in CI: the OS refuses a path with a NUL byte with a ValueError, not an OSError."""
    import importlib

    from shared.cli import week_main

    add_commands = importlib.import_module(f"{week.package}.cli").add_commands
    for flag in ("--model", "--output", "--file", "--model-dir"):
        code, stderr = run_in_process(lambda argv: week_main(week.key, argv, add_commands=add_commands),
                                      ["predict", flag, "a\x00b", "x\x00"])  # fmt: skip
        assert code == 2 and "Traceback" not in stderr, stderr
