"""Week 1, going further: the store's guarantees (issue 13 items 1-5, 7, 14), concurrency and crash safety."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time

import pytest

from shared.atomic import temp_files
from shared.errors import RoadmapError
from shared.paths import REPO_ROOT
from week01_expense_tracker import expense_tracker as et
from week01_expense_tracker import going_further as gf

GOOD = {"id": 1, "date": "2025-01-01", "category": "food", "description": "x", "amount_cents": 500}


def write_doc(path, expenses, next_id=None, **extra):
    doc = {"version": 1, "next_id": next_id or len(expenses) + 1, "expenses": expenses, **extra}
    path.write_text(json.dumps(doc))
    return path.read_bytes()


# --- item 3: the whole document is validated, and an invalid store is never written over ---------------------
@pytest.mark.parametrize(
    ("entries", "extra", "message"),
    [
        ([{k: v for k, v in GOOD.items() if k != "date"}], {}, r"expense #1 in the file \(id 1\), field 'date'"),
        (
            [GOOD, {**GOOD, "id": 2, "amount_cents": "500"}],
            {},
            r"expense #2 in the file \(id 2\), field 'amount_cents'",
        ),
        ([{**GOOD, "amount_cents": 5.0}], {}, "amount_cents"),
        ([{**GOOD, "amount_cents": True}], {}, "amount_cents"),
        ([{**GOOD, "amount_cents": -5}], {}, "greater than 0"),
        ([{**GOOD, "date": "2025-02-30"}], {}, "field 'date'"),
        ([{**GOOD, "date": "20250101"}], {}, "YYYY-MM-DD"),
        ([{**GOOD, "category": ""}], {}, "field 'category'"),
        ([{**GOOD, "surprise": 1}], {}, "field 'surprise'"),
        ([GOOD, GOOD], {}, "share an id"),
        ([GOOD], {"next_id": True}, "next_id"),
        ([{**GOOD, "id": 7}], {"next_id": 3}, "must be larger than every id"),
        (["not an object"], {}, "expense #1"),
    ],
)
def test_invalid_entries_are_named_and_the_store_left_untouched(tmp_path, entries, extra, message):
    store = tmp_path / "e.json"
    doc = {"version": 1, "next_id": len(entries) + 1, "expenses": entries, **extra}
    store.write_text(json.dumps(doc))
    before = store.read_bytes()
    for action in (lambda: et.list_expenses(store), lambda: et.add_expense(store, "1", "food", "x")):
        with pytest.raises(gf.StoreError, match=message):
            action()
    with pytest.raises(gf.StoreError, match="left untouched"):
        et.delete_expense(store, 1)
    assert store.read_bytes() == before


def test_nan_cents_are_refused(tmp_path):
    store = tmp_path / "e.json"
    store.write_text(json.dumps({"version": 1, "next_id": 2, "expenses": [GOOD]}).replace("500", "NaN"))
    with pytest.raises(gf.StoreError, match="amount_cents"):
        et.summarise(et.list_expenses(store))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"version": 1, "next_id": 1, "expenses": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
        ('{"version": 2, "next_id": 1, "expenses": []}', "format version 2"),
        ('{"version": true, "next_id": 1, "expenses": []}', "format version True"),
        ('{"version": "1", "next_id": 1, "expenses": []}', "format version '1'"),
        ('{"next_id": 1, "expenses": []}', "version: Field required"),
        ("[]", "holds an array"),
        ("", "an empty file"),
        ('{"expenses": [ broken', "Expecting value"),
        ('{"version": 1, "next_id": ' + "9" * 5000 + ', "expenses": []}', "too long"),
        ('{"encrypted": true, "salt": 5}', "not a valid encrypted store"),
    ],
)
def test_malformed_documents_give_a_clear_error(tmp_path, text, message):
    store = tmp_path / "e.json"
    store.write_text(text)
    with pytest.raises(gf.StoreError, match=message):
        et.add_expense(store, "1", "food", "x")
    assert store.read_text() == text


def test_non_utf8_store_is_refused(tmp_path):
    store = tmp_path / "e.json"
    store.write_bytes(b'{"version": 1, "next_id": 1, "expenses": [], "\xff": 1}')
    with pytest.raises(gf.StoreError, match="not UTF-8"):
        et.list_expenses(store)


# --- item 2: links are resolved once; the target is locked and written; a dangling link is refused -------------
def test_symlinked_store_writes_and_locks_the_target(tmp_path):
    real = tmp_path / "real" / "e.json"
    real.parent.mkdir()
    link = tmp_path / "link.json"
    link.symlink_to(real)
    et.add_expense(real, "1", "food", "via the file", "2025-01-01")
    et.add_expense(link, "2", "food", "via the link", "2025-01-01")
    assert link.is_symlink() and link.resolve() == real
    assert [r["description"] for r in et.list_expenses(real)] == ["via the file", "via the link"]
    assert (real.parent / "e.json.lock").exists() and not (tmp_path / "link.json.lock").exists()


@pytest.mark.parametrize("dangling", ["file", "folder"])
def test_dangling_link_is_refused_not_replaced(tmp_path, dangling):
    if dangling == "file":
        store = tmp_path / "link.json"
        store.symlink_to(tmp_path / "unmounted" / "e.json")
    else:
        (tmp_path / "drive").symlink_to(tmp_path / "unmounted")
        store = tmp_path / "drive" / "e.json"
    with pytest.raises(gf.StoreError, match="does not exist"):
        et.add_expense(store, "1", "food", "x")
    with pytest.raises(gf.StoreError, match="does not exist"):
        et.list_expenses(store)
    assert not (tmp_path / "unmounted").exists()


def test_link_loop_and_non_files_are_refused(tmp_path):
    loop = tmp_path / "loop.json"
    loop.symlink_to(loop)
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    for store, message in [(loop, "loop|does not exist|links"), (tmp_path, "is a folder"), (fifo, "not a regular")]:
        with pytest.raises(gf.StoreError, match=message):
            et.add_expense(store, "1", "food", "x")
        with pytest.raises(gf.StoreError, match=message):
            et.list_expenses(store)
    assert stat.S_ISFIFO(fifo.stat().st_mode)


# --- item 4: orphaned temp files from a killed writer are removed on the next write -----------------------------
DIE_BEFORE_RENAME = """
import os, sys
from week01_expense_tracker.expense_tracker import add_expense
os.replace = lambda *args: os._exit(9)  # killed after the temp file is written, before it replaces the store
add_expense(sys.argv[1], "9.99", "food", "lost", "2025-01-01")
"""


def test_stale_temp_files_are_cleaned_on_the_next_write(tmp_path):
    store = tmp_path / "e.json"
    et.add_expense(store, "1", "food", "kept", "2025-01-01")
    proc = subprocess.run([sys.executable, "-c", DIE_BEFORE_RENAME, str(store)], cwd=REPO_ROOT, timeout=60)
    assert proc.returncode == 9
    orphans = temp_files(store)
    assert len(orphans) == 1 and b"lost" in orphans[0].read_bytes()  # a full copy of the ledger, left behind
    assert [r["description"] for r in et.list_expenses(store)] == ["kept"]
    et.add_expense(store, "2", "food", "next", "2025-01-01")
    assert temp_files(store) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.json", "e.json.lock"]


# --- item 5: a read-only store is refused; a writable one keeps its mode; a new one is private ------------------
def test_read_only_store_is_refused_and_kept(tmp_path):
    store = tmp_path / "e.json"
    et.add_expense(store, "1", "food", "x", "2025-01-01")
    store.chmod(0o400)
    before = store.read_bytes()
    for action in (lambda: et.add_expense(store, "1", "food", "x"), lambda: et.delete_expense(store, 1)):
        with pytest.raises(gf.StoreError, match="read-only"):
            action()
    assert store.read_bytes() == before and stat.S_IMODE(store.stat().st_mode) == 0o400
    assert len(et.list_expenses(store)) == 1  # reading is fine


def test_writes_keep_the_mode_and_new_stores_are_private(tmp_path):
    store = tmp_path / "e.json"
    et.add_expense(store, "1", "food", "x", "2025-01-01")
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    store.chmod(0o640)
    et.add_expense(store, "2", "food", "y", "2025-01-01")
    assert stat.S_IMODE(store.stat().st_mode) == 0o640


# --- item 1: export never replaces the store, a folder, a device or an existing file (unless forced) ------------
def test_export_refuses_the_store_and_what_is_not_a_new_file(tmp_path):
    store = tmp_path / "e.json"
    et.add_expense(store, "1", "food", "x", "2025-01-01")
    before = store.read_bytes()
    rows = et.list_expenses(store)
    link = tmp_path / "link.csv"
    link.symlink_to(store)
    hard = tmp_path / "hard.json"
    os.link(store, hard)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    existing = tmp_path / "old.csv"
    existing.write_text("precious")
    cases = [(store, "the expense store itself"), (tmp_path / "sub" / ".." / "e.json", "the expense store itself"),
             (hard, "the expense store itself"), (link, "symbolic link"), (tmp_path, "is a folder"),
             (fifo, "not a regular file"), (existing, "already exists")]  # fmt: skip
    for out, message in cases:
        for force in (False, True) if message != "already exists" else (False,):
            with pytest.raises(gf.StoreError, match=message):
                et.export_csv(rows, out, store=store, force=force)
    assert store.read_bytes() == before and existing.read_text() == "precious" and link.is_symlink()
    et.export_csv(rows, existing, store=store, force=True)
    assert existing.read_text().startswith("id,date")


# --- encryption, and where the passphrase comes from (items 7 and 14) -------------------------------------------
def test_encryption_at_rest(tmp_path):
    store = tmp_path / "e.json"
    et.add_expense(store, "9.99", "health", "pharmacy visit", "2025-01-01", passphrase="correct horse")
    raw = store.read_text()
    assert "pharmacy" not in raw and json.loads(raw)["encrypted"] is True
    assert et.list_expenses(store, passphrase="correct horse")[0]["description"] == "pharmacy visit"
    with pytest.raises(gf.StoreError, match="wrong passphrase"):
        et.list_expenses(store, passphrase="wrong")
    with pytest.raises(gf.StoreError, match="is encrypted"):
        et.list_expenses(store)
    with pytest.raises(gf.StoreError, match="is encrypted"):
        et.add_expense(store, "1", "food", "x")  # never silently rewritten as plaintext
    assert store.read_text() == raw


def test_passphrase_from_a_file_the_environment_or_a_prompt(tmp_path):
    store = tmp_path / "e.json"
    secret = tmp_path / "secret.txt"
    secret.write_text("from a file\nsecond line ignored\n")
    assert gf.get_passphrase(store, environ={gf.PASSPHRASE_FILE_ENV: str(secret)}) == "from a file"
    assert gf.get_passphrase(store, environ={gf.PASSPHRASE_ENV: "from env"}) == "from env"
    assert gf.get_passphrase(store, environ={}, interactive=False) is None
    with pytest.raises(gf.StoreError, match="unset one"):
        gf.get_passphrase(store, environ={gf.PASSPHRASE_FILE_ENV: str(secret), gf.PASSPHRASE_ENV: "x"})
    for content, message in [(b"", "is empty"), (b"\xff\xfe", "not UTF-8")]:
        secret.write_bytes(content)
        with pytest.raises(gf.StoreError, match=message):
            gf.get_passphrase(store, environ={gf.PASSPHRASE_FILE_ENV: str(secret)})
    with pytest.raises(gf.StoreError, match="not a file"):
        gf.get_passphrase(store, environ={gf.PASSPHRASE_FILE_ENV: str(tmp_path / "missing")})

    answers = iter(["typed", "typed"])
    assert gf.get_passphrase(store, ask=True, environ={}, prompt=lambda _: next(answers)) == "typed"  # new: twice
    answers = iter(["typed", "typo"])
    with pytest.raises(gf.StoreError, match="differ"):
        gf.get_passphrase(store, ask=True, environ={}, prompt=lambda _: next(answers))
    plain = tmp_path / "plain.json"
    et.add_expense(plain, "1", "food", "x", "2025-01-01")
    asked = []
    assert gf.get_passphrase(plain, ask=True, environ={}, prompt=lambda p: asked.append(p) or "typed") == "typed"
    assert len(asked) == 2  # about to encrypt an existing plaintext store: asked twice
    et.add_expense(plain, "2", "food", "y", "2025-01-01", passphrase="typed")
    assert gf.is_encrypted(plain) and len(et.list_expenses(plain, passphrase="typed")) == 2
    et.add_expense(store, "1", "food", "x", "2025-01-01", passphrase="typed")
    asked = []
    assert gf.get_passphrase(store, environ={}, interactive=True, prompt=lambda p: asked.append(p) or "typed")
    assert len(asked) == 1  # an existing encrypted store, in a terminal: asked once
    with pytest.raises(gf.StoreError, match="no passphrase"):
        gf.get_passphrase(store, ask=True, environ={}, prompt=lambda _: (_ for _ in ()).throw(EOFError))


def test_non_utf8_passphrase_is_a_clear_error(tmp_path):
    bad = b"\xff\xfe".decode("utf-8", "surrogateescape")  # how such bytes arrive through os.environ
    with pytest.raises(gf.StoreError, match="not valid UTF-8"):
        gf.get_passphrase(tmp_path / "e.json", environ={gf.PASSPHRASE_ENV: bad})
    with pytest.raises(gf.StoreError, match="not valid UTF-8"):
        et.add_expense(tmp_path / "e.json", "1", "food", "x", passphrase=bad)
    assert not (tmp_path / "e.json").exists()


# --- concurrency and crash safety ---------------------------------------------------------------------------------
ADD_LOOP = """
import sys
from week01_expense_tracker.expense_tracker import add_expense
for i in range(int(sys.argv[2])):
    add_expense(sys.argv[1], "1.00", "food", f"worker {i}", "2025-01-01")
    if i == 0:
        print("first add done", flush=True)
