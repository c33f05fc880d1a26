"""Week 1's command line: real subprocess runs, and the standing guard (issue 13): random argument lists, paths and
store contents give exit 0 or 2, never a traceback, and a failing command leaves every file byte-identical."""

from __future__ import annotations

import contextlib
import io
import json
import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from shared.testing import assert_user_error, run_cli
from week01_expense_tracker.cli import main
from week01_expense_tracker.going_further import read_store

MODULE = "week01_expense_tracker"
NO_SECRETS = {"EXPENSES_PASSPHRASE": "", "EXPENSES_PASSPHRASE_FILE": ""}


def cli(*args: str, store: Path, env: dict | None = None):
    """A real `python -m week01_expense_tracker ...` (a few tests; the rest call main() in-process, faster)."""
    return run_cli(MODULE, *args, "--store", str(store), env={**NO_SECRETS, **(env or {})}, timeout=60)


def call(*argv: str, store: Path | None = None) -> tuple[int, str, str]:
    """main(argv) in-process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            code = main([*argv, *(["--store", str(store)] if store else [])])
        except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
            code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def no_secrets(monkeypatch, tmp_path):
    for name, value in NO_SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("EXPENSES_FILE", str(tmp_path / "default-store.json"))


def assert_error(result: tuple[int, str, str], *messages: str) -> None:
    code, _, stderr = result
    assert code == 2 and "Traceback" not in stderr, stderr
    for message in messages:
        assert message in stderr, stderr


# --- the real command line, as a user runs it -------------------------------------------------------------------------
def test_subprocess_round_trip_and_a_clean_error(tmp_path):
    store = tmp_path / "e.json"
    assert cli("add", "12.50", "food", "lunch", "--date", "2025-05-01", store=store).returncode == 0
    assert "12.50  lunch" in call("list", store=store)[1]
    assert_user_error(cli("add", "100000000000000000000000000", "food", "x", store=store), "typo")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "-5", "food", "x"], "must be positive"),
        (["add", "abc", "food", "x"], "plain number"),
        (["add", "1e26", "food", "x"], "plain number"),
        (["add", "5", "food", "  "], "description must not be empty"),
        (["add", "5", "food", "x", "--date", "2023-02-30"], "real date"),
        (["add", "5", "food", "x", "--date", "20261130"], "YYYY-MM-DD"),
        (["delete", "42"], "no expense with id 42"),
        (["delete", "١"], "id must be a whole number"),
        (["list", "--month", "Nov"], "month must look like"),
        (["export", "out.csv", "--month", "2025-13"], "month must look like"),
    ],
)
def test_bad_input_gives_message_not_traceback(tmp_path, args, message):
    assert_error(call(*args, store=tmp_path / "e.json"), message)
    assert [p.name for p in tmp_path.iterdir() if p.suffix != ".lock"] == []  # the store was never written


def test_round_trip_and_export(tmp_path):
    store = tmp_path / "e.json"
    assert call("add", "12.50", "food", "lunch", "--date", "2025-05-01", store=store)[0] == 0
    assert call("add", "7.25", "bus", "=cmd|' /C calc'!A0", "--date", "2025-05-02", store=store)[0] == 0
    code, summary, _ = call("summary", store=store)
    assert code == 0 and "19.75" in summary
    out = tmp_path / "out.csv"
    assert call("export", str(out), store=store)[0] == 0
    assert "'=cmd" in out.read_text()
    assert_error(call("export", str(out), store=store), "already exists", "--force")
    assert call("export", str(out), "--force", store=store)[0] == 0
    assert call("delete", "1", store=store)[0] == 0
    assert "lunch" not in call("list", store=store)[1]


def test_export_onto_the_store_keeps_the_store(tmp_path, monkeypatch):
    """Issue 13 item 1: `export STORE` used to replace an (encrypted) store with its plaintext CSV."""
    store = tmp_path / "e.json"
    monkeypatch.setenv("EXPENSES_PASSPHRASE", "correct horse")
    assert call("add", "9.99", "health", "pharmacy", store=store)[0] == 0
    before = store.read_bytes()
    assert_error(call("export", str(store), "--force", store=store), "the expense store itself")
    (tmp_path / "link.csv").symlink_to(store)
    assert_error(call("export", str(tmp_path / "link.csv"), "--force", store=store), "symbolic link")
    assert store.read_bytes() == before


def test_encrypted_store_with_a_passphrase_file(tmp_path, monkeypatch):
    store, secret = tmp_path / "e.json", tmp_path / "secret"
    secret.write_text("correct horse\n")
    monkeypatch.setenv("EXPENSES_PASSPHRASE_FILE", str(secret))
    assert call("add", "9.99", "health", "pharmacy visit", store=store)[0] == 0
    assert "pharmacy" not in store.read_text()
    assert "pharmacy visit" in call("list", store=store)[1]
    monkeypatch.setenv("EXPENSES_PASSPHRASE_FILE", "")
    assert_error(call("list", store=store), "is encrypted", "EXPENSES_PASSPHRASE_FILE")
    monkeypatch.setenv("EXPENSES_PASSPHRASE", "\udcff")  # the bytes b"\xff", not UTF-8
    assert_error(call("list", store=store), "not valid UTF-8")


def test_store_faults(tmp_path):
    real = tmp_path / "real.json"
    assert call("add", "1", "food", "x", "--date", "2025-01-01", store=real)[0] == 0
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "unmounted" / "e.json")
    assert_error(call("add", "1", "food", "x", store=dangling), "does not exist")
    assert_error(call("list", store=tmp_path), "is a folder")
    real.chmod(0o400)
    assert_error(call("delete", "1", store=real), "read-only")
    real.chmod(0o600)
    real.write_text(json.dumps({"version": 1, "next_id": 2, "expenses": [{"id": 1}]}))
    assert_error(call("summary", store=real), "expense #1 in the file (id 1)")


def test_list_escapes_terminal_control_sequences(tmp_path):
    store = tmp_path / "e.json"
    assert call("add", "1", "food", "\x1b[2J\x1b[31mred \u202eevil", store=store)[0] == 0
    listed = call("list", store=store)[1]
    assert "\x1b" not in listed and "\u202e" not in listed
    assert "\\x1b[2J\\x1b[31mred \\u202eevil" in listed


def test_interactive_menu(tmp_path, monkeypatch, capsys):
    store = tmp_path / "e.json"
    keys = "1\n4.20\nfood\nsnack\n2025-06-01\n1\n-3\nfood\nbad\n\n4\nabc\n5\n{folder}\n3\nzz\nq\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(keys.format(folder=tmp_path)))
    assert main(["menu", "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "added #1" in out and "error: amount must be positive" in out and "error: id must be a whole number" in out
    assert "is a folder" in out and "4.20" in out and "unknown choice 'zz'" in out
    assert len(read_store(store)["expenses"]) == 1
    monkeypatch.setattr("sys.stdin", io.StringIO("2\n"))  # end of input leaves the menu cleanly
    assert main(["menu", "--store", str(store)]) == 0


# --- the standing guard ----------------------------------------------------------------------------------------------
TOKENS = ["12.50", "7", "-5", "0", "1e26", "100000000000000000000000000", "١٢", "１２", "1_000", "nan", "1", "2",
          "food", "=cmd|' /C calc'!A0", "\x1b[31m", "\u202e", "", " ", "2025-01-01", "20261130", "2026-W48-1",
          "2023-02-30", "9999-01-01", "2025-01", "2025-13", "--date", "--month", "--category", "--force",
          "-h"]  # fmt: skip
STORES = ["missing", "valid", "invalid", "folder", "read-only", "link", "dangling", "fifo", "garbage", "/dev/null"]
OUTS = ["new.csv", "store", "link", "folder", "fifo", "existing.csv", "sub/new.csv"]


def make_store(root: Path, kind: str, garbage: bytes) -> Path:
    valid = {"version": 1, "next_id": 3, "expenses": [
        {"id": 1, "date": "2025-01-01", "category": "food", "description": "a", "amount_cents": 500},
        {"id": 2, "date": "2025-02-01", "category": "rent", "description": "=1+2", "amount_cents": 70000}]}  # fmt: skip
    if kind == "/dev/null":
        return Path(os.devnull)
    target = root / "store.json"
    if kind in ("valid", "read-only", "link"):
        target.write_text(json.dumps(valid))
    if kind == "read-only":
        target.chmod(0o400)
    if kind == "invalid":
        valid["expenses"][1]["amount_cents"] = "700"
        target.write_text(json.dumps(valid))
    if kind == "garbage":
        target.write_bytes(garbage)
    if kind == "folder":
        target.mkdir()
    if kind == "fifo":
        os.mkfifo(target)
    if kind in ("link", "dangling"):
        (root / "link.json").symlink_to(target)
        return root / "link.json"
    return target


def snapshot(root: Path) -> dict[str, object]:
    """Every entry under root (locks aside): a file's bytes and mode, a link's target, a folder or a pipe."""
    state: dict[str, object] = {}
    for path in sorted(root.rglob("*")):
        name = str(path.relative_to(root))
        if path.name.endswith(".lock"):
            continue
        if path.is_symlink():
            state[name] = ("link", os.readlink(path))
        elif path.is_file():
            state[name] = (path.read_bytes(), stat.S_IMODE(path.stat().st_mode))
        else:
            state[name] = stat.S_IFMT(path.stat().st_mode)
    return state


def flat(pairs: list[list[str]]) -> list[str]:
    return [token for pair in pairs for token in pair]


AMOUNTS = st.sampled_from(["12.50", "7", "0.01", "-5", "1e26", "100000000000000000000000000", "١٢", "1_000", "nan"])
TEXTS = st.sampled_from(["food", "Rent", "=cmd|' /C calc'!A0", "\x1b[31mred", "\u202eevil", " "]) | st.text(max_size=8)
DATES = st.sampled_from(["2025-01-01", "20261130", "2026-W48-1", "2023-02-30", "9999-01-01"])
MONTHS = st.sampled_from([["--month", m] for m in ("2025-01", "2025-13", "Nov", "２０２５-０１")])
PLAUSIBLE = {  # argument lists shaped like real commands, so that successes are common too
    "add": st.tuples(AMOUNTS, TEXTS, TEXTS).map(list)
    | st.tuples(AMOUNTS, TEXTS, TEXTS, st.just("--date"), DATES).map(list),
    "list": st.lists(MONTHS | st.tuples(st.just("--category"), TEXTS).map(list), max_size=2).map(flat),
    "summary": st.lists(MONTHS, max_size=1).map(flat),
    "delete": st.sampled_from(["1", "2", "3", "١", "-1", "99999999999999999999"]).map(lambda t: [t]),
    "export": st.lists(MONTHS | st.just(["--force"]), max_size=2).map(flat),
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    command=st.sampled_from(["add", "list", "summary", "delete", "export"]),
    data=st.data(),
    store_kind=st.sampled_from(STORES),
    out_kind=st.sampled_from(OUTS),
    garbage=st.binary(max_size=64) | st.sampled_from([b"[" * 5000, b'{"version": 1}', b"null", b"\xef\xbb\xbf{}"]),
)
def test_guard_random_commands_exit_0_or_2_and_failures_change_nothing(
    tmp_path_factory, command, data, store_kind, out_kind, garbage
):
    tokens = data.draw(PLAUSIBLE[command] | st.lists(st.sampled_from(TOKENS) | st.text(max_size=8), max_size=5))
    root = tmp_path_factory.mktemp("guard")
    if store_kind == "/dev/null" and command not in ("list", "summary"):
        store_kind = "fifo"  # writes are tried on a pipe in the test folder: a regression must not hit the real device
    store = make_store(root, store_kind, garbage)
    (root / "existing.csv").write_text("precious")
    (root / "folder").mkdir()
    os.mkfifo(root / "pipe.csv")
    outs = {"store": store, "link": root / "link.json", "folder": root / "folder", "fifo": root / "pipe.csv"}
    extra = [str(outs.get(out_kind, root / out_kind))] if command == "export" else []
    before = snapshot(root)
    code, _, stderr = call(command, *extra, *tokens, store=store)
    event(f"{command} exit {code}")
    assert code in (0, 2), stderr
    assert "Traceback" not in stderr
    if code != 0:
        assert snapshot(root) == before, stderr


@pytest.mark.parametrize("kind", ["dangling", "garbage"])
def test_guard_through_a_subprocess(tmp_path, kind):
    store = make_store(tmp_path, kind, b"\x00\xff{")
    before = snapshot(tmp_path)
    result = cli("add", "5", "food", "x", store=store)
    assert_user_error(result)
    assert snapshot(tmp_path) == before
