"""Week 7: no test-time leakage, nested CV of the whole selection, held-out accuracy, and `predict`'s input rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from shared.data import load_titanic
from shared.errors import DataError
from shared.runner import run_week
from shared.sklearn_io import OutOfRangeWarning
from shared.templates import render
from shared.testing import assert_user_error, run_cli
from shared.weeks import find_week
from week07_titanic_tuned import titanic_tuned as tt
from week07_titanic_tuned.cli import predict_file
from week07_titanic_tuned.inference import load_model, predict
from week07_titanic_tuned.pipeline import INPUT_COLUMNS, TitanicCleaner

TEMPLATES = Path(tt.__file__).parent / "templates"
SEED = 42


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory):
    """The fast run through the runner (so the model card template is rendered too), plus its tables."""
    out = tmp_path_factory.mktemp("week07")
    summary = run_week(find_week("week07"), fast=True, seed=SEED, out_dir=out, publish_results=False)
    tables = {p.stem: pd.read_csv(p) for p in (out / "tables").glob("*.csv")}
    return out, summary["metrics"], tables


@pytest.fixture(scope="module")
def held_out():
    """The test split of the fast run: passengers the saved model never trained on."""
    _, X_test, _, y_test = tt.load_split(tt.FAST, SEED)
    return X_test, y_test


# --- pure pieces ---------------------------------------------------------------------------------


def test_cleaner_keeps_every_fitted_statistic():
    data = load_titanic()[INPUT_COLUMNS]
    train, scored = data.iloc[:600], data.iloc[600:].copy()
    cleaner = TitanicCleaner().fit(train)
    scored["Fare"] = np.nan  # a file with no fares at all: nothing to take a median of
    features = cleaner.transform(scored)
    expected = scored["Pclass"].map(train.groupby("Pclass")["Fare"].median())
    assert np.allclose(features["Fare"].to_numpy(), expected.to_numpy())  # the training medians, per class
    refit = TitanicCleaner().fit(data)
    assert not np.allclose(cleaner.age_values_, refit.age_values_)  # other rows, other medians


def test_paired_gain_is_the_accuracy_difference_with_a_paired_interval():
    y = np.zeros(200, dtype=int)
    better = np.where(np.arange(200) < 20, 1, 0)  # wrong on 20 rows
    worse = np.where(np.arange(200) < 40, 1, 0)  # wrong on 40 rows, including those 20
    frame = pd.DataFrame({"y": y, "a": better, "b": worse})
    gain, low, high = tt.paired_gain(frame, "a", "b")
    assert gain == pytest.approx(0.10) and 0 < low < gain < high
    assert tt.paired_gain(frame, "a", "a") == (0.0, 0.0, 0.0)


def test_compare_counts_out_of_fold_predictions():
    frame = pd.DataFrame({"fold": [1, 1, 2, 2], "y": [1, 0, 1, 0], "m": [1, 0, 0, 0]})
    row = tt.compare(frame).iloc[0]
    assert row["method"] == "m" and row["accuracy"] == 0.75 and row["ci_low"] < 0.75 < row["ci_high"]


# --- the fast run --------------------------------------------------------------------------------


def test_nested_cv_reruns_the_whole_selection_in_every_outer_fold(fast_run):
    out, metrics, tables = fast_run
    folds = tables["outer_folds"]
    assert list(folds["fold"]) == list(range(1, tt.FAST.outer_folds + 1))
    assert set(folds["winner"]) <= set(tables["searches"]["search"])  # any of the three families may win
    assert tables["winners"]["folds_won"].sum() == tt.FAST.outer_folds
    methods = set(tables["nested_cv"]["method"])
    assert {tt.SHIPPED, "logistic regression (untuned)", "xgboost (defaults)", "women survive"} == methods
    # The pooled estimate is the fold accuracies weighted by fold size (every dev row scored exactly once).
    assert metrics["nested_cv_accuracy"] == pytest.approx(folds["outer_accuracy"].mean(), abs=0.002)
    for name in ["model.skops", "model.json", "MODEL_CARD.md", "search_results.png", "nested_cv.png"]:
        assert (out / name).is_file(), name


def test_held_out_accuracy_is_well_above_the_baselines(fast_run):
    _, metrics, _ = fast_run
    assert metrics["nested_cv_accuracy"] >= 0.78  # majority class: 0.62, "women survive": 0.79
    assert metrics["test_accuracy"] >= 0.76
    assert metrics["test_accuracy_ci_low"] < metrics["test_accuracy"] < metrics["test_accuracy_ci_high"]


def test_readme_block_renders_from_the_run(fast_run):
    _, metrics, tables = fast_run
    text = render(TEMPLATES / "results.md", m=metrics, tables=tables, run={"seed": SEED, "mode": "fast"})
    assert "nested CV" in text and metrics["best_model"] in text
    verdict = "untuned logistic regression wins" if metrics["gain_vs_lr"] < 0 else "the tuned procedure wins"
    assert verdict in text


# --- the saved model and predict -----------------------------------------------------------------


def test_predictions_on_held_out_rows_reproduce_the_reported_test_accuracy(fast_run, held_out):
    out, metrics, _ = fast_run
    X_test, y_test = held_out
    predicted = predict(load_model(out / "model.skops"), X_test)
    assert (predicted["Survived"].to_numpy() == y_test.to_numpy()).mean() == pytest.approx(metrics["test_accuracy"])


def test_a_passengers_prediction_does_not_depend_on_the_rest_of_the_batch(fast_run, held_out):
    out, _, _ = fast_run
    model = load_model(out / "model.skops")
    X_test, _ = held_out
    target = X_test.head(1).assign(Fare=np.nan, Age=np.nan, Embarked=pd.NA)  # every gap the cleaner fills
    alone = predict(model, target)["probability"].iloc[0]
    first_class = X_test[X_test["Pclass"] == 1].head(10)
    third_class = X_test[X_test["Pclass"] == 3].assign(Fare=np.nan).head(30)
    for others in (first_class, third_class, X_test.iloc[1:]):
        batch = pd.concat([others.iloc[:3], target, others.iloc[3:]])
        assert predict(model, batch)["probability"].iloc[3] == alone


def test_predict_cli_on_a_realistic_unlabelled_file(fast_run, held_out, tmp_path):
    out, _, _ = fast_run
    X_test, y_test = held_out
    frame = X_test.copy()
    rng = np.random.default_rng(0)
    for column, share in [("Age", 0.3), ("Fare", 0.05), ("Embarked", 0.05), ("Cabin", 0.8)]:
        frame.loc[rng.random(len(frame)) < share, column] = None  # the gaps of Kaggle's test.csv, and more
    frame.to_csv(tmp_path / "test.csv", index=False)
    result = run_cli("week07_titanic_tuned", "predict", str(tmp_path / "test.csv"), "--model", str(out / "model.skops"),
                     "--output", str(tmp_path / "submission.csv"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    submission = pd.read_csv(tmp_path / "submission.csv")
    assert list(submission.columns) == ["PassengerId", "Survived"]
    assert submission["PassengerId"].tolist() == X_test["PassengerId"].tolist()
    assert (submission["Survived"].to_numpy() == y_test.to_numpy()).mean() >= 0.74  # still well above 0.62


@pytest.mark.parametrize("value", ["inf", "1e309", "-inf"])
def test_predict_rejects_non_finite_numbers_naming_the_column(fast_run, held_out, tmp_path, value):
    frame = held_out[0].head(3).astype({"Fare": "object"})
    frame.iloc[1, frame.columns.get_loc("Fare")] = value
    with pytest.raises(DataError, match="column 'Fare' must be a finite number; row 2"):
        predict(load_model(fast_run[0] / "model.skops"), frame)


def test_predict_cli_refuses_bad_input_with_exit_2_and_writes_nothing(fast_run, held_out, tmp_path):
    frame = held_out[0].head(3).astype({"Age": "object"})
    frame.iloc[0, frame.columns.get_loc("Age")] = "1e309"  # parses as inf
    frame.to_csv(tmp_path / "bad.csv", index=False)
    result = run_cli("week07_titanic_tuned", "predict", str(tmp_path / "bad.csv"), "--model",
                     str(fast_run[0] / "model.skops"), "--output", str(tmp_path / "o.csv"))  # fmt: skip
    assert_user_error(result, "'Age'", "finite")
    assert not (tmp_path / "o.csv").exists()


def test_predict_warns_but_answers_far_outside_the_training_range(fast_run, held_out):
    frame = held_out[0].head(2).assign(Age=[30.0, 250.0])
    with pytest.warns(OutOfRangeWarning, match="'Age'"):
        predicted = predict(load_model(fast_run[0] / "model.skops"), frame)
    assert len(predicted) == 2


def test_predict_rejects_unknown_sex_and_class(fast_run, held_out):
    model = load_model(fast_run[0] / "model.skops")
    frame = held_out[0].head(3)
    with pytest.raises(DataError, match="'Sex' must be"):
        predict(model, frame.astype({"Sex": "string"}).assign(Sex=["male", "unknown", "female"]))
    with pytest.raises(DataError, match="'Pclass' must be 1, 2 or 3"):
        predict(model, frame.assign(Pclass=[1, 4, 2]))


def test_predict_file_rejects_a_file_without_the_columns(fast_run, tmp_path):
    (tmp_path / "bad.csv").write_text("PassengerId,Name\n1,Smith\n")
    with pytest.raises(DataError, match="missing column"):
        predict_file(fast_run[0] / "model.skops", tmp_path / "bad.csv", tmp_path / "o.csv")
