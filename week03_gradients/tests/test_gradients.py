"""Numerical vs analytic gradients (property-based), the descent bound, the run, and the `grad` CLI."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.errors import RoadmapError
from shared.templates import render
from shared.testing import assert_user_error, run_cli
from week03_gradients import gradient_calc as gc
from week03_gradients.cli import parse_point

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


def test_a_wrong_gradient_fails_the_check():
    """The check can fail: a gradient with a slip (4x instead of 2x) is far outside the tolerance."""
    approx = gc.numerical_gradient(gc.f, (1.5, -2.0))
    assert np.max(np.abs(approx - np.array([4 * 1.5, 4 * -2.0]))) > 1e3 * gc.GRAD_TOLERANCE


def test_step_size_tradeoff_on_a_non_polynomial_function():
    point = (0.7, 1.3)
    at_1e5 = gc.gradient_error(gc.wavy, gc.wavy_gradient, point, 1e-5)
    assert at_1e5 < gc.gradient_error(gc.wavy, gc.wavy_gradient, point, 1e-12) / 1000  # round-off
    assert at_1e5 < gc.gradient_error(gc.wavy, gc.wavy_gradient, point, 1e-2) / 1000  # truncation


def test_central_beats_forward_differences():
    sweep = gc.step_size_sweep((0.7, 1.3), np.logspace(-10, -2, 9))
    wavy = sweep[sweep["function"] == "exp(x)·sin(y)"]
    assert wavy["central_error"].min() < wavy["forward_error"].min() / 100


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


def test_learning_rate_sweep_finds_the_bound():
    sweep = gc.learning_rate_sweep(np.round(np.arange(0.40, 0.60, 0.01), 6), steps=2000)
    assert gc.empirical_lr_limit(sweep) == pytest.approx(0.49)


@pytest.fixture(scope="module")
def fast_result(tmp_path_factory):
    out = tmp_path_factory.mktemp("week03")
    return out, gc.run(out, fast=True, seed=1)


def test_fast_run_meets_targets_and_draws_its_figures(fast_result):
    out, result = fast_result
    assert sorted(p.name for p in result.figures) == sorted(p.name for p in out.glob("*.png"))
    assert len(result.figures) == 5
    assert all(t.met(result.metrics) for t in gc.TARGETS)
    assert result.metrics["n_within_tolerance"] == result.metrics["n_random_points"] == gc.FAST.n_random_points
    runs = result.tables["descent_runs"].set_index("lr")["final_distance"]
    assert runs[0.52] > 1 > runs[0.45] > runs[0.2]  # diverges; zig-zags slower than the fast rate


def test_results_template_renders(fast_result):
    _, result = fast_result
    text = render(gc.Path(gc.__file__).parent / "templates" / "results.md", m=result.metrics, tables=result.tables)
    assert "largest converging η" in text and "diverges (η=0.52)" in text and "95% CI" in text


@pytest.mark.parametrize(
    ("values", "message"), [(["1"], "takes 2 coordinates"), (["1", "abc"], "is not a number"), (["nan", "1"], "finite")]
)
def test_parse_point_rejects_bad_input(values, message):
    with pytest.raises(RoadmapError, match=message):
        parse_point(values)


def test_grad_cli_prints_gradient():
    result = run_cli("week03_gradients", "grad", "-1", "2.5")
    assert result.returncode == 0, result.stderr
    assert "analytic  ∇f = (-2, 10)" in result.stdout


def test_grad_cli_invalid_input_exits_2_with_message():
    assert_user_error(run_cli("week03_gradients", "grad", "1", "two"), "y = 'two' is not a number")


GRAD_WORDS = st.sampled_from(["1", "-2.5", "1e3", "nan", "inf", "-inf", "1e309", "two", "", "--h", "0", "-1", "1e-300",
                              "--", "-h", "--bogus", "٣", "1_000", "0x10", "\x1b[31m"])  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(GRAD_WORDS | st.text(max_size=4), max_size=5))
def test_grad_command_guard_exits_0_or_2_whatever_is_typed(args):
    """Standing guard (issue 13): any argument list ends in exit 0 or a one-line error (exit 2), never a traceback."""
    import contextlib
    import io

    from shared.cli import week_main
    from week03_gradients.cli import add_commands

    stderr = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
        try:
            code = week_main("week03", ["grad", *args], add_commands=add_commands)
        except SystemExit as exc:  # argparse's own usage errors
            code = exc.code
    assert code in (0, 2), (args, stderr.getvalue())
    assert "Traceback" not in stderr.getvalue()
