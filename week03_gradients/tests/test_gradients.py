"""Numerical vs analytic gradients (property-based), the descent bound, the run, and the `grad` CLI."""

import math
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.errors import RoadmapError
from shared.results import REPO_ROOT
from week03_gradients import gradient_calc as gc

coordinate = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(coordinate, coordinate)
def test_numerical_matches_analytic_within_stated_tolerance(x, y):
    assert gc.scaled_error((x, y)) <= gc.GRAD_TOLERANCE


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(min_value=-3, max_value=3, allow_nan=False), min_size=1, max_size=6))
def test_numerical_gradient_works_for_n_variables(values):
    """∇(Σ sin xᵢ) = (cos xᵢ): any callable of n variables, not only the week's f."""
    point = np.array(values)
    approx = gc.numerical_gradient(lambda p: float(np.sin(p).sum()), point)
    np.testing.assert_allclose(approx, np.cos(point), atol=1e-8)


def test_gradient_is_exact_on_hand_computed_point():
    np.testing.assert_array_equal(gc.analytic_gradient((1.0, 2.0)), [2.0, 8.0])
    assert gc.f((1.0, 2.0)) == 9.0


def test_step_size_tradeoff_on_a_non_polynomial_function():
    point = (0.7, 1.3)
    at_1e5 = gc.gradient_error(gc.wavy, gc.wavy_gradient, point, 1e-5)
    assert at_1e5 < gc.gradient_error(gc.wavy, gc.wavy_gradient, point, 1e-12) / 1000  # round-off
    assert at_1e5 < gc.gradient_error(gc.wavy, gc.wavy_gradient, point, 1e-2) / 1000  # truncation


@pytest.mark.parametrize("lr", [0.01, 0.1, 0.25, 0.3, 0.45, 0.49])
def test_descent_converges_below_the_bound(lr):
    assert gc.converges(lr, steps=3000)


@pytest.mark.parametrize("lr", [0.5, 0.51, 0.6, 1.0])
def test_descent_does_not_converge_at_or_above_the_bound(lr):
    assert not gc.converges(lr, steps=3000)


def test_oscillation_between_quarter_and_half():
    y = gc.gradient_descent((0.0, 1.0), 0.45, 5)[:, 1]
    assert np.all(np.sign(y[1:]) == -np.sign(y[:-1]))  # y flips sign each step...
    assert np.all(np.abs(y[1:]) < np.abs(y[:-1]))  # ...and still shrinks


def test_fast_run_meets_targets_and_is_reproducible(tmp_path):
    metrics = gc.run(tmp_path, fast=True, seed=1)
    assert len(list(tmp_path.glob("*.png"))) == metrics["n_figures"] == 5
    assert all(t.met(metrics) for t in gc.TARGETS)
    assert metrics["final_dist_lr_0.52"] > 1 > metrics["final_dist_lr_0.45"]
    assert math.isfinite(metrics["max_scaled_grad_error"])
    assert "largest converging" in gc.report(metrics)


@pytest.mark.parametrize(
    ("values", "message"), [(["1"], "takes 2 coordinates"), (["1", "abc"], "is not a number"), (["nan", "1"], "finite")]
)
def test_parse_point_rejects_bad_input(values, message):
    with pytest.raises(RoadmapError, match=message):
        gc.parse_point(values)


def _grad_cli(*args):
    return subprocess.run([sys.executable, "-m", "week03_gradients", "grad", *args], capture_output=True, text=True,
                          cwd=REPO_ROOT, env=os.environ.copy(), timeout=60)  # fmt: skip


def test_grad_cli_prints_gradient():
    result = _grad_cli("-1", "2.5")
    assert result.returncode == 0, result.stderr
    assert "analytic  ∇f = (-2, 10)" in result.stdout


def test_grad_cli_invalid_input_exits_2_with_message():
    result = _grad_cli("1", "two")
    assert result.returncode == 2
    assert "y = 'two' is not a number" in result.stderr and "Traceback" not in result.stderr
