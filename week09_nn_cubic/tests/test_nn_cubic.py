"""Week 9: data, the precise 10% criterion, the fast run's metric band and reproducibility."""

from __future__ import annotations

import pytest
import torch

from week09_nn_cubic import nn_cubic


def test_data_covers_the_range_and_follows_x_cubed():
    x, y = nn_cubic.make_data(2000, torch.Generator().manual_seed(0))
    assert x.shape == y.shape == (2000, 1)
    assert x.min() >= -2 and x.max() <= 2 and x.min() < -1.9 and x.max() > 1.9
    assert torch.allclose(y, x**3)


def test_scaled_error_is_relative_for_large_y_and_absolute_near_zero():
    y = torch.tensor([8.0, -2.0, 0.001, 0.0])
    pred = torch.tensor([8.8, -2.1, 0.051, -0.2])
    assert torch.allclose(nn_cubic.scaled_errors(pred, y), torch.tensor([0.1, 0.05, 0.05, 0.2]))


@pytest.fixture(scope="module")
def fast_metrics(tmp_path_factory):
    return nn_cubic.run(tmp_path_factory.mktemp("week09"), fast=True, seed=42)


def test_mlp_predicts_within_10_percent_and_the_line_does_not(fast_metrics):
    m = fast_metrics
    assert m["max_scaled_error"] <= 0.10
    assert m["frac_within_10pct"] == 1.0
    assert m["mlp_test_mse"] < m["linear_test_mse"] / 100  # a straight line cannot bend: ~1.3 vs ~1e-4


def test_momentum_and_adam_beat_plain_sgd(fast_metrics):
    m = fast_metrics
    assert m["final_train_mse_momentum"] < m["final_train_mse_sgd"]
    assert m["final_train_mse_adam"] < m["final_train_mse_sgd"]


def test_same_seed_gives_identical_metrics_and_figures_are_written(tmp_path, fast_metrics):
    again = nn_cubic.run(tmp_path, fast=True, seed=42)
    assert again == fast_metrics
    assert {p.name for p in tmp_path.glob("*.png")} == {"loss_curve.png", "fit.png", "optimisers.png"}
    assert (tmp_path / "MODEL_CARD.md").is_file()


def test_the_thread_setting_is_restored_after_a_run(tmp_path):
    before = torch.get_num_threads()
    nn_cubic.run(tmp_path, fast=True, seed=1)
    assert torch.get_num_threads() == before