"""


def test_concurrent_writers_lose_nothing_even_through_a_link(tmp_path):
    store = tmp_path / "e.json"
    et.add_expense(store, "1.00", "food", "first", "2025-01-01")  # a link to a store that does not exist is refused
    (tmp_path / "link.json").symlink_to(store)
    paths = [store, tmp_path / "link.json"] * 2  # two names, one lock: the link must not fork the store
    procs = [subprocess.Popen([sys.executable, "-c", ADD_LOOP, str(p), "15"], cwd=REPO_ROOT, stdout=subprocess.DEVNULL)
             for p in paths]  # fmt: skip
    assert all(p.wait(timeout=120) == 0 for p in procs)
    rows = gf.read_store(store)["expenses"]
    assert len(rows) == 61 and len({r["id"] for r in rows}) == 61


def test_kill_mid_write_leaves_store_intact(tmp_path):
    store = tmp_path / "e.json"
    for delay in (0.0, 0.03, 0.1, 0.3):  # after the first add, so the kill lands in the middle of the loop
        proc = subprocess.Popen([sys.executable, "-c", ADD_LOOP, str(store), "100000"], cwd=REPO_ROOT,
                                stdout=subprocess.PIPE, text=True)  # fmt: skip
        assert proc.stdout.readline().strip() == "first add done"
        time.sleep(delay)
        proc.kill()
        proc.wait()
        proc.stdout.close()
        doc = gf.read_store(store)  # raises if the file were half-written or invalid
        ids = [r["id"] for r in doc["expenses"]]
        assert ids == sorted(set(ids)) and doc["next_id"] > max(ids, default=0)
    assert len(gf.read_store(store)["expenses"]) > 0


def test_store_errors_are_roadmap_errors():
    assert issubclass(gf.StoreError, RoadmapError)
