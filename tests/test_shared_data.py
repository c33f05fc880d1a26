"""The data layer: verified cache hits, corrupt files refused, clear offline errors, real downloads (loopback)."""

from __future__ import annotations

import dataclasses
import importlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from shared.data import loaders, registry
from shared.errors import DataError

fetch_mod = importlib.import_module("shared.data.fetch")  # the module, not the function of the same name

REPO = Path(__file__).resolve().parents[1]
MIRROR = Path(os.environ.get("ROADMAP_DATA_DIR", "")).expanduser()
needs_mirror = pytest.mark.skipif(not (MIRROR / "titanic/train.csv").is_file(), reason="ROADMAP_DATA_DIR not set")


def point_registry(monkeypatch, name: str, **changes) -> registry.Dataset:
    ds = dataclasses.replace(registry.DATASETS[name], **changes)
    monkeypatch.setitem(registry.DATASETS, name, ds)
    return ds


@needs_mirror
def test_every_registered_file_in_the_mirror_verifies():
    results = fetch_mod.verify_all()
    bad = {n: s for n, (s, _) in results.items() if s != "ok" and n != "cifar10_python"}
    assert bad == {}


@needs_mirror
def test_loaders_return_documented_shapes_and_dtypes():
    titanic = loaders.load_titanic()
    assert titanic.shape == (891, 12) and str(titanic["Sex"].dtype) == "category"
    assert loaders.load_wine("white").shape == (4898, 12)
    assert loaders.load_sst2("dev")["label"].value_counts().to_dict() == {1: 444, 0: 428}
    imdb = loaders.load_imdb("test")
    assert imdb.shape == (25000, 3) and imdb["label"].sum() == 12500 and imdb["file"].str.startswith("test/").all()
    with pytest.raises(DataError, match="'train' or 'test'"):
        loaders.load_imdb("dev")


def test_loaders_live_in_shared_only_when_two_units_use_them():
    """The rule of CONTRIBUTING: a loader in shared/data is read by at least two units."""
    import re

    from shared.paths import REPO_ROOT
    from shared.weeks import WEEKS

    for name in [n for n in dir(loaders) if n.startswith("load_")]:
        users = {w.key for w in WEEKS for f in w.folder.rglob("*.py") if re.search(rf"\b{name}\b", f.read_text())}
        assert len(users) >= 2, f"{name} is used by {sorted(users)} only"
    assert all(
        REPO_ROOT.joinpath(unit, "data.py").is_file()
        for unit in [
            "week05_house_prices",
            "week08_mall_clustering",
            "capstones/c1_melanoma_eda",
            "capstones/c2_spaceship_titanic",
        ]
    )


def test_corrupt_file_is_refused_with_both_hashes(tmp_path, monkeypatch):
    monkeypatch.setenv("ROADMAP_DATA_DIR", str(tmp_path))
    path = tmp_path / "titanic/train.csv"
    path.parent.mkdir()
    path.write_text("PassengerId,Survived\n1,0\n")
    with pytest.raises(DataError) as err:
        fetch_mod.fetch("titanic")
    message = str(err.value)
    assert registry.DATASETS["titanic"].sha256 in message
    assert fetch_mod.file_hash(path) in message and "not used" in message
    assert path.read_text() == "PassengerId,Survived\n1,0\n"  # never overwritten


def test_missing_file_offline_gives_one_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("ROADMAP_DATA_DIR", str(tmp_path))
    point_registry(monkeypatch, "titanic", url="http://127.0.0.1:9/train.csv")  # nothing listens on port 9
    with pytest.raises(DataError) as err:
        fetch_mod.fetch("titanic")
    message = str(err.value)
    assert "could not be downloaded" in message and "127.0.0.1:9/train.csv" in message
    assert str(tmp_path / "titanic/train.csv") in message and "by hand" in message


