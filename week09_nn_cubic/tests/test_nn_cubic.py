"""Week 9: the loop's pieces, the honest 10% criterion, a fast run whose saved network behaves, and `predict`."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
import torch

from shared.errors import DataError, RoadmapError
from shared.runner import run_week
from shared.templates import render
from shared.testing import assert_user_error, run_cli
from shared.threads import torch_threads
from shared.weeks import find_week
from week09_nn_cubic import nn_cubic as nc
from week09_nn_cubic.inference import OutOfRangeWarning, load_model, predict

TINY = nc.Config(n_train=200, n_val=100, n_test=401, batch_size=50)  # small enough for unit tests


@pytest.fixture(autouse=True)
def one_thread():
    """As in `run()`: a tiny network trains many times faster on one thread of a busy 2-core CPU."""
    with torch_threads(1):
        yield


# --- pure functions ---------------------------------------------------------------------------------


def test_data_covers_the_range_and_follows_x_cubed():
    x, y = nc.make_data(2000, torch.Generator().manual_seed(0))
    assert x.shape == y.shape == (2000, 1)
    assert x.min() >= -2 and x.max() <= 2 and x.min() < -1.9 and x.max() > 1.9
    assert torch.allclose(y, x**3)


def test_within_10_percent_is_relative_above_0_1_and_absolute_below():
    y = np.array([8.0, -2.0, 0.2, 0.05, 0.0])
    pred = np.array([8.7, -2.3, 0.215, 0.059, -0.011])
    e = nc.errors(pred, y)
    assert e["rel_error"].iloc[:3].tolist() == pytest.approx([0.0875, 0.15, 0.075])
    assert e["rel_error"].iloc[3:].isna().all()  # meaningless where |y| < 0.1
    assert e["within_10pct"].tolist() == [True, False, True, True, False]  # 0.009 ≤ 0.01 < 0.011
    # The earlier reading forgives an absolute 0.1 wherever |y| < 1: 0.015 at y = 0.2 counts as 1.5%.
    assert nc.floored_error(pred[2:3], y[2:3]) == pytest.approx(0.015)


def test_error_bands_partition_the_grid():
    x, y = nc.make_test_grid(4001)
    y = y.squeeze(1).double().numpy()
    table = nc.error_table(nc.errors(y + 0.001, y))
    assert table["points"].sum() == 4001
    assert np.isnan(table["max_rel_error"].iloc[0]) and table["max_rel_error"].iloc[1] == pytest.approx(0.01, rel=0.01)


def test_seed_interval_is_the_student_t_interval():
    low, high = nc.mean_ci(pd.Series([5.0, 6.0, 7.0]))
    assert (low, high) == pytest.approx((6 - 2.4841, 6 + 2.4841), abs=1e-3)  # t(0.975, 2) = 4.303, /√3
    assert nc.mean_ci(pd.Series([0.01, 0.2]))[0] == 0.0  # an error cannot be negative: the interval stops at 0


def test_the_loop_learns_and_a_loop_that_never_steps_does_not():
    data = nc.make_splits(TINY, seed=0)
    model = nc.new_mlp(TINY, seed=0)
    history = nc.fit(model, data, optimiser="adam", lr=1e-2, epochs=40, batch_size=50, seed=0)
    assert history["val_mse"].iloc[-1] < history["val_mse"].iloc[0] / 10
    frozen = nc.new_mlp(TINY, seed=0)
    history = nc.fit(frozen, data, optimiser="sgd", lr=0.0, epochs=3, batch_size=50, seed=0)
    assert history["val_mse"].iloc[-1] == pytest.approx(history["val_mse"].iloc[0])


def test_recipe_is_chosen_on_validation():
    cfg = nc.Config(**{**TINY.__dict__, "learning_rates": (1e-6, 1e-2), "epoch_options": (40,)})
    table, model, history = nc.choose_recipe(cfg, nc.make_splits(cfg, seed=0), seed=0)
    assert table.loc[table["chosen"], "lr"].item() == 1e-2  # 1e-6 barely moves the weights
    assert history["val_mse"].iloc[-1] == table["val_mse"].min()


def test_each_optimiser_gets_its_best_learning_rate():
    cfg = nc.Config(**{**TINY.__dict__, "compare_lrs": (1e-5, 1e-2), "compare_epochs": 20})
    table, curves = nc.compare_optimisers(cfg, nc.make_splits(cfg, seed=0), seed=0)
    assert table["chosen"].sum() == 3 and set(curves) == {"sgd", "momentum", "adam"}
    assert set(table.loc[table["chosen"], "lr"]) == {1e-2}


# --- the fast run and its saved network -------------------------------------------------------------


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("week09")
    with torch_threads(2):
        result = run_week(find_week("week09"), fast=True, seed=42, out_dir=out)
        assert torch.get_num_threads() == 2  # run() sets one thread for itself and undoes it afterwards
    return out, result["metrics"]


def test_fast_run_predicts_within_10_percent_and_a_straight_line_does_not(fast_run):
    _, m = fast_run
    assert m["model_max_rel_error"] <= 0.10 and m["model_share_within_10pct"] == 1.0
    assert m["linear_max_rel_error"] > 1.0 and m["linear_share_within_10pct"] < 0.2
    assert m["test_mse"] < m["linear_test_mse"] / 1000


def test_saved_network_reproduces_the_reported_error(fast_run):
    out, m = fast_run
    model = load_model(out / "model.safetensors")
    x, y = nc.make_test_grid(m["n_test"])
    point_errors = nc.errors(predict(model, x), y.squeeze(1).double().numpy())
    assert point_errors["rel_error"].max() == pytest.approx(m["model_max_rel_error"], rel=1e-6)
    assert json.loads((out / "model.json").read_text())["config"] == {"hidden": 64}


def test_network_is_increasing_like_x_cubed_and_batch_independent(fast_run):
    model = load_model(fast_run[0] / "model.safetensors")
    grid = np.linspace(-2, 2, 401)
    values = predict(model, grid)
    steep = np.abs(grid[1:]) >= 0.3  # near 0 the slope of x³ is ~0 and a wiggle of 1e-4 is allowed
    assert (np.diff(values)[steep] > 0).all() and values[0] < -7 and values[-1] > 7
    assert predict(model, [0.5])[0] == pytest.approx(values[250], abs=1e-5)
    assert predict(model, [0.5, -1.7, 2.0])[0] == pytest.approx(predict(model, [0.5])[0], abs=1e-6)


def test_network_flattens_outside_the_data_and_predict_warns(fast_run):
    _, m = fast_run
    assert 8 < m["pred_at_3"] < 20  # keeps rising a little past x = 2 (y = 8), then saturates far below 27
    model = load_model(fast_run[0] / "model.safetensors")
    with pytest.warns(OutOfRangeWarning, match="outside the training range"):
        predict(model, [1.0, 3.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        predict(model, [-2.0, 2.0])  # the edges are inside


@pytest.mark.parametrize("bad", [["a"], [float("nan")], [], 5, "1.0", [True]])
def test_predict_refuses_what_is_not_a_list_of_finite_numbers(fast_run, bad):
    model = load_model(fast_run[0] / "model.safetensors")
    with pytest.raises(DataError):
        predict(model, bad)


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(RoadmapError, match="no trained model"):
        load_model(tmp_path / "model.safetensors")


def test_templates_render_from_the_run(fast_run):
    out, m = fast_run
    tables = {p.stem: pd.read_csv(p) for p in (out / "tables").glob("*.csv")}
    text = render(nc.Path(nc.__file__).parent / "templates" / "results.md", m=m, tables=tables,
                  run={"seed": 42, "mode": "fast", "hardware": "test", "wall_time_s": 1.0})  # fmt: skip
    assert "Curriculum target ≤ 10%" in text and "| 42 |" in text
    assert (out / "MODEL_CARD.md").is_file()
    assert {p.name for p in out.glob("*.png")} == {"loss_curve.png", "fit.png", "errors.png", "optimisers.png"}


# --- the command line ---------------------------------------------------------------------------------


def test_cli_predicts_and_warns_outside_the_range(fast_run):
    result = run_cli(
        "week09_nn_cubic", "predict", "0.5", "-1.5", "3", "--model", str(fast_run[0] / "model.safetensors")
    )
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.strip().splitlines()[1:]]
    assert float(rows[0][1]) == pytest.approx(0.125, abs=0.02)
    assert float(rows[1][1]) == pytest.approx(-3.375, rel=0.1)
    assert "outside the training range" in result.stderr and "Traceback" not in result.stderr


def test_cli_refuses_text_and_damaged_model_files(fast_run, tmp_path):
    model = fast_run[0] / "model.safetensors"
    assert_user_error(run_cli("week09_nn_cubic", "predict", "1", "abc", "--model", str(model)), "'abc'")
    damaged = tmp_path / "model.safetensors"
    damaged.write_bytes(model.read_bytes()[:100])
    (tmp_path / "model.json").write_bytes((fast_run[0] / "model.json").read_bytes())
    assert_user_error(run_cli("week09_nn_cubic", "predict", "1", "--model", str(damaged)), "safetensors")
