"""Length-bucketed batching and the rebuild of the mirror CSVs from a (tiny, synthetic) official archive."""

from __future__ import annotations

import gzip
import io
import subprocess
import sys
import tarfile

import numpy as np
import pandas as pd
import pytest

from shared.errors import DataError
from week11_lstm_imdb.data import build_imdb_csv, length_bucketed_batches, rows_to_csv_bytes


def test_training_batches_cover_every_review_once_with_little_padding():
    lengths = np.random.default_rng(0).integers(10, 500, size=1000)
    batches = length_bucketed_batches(lengths, 32, np.random.default_rng(1))
    assert sorted(np.concatenate(batches).tolist()) == list(range(1000))
    padded = sum(len(b) * lengths[b].max() for b in batches)
    assert padded / lengths.sum() < 1.1  # random batches would pad to ~1.6x


def test_training_batches_change_between_epochs_and_eval_batches_are_sorted():
    lengths = np.arange(100)[::-1]
    rng = np.random.default_rng(0)
    first, second = length_bucketed_batches(lengths, 10, rng, pool=2), length_bucketed_batches(lengths, 10, rng, pool=2)
    assert [b.tolist() for b in first] != [b.tolist() for b in second]
    ordered = np.concatenate(length_bucketed_batches(lengths, 10))
    assert np.all(np.diff(lengths[ordered]) >= 0)


def _tar(path, files: dict[str, str]) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, text in files.items():
            data = text.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_build_imdb_csv_matches_the_mirror_format(tmp_path):
    reviews = {
        "aclImdb/train/pos/10_9.txt": 'Loved it, "truly".<br />Yes',
        "aclImdb/train/pos/2_7.txt": "Fine film",
        "aclImdb/train/neg/0_1.txt": "Dull, dull\nand long",
        "aclImdb/train/unsup/0_0.txt": "no label: skipped",
        "aclImdb/test/neg/3_4.txt": "Meh — café",
        "aclImdb/test/pos/1_10.txt": "Great",
        "aclImdb/README": "not a review",
    }
    _tar(tmp_path / "aclImdb_v1.tar.gz", reviews)
    paths = build_imdb_csv(tmp_path / "aclImdb_v1.tar.gz", tmp_path / "out")
    raw = paths["train"].read_bytes()
    assert raw[4:8] == b"\0\0\0\0"  # gzip -n: no time stamp, so the same input gives the same bytes
    text = gzip.decompress(raw).decode("utf-8")
    assert text == (
        "review,sentiment,rating,file\n"
        '"Dull, dull\nand long",negative,1,train/neg/0_1.txt\n'
        "Fine film,positive,7,train/pos/2_7.txt\n"  # neg first, then pos by NUMERIC id: 2 before 10
        '"Loved it, ""truly"".<br />Yes",positive,9,train/pos/10_9.txt\n'
    )
    test = pd.read_csv(paths["test"], keep_default_na=False)
    assert test["file"].tolist() == ["test/neg/3_4.txt", "test/pos/1_10.txt"]
    assert test["review"][0] == "Meh — café"


def test_csv_bytes_use_minimal_quoting_and_lf():
    row = {"review": "plain", "sentiment": "positive", "rating": 8, "file": "train/pos/0_8.txt"}
    assert rows_to_csv_bytes([row]) == b"review,sentiment,rating,file\nplain,positive,8,train/pos/0_8.txt\n"


def test_build_imdb_csv_rejects_a_tar_without_reviews(tmp_path):
    _tar(tmp_path / "other.tar.gz", {"something/else.txt": "x"})
    with pytest.raises(DataError, match="no aclImdb"):
        build_imdb_csv(tmp_path / "other.tar.gz", tmp_path / "out")


def test_build_imdb_csv_cli_gives_a_clear_error_for_a_corrupt_archive(tmp_path):
    (tmp_path / "aclImdb_v1.tar.gz").write_bytes(b"not a tar at all")
    result = subprocess.run(
        [sys.executable, "-m", "week11_lstm_imdb.data", "build-imdb-csv", str(tmp_path / "aclImdb_v1.tar.gz"),
         "--out", str(tmp_path / "out")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 2
    assert "not a readable aclImdb_v1.tar.gz" in result.stderr and "Traceback" not in result.stderr