@needs_mirror
def test_download_verifies_and_caches(tmp_path, monkeypatch, http_folder):
    served, base = http_folder
    shutil.copy(MIRROR / "titanic/train.csv", served / "train.csv")
    (tmp_path / "cache").mkdir()  # a ROADMAP_DATA_DIR that does not exist is refused as a likely typo
    monkeypatch.setenv("ROADMAP_DATA_DIR", str(tmp_path / "cache"))
    point_registry(monkeypatch, "titanic", url=base + "train.csv")
    path = fetch_mod.fetch("titanic")
    assert path == tmp_path / "cache/titanic/train.csv" and loaders.load_titanic().shape == (891, 12)


@needs_mirror
def test_zip_member_download(tmp_path, monkeypatch, http_folder):
    served, base = http_folder
    with zipfile.ZipFile(served / "wine.zip", "w") as zf:
        zf.write(MIRROR / "wine_quality/winequality-red.csv", "winequality-red.csv")
    (tmp_path / "cache").mkdir()  # a ROADMAP_DATA_DIR that does not exist is refused as a likely typo
    monkeypatch.setenv("ROADMAP_DATA_DIR", str(tmp_path / "cache"))
    point_registry(monkeypatch, "wine_red", url=base + "wine.zip")
    assert loaders.load_wine("red").shape == (1599, 12)


def test_tampered_download_is_quarantined(tmp_path, monkeypatch, http_folder):
    served, base = http_folder
    (served / "train.csv").write_text("not the titanic\n")
    (tmp_path / "cache").mkdir()  # a ROADMAP_DATA_DIR that does not exist is refused as a likely typo
    monkeypatch.setenv("ROADMAP_DATA_DIR", str(tmp_path / "cache"))
    point_registry(monkeypatch, "titanic", url=base + "train.csv")
    with pytest.raises(DataError):
        fetch_mod.fetch("titanic")
    assert not (tmp_path / "cache/titanic/train.csv").exists()


def test_wrong_columns_name_what_is_missing(tmp_path):
    bad = tmp_path / "t.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(DataError, match=r"missing column\(s\) \['Survived'"):
        loaders.read_csv_checked(bad, ["Survived"])


def roadmap(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "ROADMAP_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "shared", *args], capture_output=True, text=True, env=env, cwd=REPO)


def test_verify_on_empty_cache_fails_cleanly(tmp_path):
    result = roadmap("data", "verify", data_dir=tmp_path)
    assert result.returncode == 2
    assert "missing or corrupt" in result.stderr and "ROADMAP_DATA_DIR" in result.stderr
    assert "Traceback" not in result.stderr


@needs_mirror
def test_verify_on_mirror_reports_all_ok():
    result = roadmap("data", "verify", data_dir=MIRROR)
    assert result.returncode == 0, result.stderr
    assert "files OK" in result.stdout


def test_week_with_missing_data_fails_cleanly(tmp_path):
    """Offline, empty cache: a data week ends with one paragraph, not a traceback (no network touched)."""
    code = (
        "import dataclasses, sys; from shared.data import registry\n"
        "for n, d in list(registry.DATASETS.items()):\n"
        "    registry.DATASETS[n] = dataclasses.replace(d, url=d.url and 'http://127.0.0.1:9/x')\n"
        "from shared.cli import main; sys.exit(main(['run', 'week02', '--fast', '--out', sys.argv[1]]))"
    )
    (tmp_path / "empty").mkdir()
    env = {**os.environ, "ROADMAP_DATA_DIR": str(tmp_path / "empty")}
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "out")], capture_output=True, text=True,
                            env=env, cwd=REPO)  # fmt: skip
    assert result.returncode == 2
    assert "error: dataset 'titanic' is not in the cache" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_folder_where_a_data_file_belongs_is_named_not_reported_missing(tmp_path, monkeypatch):
    (tmp_path / "titanic" / "train.csv").mkdir(parents=True)
    monkeypatch.setenv("ROADMAP_DATA_DIR", str(tmp_path))
    assert fetch_mod.check("titanic")[0] == "not-a-file"
    with pytest.raises(DataError, match="is a folder or a special file"):
        fetch_mod.fetch("titanic")
