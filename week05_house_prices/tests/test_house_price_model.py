"""Week 5: the lesson's pieces, a fast run that beats the baseline, a model that behaves, and predict's input rules."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import r2_score, root_mean_squared_error

from shared.errors import DataError
from shared.model_card import render_model_card
from shared.templates import render
from shared.testing import assert_user_error, run_cli
from week05_house_prices import house_price_model as hp
from week05_house_prices.cli import predict_file
from week05_house_prices.inference import OutOfRangeWarning, check_features, load_model, predict

TEMPLATES = Path(hp.__file__).parent / "templates"
DISTRICT = [8.3, 41, 7.0, 1.0, 322, 2.5, 37.88, -122.23]  # a real district from the data (Berkeley hills)


# --- pure functions ------------------------------------------------------------------------------


def test_metrics_match_scikit_learn():
    rng = np.random.default_rng(0)
    y, pred = rng.normal(size=200), rng.normal(size=200)
    assert hp.rmse(y, pred) == pytest.approx(root_mean_squared_error(y, pred))
    assert hp.r2(y, pred) == pytest.approx(r2_score(y, pred))


def test_bootstrap_interval_narrows_with_more_rows():
    rng = np.random.default_rng(0)
    widths = []
    for n in (100, 2500):
        y = rng.normal(size=n)
        low, high = hp.bootstrap_ci(hp.rmse, y, y + rng.normal(scale=0.5, size=n), resamples=500, seed=0)
        assert low < 0.5 < high  # the true RMSE of N(0, 0.5) noise
        widths.append(high - low)
    assert widths[1] < widths[0] / 3  # ~1/√n: 5x more precise with 25x the rows


def test_choose_model_ignores_the_baseline():
    cv = pd.DataFrame({"model": [hp.BASELINE, "a", "b"], "cv_rmse_mean": [0.1, 0.7, 0.5]})
    assert hp.choose_model(cv) == "b"


def test_error_by_region_drops_small_cells():
    X = pd.DataFrame({"Latitude": [34.1] * 40 + [40.5] * 5, "Longitude": [-118.2] * 40 + [-124.1] * 5})
    table = hp.error_by_region(X, pd.Series(np.ones(45)), np.full(45, 1.5), min_rows=30)
    assert len(table) == 1 and table["bias"].iloc[0] == pytest.approx(0.5) and table["n"].iloc[0] == 40


# --- the fast run and its model ------------------------------------------------------------------


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("week05")
    return out, hp.run(out, fast=True, seed=42)


@pytest.fixture(scope="module")
def held_out():
    """The test split of the fast run, rebuilt the way run() builds it."""
    X, y = hp.load_data(hp.FAST.n_rows, 42)
    _, X_test, _, y_test = hp.split(X, y, hp.FAST, 42)
    return X_test, y_test


def test_run_writes_model_figures_and_sidecar(fast_run):
    out, result = fast_run
    assert {p.name for p in result.figures} <= {p.name for p in out.glob("*.png")} and len(result.figures) == 4
    sidecar = json.loads((out / "model.json").read_text())
    assert sidecar["input_columns"] == hp.FEATURES
    assert set(sidecar["training_range"]) == set(hp.FEATURES)
    assert sidecar["training_range"]["MedInc"][0] < sidecar["training_range"]["MedInc"][1]


def test_beats_the_baseline_and_linear_regression(fast_run):
    _, result = fast_run
    m = result.metrics
    # Full mode (16k training rows) must reach <= 0.55; fast mode (3.2k rows) a looser 0.60.
    assert m["test_rmse"] < 0.60 and m["test_r2"] > 0.7
    assert m["rmse_vs_baseline_ci_high"] < 0.6  # the whole interval, not only the point, clears the bar
    assert m["best_cv_rmse"] < m["linear_cv_rmse"] - 0.1
    assert m["best_model"].startswith("gradient boosting")


def test_held_out_predictions_reproduce_the_reported_rmse(fast_run, held_out):
    out, result = fast_run
    X_test, y_test = held_out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutOfRangeWarning)  # the heavy tails of the test rows
        pred = predict(load_model(out / "model.skops"), X_test)
    assert hp.rmse(y_test.to_numpy(), pred) == pytest.approx(result.metrics["test_rmse"], rel=1e-6)


def test_predictions_do_not_depend_on_the_batch(fast_run, held_out):
    out, _ = fast_run
    model = load_model(out / "model.skops")
    rows = held_out[0].iloc[:20]
    together = predict(model, rows)
    alone = np.concatenate([predict(model, rows.iloc[[i]]) for i in range(len(rows))])
    reversed_ = predict(model, rows.iloc[::-1])[::-1]
    np.testing.assert_allclose(alone, together, rtol=1e-6)
    np.testing.assert_allclose(reversed_, together, rtol=1e-6)


@pytest.mark.parametrize(("column", "share_up"), [("MedInc", 0.95), ("AveRooms", 0.75)])
def test_more_income_or_rooms_means_a_higher_price(fast_run, held_out, column, share_up):
    """Direction: the same held-out districts, moved from the 10th to the 90th percentile of one feature."""
    out, _ = fast_run
    model = load_model(out / "model.skops")
    X_test = held_out[0]
    low, high = X_test[column].quantile([0.1, 0.9])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutOfRangeWarning)
        up = predict(model, X_test.assign(**{column: high})) - predict(model, X_test.assign(**{column: low}))
    assert up.mean() > 0.1 and (up > 0).mean() >= share_up


def test_templates_render_from_the_result(fast_run, tmp_path):
    _, result = fast_run
    context = {"m": result.metrics, "tables": result.tables, "run": {"seed": 42, "mode": "fast", "hardware": "test"}}
    block = render(TEMPLATES / "results.md", **context)
    assert f"**{result.metrics['best_model']}**" in block and "95% CI" in block
    card = render_model_card(TEMPLATES / "MODEL_CARD.md", tmp_path / "MODEL_CARD.md", **context).read_text()
    assert "Not for pricing" in card and f"{result.metrics['n_regions']} cells" in card


# --- predict: what it refuses and what it warns about --------------------------------------------


def _csv(tmp_path, rows, name="in.csv") -> Path:
    path = tmp_path / name
    pd.DataFrame(rows, columns=hp.FEATURES).to_csv(path, index=False)
    return path


def _predict_cli(fast_run, tmp_path, csv: Path):
    out, _ = fast_run
    return run_cli("week05_house_prices", "predict", str(csv), "--model", str(out / "model.skops"),
                   "--output", str(tmp_path / "prices.csv"))  # fmt: skip


def test_check_inputs_names_the_missing_column():
    with pytest.raises(DataError, match="missing column"):
        check_features(pd.DataFrame({"MedInc": [1.0]}), hp.FEATURES)


@pytest.mark.parametrize("value", ["inf", "-inf", "1e309", "NaN"])
def test_non_finite_values_are_refused_with_the_column_named(value):
    frame = pd.DataFrame([DISTRICT, DISTRICT], columns=hp.FEATURES).astype(object)
    frame.loc[1, "AveRooms"] = value
    with pytest.raises(DataError, match="'AveRooms'.*row 2"):
        check_features(frame, hp.FEATURES)


def test_predict_file_rejects_text_in_numeric_column(fast_run, tmp_path):
    out, _ = fast_run
    rows = pd.DataFrame([DISTRICT], columns=hp.FEATURES).astype(object)
    rows.loc[0, "HouseAge"] = "old"
    rows.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(DataError, match="'HouseAge' must be numeric"):
        predict_file(out / "model.skops", tmp_path / "bad.csv", tmp_path / "prices.csv")


def test_predict_cli_rejects_infinity_with_exit_2(fast_run, tmp_path):
    rows = pd.DataFrame([DISTRICT], columns=hp.FEATURES).astype(object)
    rows.loc[0, "MedInc"] = "1e309"
    rows.to_csv(tmp_path / "bad.csv", index=False)
    assert_user_error(_predict_cli(fast_run, tmp_path, tmp_path / "bad.csv"), "'MedInc' must be a finite number")
    assert not (tmp_path / "prices.csv").exists()


def test_predict_cli_warns_but_predicts_far_outside_the_training_range(fast_run, tmp_path):
    far = DISTRICT.copy()
    far[hp.FEATURES.index("MedInc")] = 500.0  # median income $5 million: never seen in training
    result = _predict_cli(fast_run, tmp_path, _csv(tmp_path, [DISTRICT, far]))
    assert result.returncode == 0, result.stderr
    assert "warning: column 'MedInc': row(s) 2 lie far outside the training range" in result.stderr
    assert "row(s) 1" not in result.stderr and "Traceback" not in result.stderr
    prices = pd.read_csv(tmp_path / "prices.csv")["predicted_MedHouseVal"]
    assert len(prices) == 2 and 3.0 < prices.iloc[0] < 5.5  # a $450k+ district in the Berkeley hills


# --- the standing guard (issue 13): whatever the user passes, exit 0 or 2, never a traceback ---------


@pytest.fixture(scope="module")
def hostile_paths(tmp_path_factory, fast_run):
    root = tmp_path_factory.mktemp("hostile")
    (root / "folder").mkdir()
    good = _csv(root, [DISTRICT], "good.csv")
    (root / "garbage.csv").write_bytes(b"\xff\xfe\x00garbage,\n\x00\x01")
    (root / "header-only.csv").write_text(",".join(hp.FEATURES) + "\n")
    (root / "fake.skops").write_text("not a model")
    (root / "dangling").symlink_to(root / "nowhere")
    inputs = [str(good), str(root / "garbage.csv"), str(root / "header-only.csv"), str(root / "folder"),
              str(root / "missing.csv"), str(root / "dangling"), str(fast_run[0] / "model.json"), ""]  # fmt: skip
    models = [str(fast_run[0] / "model.skops"), str(root / "fake.skops"), str(root / "folder"), str(good), ""]
    outputs = [str(root / "out.csv"), str(root / "folder"), str(root / "new" / "deeper" / "out.csv")]
    return inputs, models, outputs


def test_predict_command_guard(hostile_paths):
    from hypothesis import strategies as st

    from shared.cli import week_main
    from shared.testing import assert_cli_guard
    from week05_house_prices.cli import add_commands

    inputs, models, outputs = hostile_paths
    argvs = st.tuples(st.sampled_from(inputs), st.sampled_from(models), st.sampled_from(outputs), st.booleans()).map(
        lambda a: ["predict", a[0], "--model", a[1], "--output", a[2]] + (["--bogus"] if a[3] else [])
    )
    assert_cli_guard(lambda argv: week_main("week05", argv, add_commands=add_commands), argvs)
