"""Week 7: the grid search completes, week 2's rules are reused (not copied), estimates beat the baselines."""

from __future__ import annotations

import pandas as pd
import pytest

from shared.data import load_titanic
from shared.errors import DataError
from shared.sklearn_io import load_model
from shared.testing import assert_user_error, run_cli
from week07_titanic_tuned.titanic_tuned import INPUT_COLUMNS, TRUSTED, TitanicCleaner, predict_file, run


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("week07")
    return out, run(out, fast=True, seed=42)


def test_grid_search_completes(fast_run):
    out, metrics = fast_run
    assert metrics["best_params_random_forest_grid"] and metrics["best_params_xgboost_grid"]
    for name in ["model.skops", "model.json", "MODEL_CARD.md", "search_results.png", "feature_importance.png"]:
        assert (out / name).is_file(), name


def test_estimates_beat_baselines(fast_run):
    _, metrics = fast_run
    assert metrics["nested_cv_accuracy"] >= 0.78
    assert metrics["test_accuracy"] > metrics["majority_baseline"] + 0.1
    assert 0 < metrics["test_f1"] <= 1


def test_nested_estimate_not_above_best_grid_score_by_much(fast_run):
    # The best grid score is a maximum over candidates, so it should not sit far below the nested estimate.
    _, metrics = fast_run
    assert metrics["nested_cv_accuracy"] <= metrics["best_cv_accuracy"] + 0.03


def test_cleaner_learns_on_training_rows_only():
    data = load_titanic()
    train, other = data.iloc[:400], data.iloc[400:]
    cleaner = TitanicCleaner().fit(train[INPUT_COLUMNS])
    refit = TitanicCleaner().fit(data[INPUT_COLUMNS])
    assert not (cleaner.age_values_ == refit.age_values_).all()  # different rows, different medians
    features = cleaner.transform(other[INPUT_COLUMNS])
    assert len(features) == len(other) and features["Age"].notna().all()


def test_saved_model_loads_with_its_trusted_class(fast_run):
    out, _ = fast_run
    model = load_model(out / "model.skops", extra_trusted=TRUSTED)
    assert set(model.predict(load_titanic()[INPUT_COLUMNS].head(5))) <= {0, 1}


def test_predict_writes_kaggle_format(fast_run, tmp_path):
    out, _ = fast_run
    load_titanic()[INPUT_COLUMNS].head(10).to_csv(tmp_path / "test.csv", index=False)
    result = pd.read_csv(predict_file(out / "model.skops", tmp_path / "test.csv", tmp_path / "sub.csv"))
    assert list(result.columns) == ["PassengerId", "Survived"] and len(result) == 10


def test_predict_rejects_unknown_sex(fast_run, tmp_path):
    out, _ = fast_run
    frame = load_titanic()[INPUT_COLUMNS].head(3).astype({"Sex": "string"})
    frame.loc[1, "Sex"] = "unknown"
    frame.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(DataError, match="Sex must be"):
        predict_file(out / "model.skops", tmp_path / "bad.csv", tmp_path / "o.csv")


def test_predict_cli_rejects_malformed_csv(fast_run, tmp_path):
    out, _ = fast_run
    (tmp_path / "bad.csv").write_text("PassengerId,Name\n1,Smith\n")
    result = run_cli("week07_titanic_tuned", "predict", str(tmp_path / "bad.csv"), "--model", str(out / "model.skops"),
                     "--output", str(tmp_path / "o.csv"))  # fmt: skip
    assert_user_error(result, "missing column")
