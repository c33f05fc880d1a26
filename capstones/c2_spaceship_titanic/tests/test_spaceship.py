"""Capstone 2: feature rules, group-aware splits, group features that training and serving agree on, and `predict`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from capstones.c2_spaceship_titanic import spaceship as sp
from capstones.c2_spaceship_titanic.cli import predict_file
from capstones.c2_spaceship_titanic.features import SpaceshipFeatures, row_features, travel_group
from capstones.c2_spaceship_titanic.inference import load_model, predict
from shared.errors import DataError
from shared.runner import run_week
from shared.templates import render
from shared.testing import assert_user_error, run_cli
from shared.weeks import find_week

TEMPLATES = Path(sp.__file__).parent / "templates"
SEED = 42


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("c2")
    summary = run_week(find_week("c2"), fast=True, seed=SEED, out_dir=out, publish_results=False)
    tables = {p.stem: pd.read_csv(p) for p in (out / "tables").glob("*.csv")}
    return out, summary["metrics"], tables


@pytest.fixture(scope="module")
def split():
    return sp.load_split(sp.FAST, SEED)


def _passengers(**overrides) -> pd.DataFrame:
    row = {
        "PassengerId": "0001_01", "HomePlanet": "Earth", "CryoSleep": True, "Cabin": "B/12/P",
        "Destination": "TRAPPIST-1e", "Age": 30.0, "VIP": False, "RoomService": np.nan, "FoodCourt": 0.0,
        "ShoppingMall": np.nan, "Spa": 0.0, "VRDeck": 0.0, "Name": "A B",
    }  # fmt: skip
    row.update(overrides)
    return pd.DataFrame([row])


# --- features ------------------------------------------------------------------------------------


def test_cabin_parts_and_position_in_group():
    features = row_features(pd.concat([_passengers(), _passengers(PassengerId="0001_02", Cabin=np.nan)]))
    assert features["deck"].iloc[0] == "B" and features["side"].iloc[0] == "P" and features["cabin_num"].iloc[0] == 12
    assert pd.isna(features["deck"].iloc[1]) and features["position_in_group"].tolist() == [1, 2]


def test_cryosleep_implies_no_spend_and_spending_implies_awake():
    asleep = row_features(_passengers())
    assert asleep["total_spend"].iloc[0] == 0 and asleep["no_spend"].iloc[0] == 1
    spender = row_features(_passengers(CryoSleep=np.nan, Spa=120.0))
    assert spender["CryoSleep"].iloc[0] == "False" and spender["total_spend"].iloc[0] == pytest.approx(np.log1p(120))


def test_group_size_comes_from_training_not_from_the_scored_file():
    train = pd.concat([_passengers(PassengerId=f"0007_0{i}") for i in (1, 2, 3)] + [_passengers(PassengerId="0008_01")])
    features = SpaceshipFeatures().fit(train)
    alone = features.transform(_passengers(PassengerId="0007_02"))  # one member of a known group of 3
    assert alone["group_size"].iloc[0] == 3 and alone["alone"].iloc[0] == 0
    new = pd.concat([_passengers(PassengerId="0009_01"), _passengers(PassengerId="0009_02")])
    assert features.transform(new)["group_size"].tolist() == [2, 2]  # a new group: measured in its file
    assert features.transform(new.iloc[[1]])["group_size"].iloc[0] == 2  # ... and at least its number `pp`
    assert "group_size" not in SpaceshipFeatures(group_features=False).fit(train).transform(new)


def test_holdout_split_keeps_every_travel_group_on_one_side(split):
    dev, holdout = split
    assert not set(travel_group(dev["PassengerId"])) & set(travel_group(holdout["PassengerId"]))
    assert len(holdout) / (len(dev) + len(holdout)) == pytest.approx(0.2, abs=0.02)
    assert holdout["Transported"].mean() == pytest.approx(dev["Transported"].mean(), abs=0.03)


# --- the fast run --------------------------------------------------------------------------------


def test_every_choice_is_compared_by_group_aware_cv(fast_run):
    out, metrics, tables = fast_run
    compared = tables["group_features"]
    assert set(compared["model"]) == {"hist gradient boosting", "xgboost"}
    assert sorted(compared["group_features"].astype(bool)) == [False, False, True, True]
    assert metrics["cv_accuracy"] == pytest.approx(compared["cv_accuracy"].max())  # the winner is the best row
    for name in ["model.skops", "model.json", "MODEL_CARD.md", "grid_search.png"]:
        assert (out / name).is_file(), name


def test_holdout_accuracy_on_unseen_groups_is_far_above_the_majority(fast_run):
    _, metrics, _ = fast_run
    assert metrics["holdout_accuracy"] >= 0.76  # fast mode: 2,000 development rows; majority class ~0.50
    assert metrics["holdout_accuracy"] > metrics["holdout_majority_baseline"] + 0.2


def test_predictions_on_held_out_rows_reproduce_the_reported_accuracy(fast_run, split):
    out, metrics, _ = fast_run
    _, holdout = split
    predicted = predict(load_model(out / "model.skops"), holdout.drop(columns="Transported"))
    accuracy = (predicted["Transported"].to_numpy() == holdout["Transported"].to_numpy(dtype=bool)).mean()
    assert accuracy == pytest.approx(metrics["holdout_accuracy"])


def test_a_prediction_does_not_depend_on_unrelated_rows_in_the_file(fast_run, split):
    model = load_model(fast_run[0] / "model.skops")
    _, holdout = split
    unlabelled = holdout.drop(columns="Transported")
    group = travel_group(unlabelled["PassengerId"])
    target = unlabelled[group == group.iloc[0]]  # one whole travel group
    alone = predict(model, target)["probability"].to_numpy()
    others = unlabelled[group != group.iloc[0]]
    for batch in (pd.concat([others.head(50), target]), pd.concat([target, others.sample(frac=1, random_state=1)])):
        inside = predict(model, batch).set_index("PassengerId").loc[target["PassengerId"], "probability"]
        assert np.array_equal(inside.to_numpy(), alone)


def test_readme_block_renders_from_the_run(fast_run):
    _, metrics, tables = fast_run
    text = render(TEMPLATES / "results.md", m=metrics, tables=tables, run={"seed": SEED, "mode": "fast"})
    assert "unseen groups" in text and metrics["best_model"] in text
    assert ("is met" in text) == (metrics["holdout_accuracy"] >= 0.815)


# --- predict -------------------------------------------------------------------------------------


def test_predict_cli_on_a_realistic_test_file(fast_run, split, tmp_path):
    _, holdout = split
    test = holdout.drop(columns="Transported")
    test.to_csv(tmp_path / "test.csv", index=False)
    result = run_cli("capstones.c2_spaceship_titanic", "predict", str(tmp_path / "test.csv"),
                     "--model", str(fast_run[0] / "model.skops"), "--output", str(tmp_path / "sub.csv"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    submission = pd.read_csv(tmp_path / "sub.csv")
    assert list(submission.columns) == ["PassengerId", "Transported"]
    assert submission["PassengerId"].tolist() == test["PassengerId"].tolist()
    assert (submission["Transported"].to_numpy() == holdout["Transported"].to_numpy(dtype=bool)).mean() >= 0.76


def test_predict_cli_rejects_text_spend_with_exit_2_and_writes_nothing(fast_run, split, tmp_path):
    test = split[1].drop(columns="Transported").head(3).astype({"Spa": "object"})
    test.iloc[0, test.columns.get_loc("Spa")] = "lots"
    test.to_csv(tmp_path / "bad.csv", index=False)
    result = run_cli("capstones.c2_spaceship_titanic", "predict", str(tmp_path / "bad.csv"),
                     "--model", str(fast_run[0] / "model.skops"), "--output", str(tmp_path / "o.csv"))  # fmt: skip
    assert_user_error(result, "'Spa' must be numeric")
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("PassengerId", "0001_01", "unique"),
        ("PassengerId", "passenger-7", "must look like 0042_01"),
        ("Age", np.inf, "'Age' must be a finite number"),
        ("FoodCourt", -5.0, "'FoodCourt' must not be negative"),
        ("CryoSleep", "maybe", "'CryoSleep' must be True, False or empty"),
    ],
)
def test_predict_rejects_input_that_would_give_a_wrong_submission(fast_run, split, column, value, message):
    test = split[1].drop(columns="Transported").head(3).astype({column: "object"})
    test.iloc[1, test.columns.get_loc(column)] = value
    if value == "0001_01":
        test.iloc[0, test.columns.get_loc(column)] = value
    with pytest.raises(DataError, match=message):
        predict(load_model(fast_run[0] / "model.skops"), test)


def test_predict_file_rejects_a_file_without_the_columns(fast_run, tmp_path):
    (tmp_path / "bad.csv").write_text("PassengerId,Age\n0001_01,30\n")
    with pytest.raises(DataError, match="missing column"):
        predict_file(fast_run[0] / "model.skops", tmp_path / "bad.csv", tmp_path / "o.csv")


def test_loader_types_the_booleans_and_accepts_an_unlabelled_file(tmp_path):
    from capstones.c2_spaceship_titanic.data import load_spaceship_titanic

    data = load_spaceship_titanic()
    assert data.shape == (8693, 14) and data["Transported"].dtype == "boolean"
    unlabelled = tmp_path / "test.csv"
    data.drop(columns="Transported").head(5).to_csv(unlabelled, index=False)
    assert "Transported" not in load_spaceship_titanic(unlabelled, labelled=False)
