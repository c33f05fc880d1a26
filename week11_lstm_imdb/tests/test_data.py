"""Length-bucketed batching and the rebuild of the mirror CSVs from a (tiny, synthetic) official archive."""

from __future__ import annotations

import gzip
import io
import tarfile

import numpy as np
import pandas as pd
import pytest

from shared.errors import DataError
from shared.testing import assert_user_error, run_cli
from week11_lstm_imdb.data import (
    build_imdb_csv,
    film_blocks,
    length_bucketed_batches,
    neighbour_overlap,
    rows_to_csv_bytes,
    validation_mask,
)


def test_training_batches_cover_every_review_once_with_little_padding():
    lengths = np.random.default_rng(0).integers(10, 500, size=1000)
    batches = length_bucketed_batches(lengths, 32, np.random.default_rng(1))
    assert sorted(np.concatenate(batches).tolist()) == list(range(1000))
    padded = sum(len(b) * lengths[b].max() for b in batches)
    assert padded / lengths.sum() < 1.1  # random batches would pad to ~1.6x


def test_training_batches_change_between_epochs_and_eval_batches_have_one_length():
    lengths = np.arange(100)[::-1]
    rng = np.random.default_rng(0)
    first, second = length_bucketed_batches(lengths, 10, rng, pool=2), length_bucketed_batches(lengths, 10, rng, pool=2)
    assert [b.tolist() for b in first] != [b.tolist() for b in second]
    mixed = np.array([5, 3, 5, 5, 3, 7])
    eval_batches = length_bucketed_batches(mixed, 2)
    assert all(len(set(mixed[b])) == 1 for b in eval_batches)  # equal lengths only: no padding at prediction
    assert sorted(np.concatenate(eval_batches).tolist()) == list(range(6))


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
    result = run_cli("week11_lstm_imdb.data", "build-imdb-csv", str(tmp_path / "aclImdb_v1.tar.gz"),
                     "--out", str(tmp_path / "out"))  # fmt: skip
    assert_user_error(result, "not a readable aclImdb_v1.tar.gz")


def _frame(files: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"file": files, "label": [int("/pos/" in f) for f in files], "review": ["x"] * len(files)})


def test_film_blocks_group_consecutive_review_numbers_per_polarity():
    blocks = film_blocks(pd.Series(["train/pos/0_9.txt", "train/pos/99_8.txt", "train/pos/100_7.txt",
                                    "train/neg/5_1.txt"]))  # fmt: skip
    assert blocks.tolist() == ["pos/0", "pos/0", "pos/1", "neg/0"]


def test_validation_holds_out_whole_blocks_balanced_by_polarity():
    files = [f"train/{pol}/{i}_5.txt" for pol in ("pos", "neg") for i in range(1000)]
    frame = _frame(files)
    is_val = validation_mask(frame, 0.2, seed=0)
    blocks = film_blocks(frame["file"])
    assert set(blocks[is_val]).isdisjoint(set(blocks[~is_val]))  # no block on both sides
    assert is_val.sum() == 400 and frame["label"][is_val].mean() == 0.5
    random = validation_mask(frame, 0.2, seed=0, block=None)
    assert not set(blocks[random]).isdisjoint(set(blocks[~random]))  # a random split mixes blocks


def test_neighbour_overlap_sees_shared_rare_words_between_adjacent_reviews():
    files = [f"train/pos/{i}_9.txt" for i in range(40)]
    tokens = [[f"name{i // 4}", "film", "good"] for i in range(40)]  # a "film" every 4 reviews, with its own name
    table = neighbour_overlap(_frame(files), tokens, distances=(1, 10))
    near, far = table["rare-word overlap"]
    assert near > 0.5 and far == 0.0
