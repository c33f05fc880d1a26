"""Capstone 2: feature rules, the grid search, the submission writer, and predict's input checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from capstones.c2_spaceship_titanic.spaceship import engineer_features, predict_file, run
from shared.data import load_spaceship_titanic
from shared.errors import DataError
from shared.testing import assert_user_error, run_cli


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("c2")
    return out, run(out, fast=True, seed=42)


def _passengers(**overrides) -> pd.DataFrame:
    row = {
        "PassengerId": "0001_01",
        "HomePlanet": "Earth",
        "CryoSleep": True,
        "Cabin": "B/12/P",
        "Destination": "TRAPPIST-1e",
        "Age": 30.0,
        "VIP": False,
        "RoomService": np.nan,
        "FoodCourt": 0.0,
        "ShoppingMall": np.nan,
        "Spa": 0.0,
        "VRDeck": 0.0,
        "Name": "A B",
    }
    row.update(overrides)
    return pd.DataFrame([row])


def test_cabin_and_group_features():
    frame = pd.concat([_passengers(), _passengers(PassengerId="0001_02", Cabin=np.nan)], ignore_index=True)
    features = engineer_features(frame)
    assert features.loc[0, "deck"] == "B" and features.loc[0, "side"] == "P" and features.loc[0, "cabin_num"] == 12
    assert pd.isna(features.loc[1, "deck"]) and features["group_size"].tolist() == [2.0, 2.0]


def test_cryosleep_implies_no_spend_and_spending_implies_awake():
    asleep = engineer_features(_passengers())
    assert asleep.loc[0, "total_spend"] == 0 and asleep.loc[0, "no_spend"] == 1
    spender = engineer_features(_passengers(CryoSleep=np.nan, Spa=120.0))
    assert spender.loc[0, "CryoSleep"] == "False"


def test_grid_search_runs_and_beats_majority(fast_run):
    out, metrics = fast_run
    assert metrics["cv_accuracy"] >= 0.76  # fast mode: 2,000 rows; the full run must reach 0.80
    assert metrics["holdout_accuracy"] > metrics["majority_baseline"] + 0.2
    for name in ["model.skops", "model.json", "MODEL_CARD.md", "grid_search.png", "holdout_submission.csv"]:
        assert (out / name).is_file(), name


def test_submission_format_on_held_out_slice(fast_run):
    out, metrics = fast_run
    submission = pd.read_csv(out / "holdout_submission.csv")
    assert list(submission.columns) == ["PassengerId", "Transported"]
    assert len(submission) == metrics["n_holdout"] and submission["PassengerId"].is_unique
    assert set(submission["Transported"].unique()) <= {True, False}


def test_predict_any_test_csv(fast_run, tmp_path):
    out, _ = fast_run
    test = load_spaceship_titanic().drop(columns="Transported").head(25)
    test.to_csv(tmp_path / "test.csv", index=False)
    result = pd.read_csv(predict_file(out / "model.skops", tmp_path / "test.csv", tmp_path / "sub.csv"))
    assert result["PassengerId"].tolist() == test["PassengerId"].tolist()


def test_predict_rejects_duplicate_ids(fast_run, tmp_path):
    out, _ = fast_run
    test = load_spaceship_titanic().drop(columns="Transported").head(3)
    test["PassengerId"] = "0001_01"
    test.to_csv(tmp_path / "dup.csv", index=False)
    with pytest.raises(DataError, match="unique"):
        predict_file(out / "model.skops", tmp_path / "dup.csv", tmp_path / "o.csv")


def test_predict_cli_rejects_text_spend(fast_run, tmp_path):
    out, _ = fast_run
    test = load_spaceship_titanic().drop(columns="Transported").head(3).astype({"Spa": "object"})
    test.loc[test.index[0], "Spa"] = "lots"
    test.to_csv(tmp_path / "bad.csv", index=False)
    result = run_cli("capstones.c2_spaceship_titanic", "predict", str(tmp_path / "bad.csv"),
                     "--model", str(out / "model.skops"), "--output", str(tmp_path / "o.csv"))  # fmt: skip
    assert_user_error(result, "'Spa' must hold non-negative numbers")
