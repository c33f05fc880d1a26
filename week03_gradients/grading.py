"""How `roadmap grade week03 PATH` checks a learner's gradient calculator (see shared/grading).

The contract is the reference's own API in gradient_calc.py: the grader passes the function and the points
(its own random points, not the reference's), and compares with the exact gradients it knows. This file does not
import the reference (it would pull in pandas and matplotlib for every check): the worker imports it only to
score the reference's metrics, and the unit's tests check that the constants below agree with it.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from shared.grading import Check, Function, Metric, Rubric, SelfCheck, expect

CONTRACT = [
    Function("analytic_gradient", "analytic_gradient(point) -> np.ndarray", "∇f of f(x, y) = x² + 2y², by hand"),
    Function("numerical_gradient", "numerical_gradient(func, point, h=1e-5) -> np.ndarray",
             "finite differences for any func: ℝⁿ → ℝ at a point of n coordinates; h has a sensible default"),
    Function("gradient_descent", "gradient_descent(start, lr, steps) -> np.ndarray",
             "the path p₀ = start, pₖ₊₁ = pₖ − lr·∇f(pₖ) on x² + 2y², shape (steps + 1, 2)"),
]  # fmt: skip
REFERENCE = "week03_gradients.gradient_calc"  # satisfies the contract as it is
GRADER_SEED = 2026  # the grader's points differ from the reference run's (seed 42)
GRAD_TOLERANCE = 1e-8  # gradient_calc's stated tolerance: |numerical − analytic| ≤ 1e-8 · (1 + |f(p)|)
WAVY_TOLERANCE = 1e-7  # central differences at h = 1e-5 err ~1e-10 on exp(x)·sin(y) in [-2, 2]²; forward ~1e-5


def grader_points(n: int, half_width: float, seed: int = GRADER_SEED) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-half_width, half_width, size=(n, 2))


def f(p) -> float:
    return float(p[0] ** 2 + 2 * p[1] ** 2)


def exact_gradient(p: np.ndarray) -> np.ndarray:
    return np.array([2.0 * p[0], 4.0 * p[1]])


def wavy(p) -> float:
    """exp(x)·sin(y): its third derivatives are not zero, so a too-large h shows (on x² + 2y² it cannot)."""
    return float(np.exp(p[0]) * np.sin(p[1]))


def wavy_gradient(p: np.ndarray) -> np.ndarray:
    return np.array([np.exp(p[0]) * np.sin(p[1]), np.exp(p[0]) * np.cos(p[1])])


def forward_gradient(func, point, h: float = 1e-5) -> np.ndarray:
    """The baseline: one-sided differences, error of order h."""
    p = np.asarray(point, dtype=float)
    return np.array([(func(p + h * e) - func(p)) / h for e in np.eye(p.size)])


# --- checks: each takes the learner's solution and raises when the property does not hold -----------------


def check_analytic(sol) -> None:
    for p in grader_points(50, 10):
        got = np.asarray(sol.analytic_gradient(p.copy()), dtype=float)
        expect(got.shape == (2,), f"analytic_gradient({p.round(3).tolist()}) has shape {got.shape}, expected (2,)")
        expect(np.allclose(got, exact_gradient(p), rtol=1e-12, atol=1e-12),
               f"analytic_gradient({p.round(3).tolist()}) = {got.round(6).tolist()}, "
               f"expected (2x, 4y) = {exact_gradient(p).round(6).tolist()}")  # fmt: skip


def scaled_error(sol, p: np.ndarray) -> float:
    got = np.asarray(sol.numerical_gradient(f, p.copy()), dtype=float)
    return float(np.max(np.abs(got - exact_gradient(p))) / (1 + abs(f(p))))


def check_numerical(sol) -> None:
    for p in grader_points(200, 10):
        error = scaled_error(sol, p)
        expect(error <= GRAD_TOLERANCE,
               f"at {p.round(3).tolist()}: |numerical − analytic| / (1 + |f|) = {error:.2e} > {GRAD_TOLERANCE:g} "
               f"(with your default h)")  # fmt: skip


def wavy_error(sol, p: np.ndarray) -> float:
    got = np.asarray(sol.numerical_gradient(wavy, p.copy()), dtype=float)
    return float(np.max(np.abs(got - wavy_gradient(p))))


def check_wavy(sol) -> None:
    errors = [wavy_error(sol, p) for p in grader_points(50, 2)]
    expect(max(errors) <= WAVY_TOLERANCE,
           f"on exp(x)·sin(y) the largest error is {max(errors):.2e} > {WAVY_TOLERANCE:g} with your default h "
           "(x² + 2y² hides truncation error: its third derivatives are zero)")  # fmt: skip


def check_n_dimensions(sol) -> None:
    for n in (1, 3, 5):
        p = np.linspace(-1.3, 1.7, n)
        got = np.asarray(sol.numerical_gradient(lambda q: float(np.sin(q).sum()), p.copy()), dtype=float)
        expect(got.shape == (n,), f"for a function of {n} variables the gradient has shape {got.shape}, not ({n},)")
        expect(np.allclose(got, np.cos(p), atol=1e-3), f"∇Σsin(xᵢ) at {p.round(3).tolist()} is {got.round(6).tolist()}"
               f", expected cos(xᵢ) = {np.cos(p).round(6).tolist()}")  # fmt: skip


def check_point_untouched(sol) -> None:
    p = np.array([0.7, -1.3])
    seen = []
    sol.numerical_gradient(lambda q: seen.append(np.array(q, dtype=float)) or f(q), p)
    expect(np.array_equal(p, [0.7, -1.3]), f"the point passed in was changed to {p.tolist()}")
    expect(len(seen) >= 2, "numerical_gradient never called the function it was given")


def check_descent(sol) -> None:
    path = np.asarray(sol.gradient_descent((3.0, 2.0), 0.1, 200), dtype=float)
    expect(path.shape == (201, 2), f"gradient_descent(start, lr, 200) returned shape {path.shape}, expected (201, 2)")
    expect(np.allclose(path[0], (3.0, 2.0)), f"the path starts at {path[0].tolist()}, not at the start (3, 2)")
    expect(
        np.linalg.norm(path[-1]) < 1e-8, f"after 200 steps at η = 0.1 the point is {path[-1].tolist()}, not ≈ (0, 0)"
    )


def check_descent_rule(sol) -> None:
    for lr in (0.45, 0.52):  # zig-zags but converges; diverges (2/L = 0.5)
        path = np.asarray(sol.gradient_descent((3.0, 2.0), lr, 20), dtype=float)
        expected = path[:-1] - lr * np.column_stack([2 * path[:-1, 0], 4 * path[:-1, 1]])
        expect(
            np.allclose(path[1:], expected, rtol=1e-12),
            f"at η = {lr} the steps are not pₖ₊₁ = pₖ − η∇f(pₖ) (first rows: {path[:3].round(4).tolist()})",
        )
    expect(np.linalg.norm(path[-1]) > np.linalg.norm(path[0]), "at η = 0.52 > 2/L the path should diverge")


CHECKS = [
    Check("analytic_matches", "analytic gradient", check_analytic,
          "differentiate each term: ∂(x²)/∂x = 2x, ∂(2y²)/∂y = 4y; check the signs and the factors"),
    Check("numerical_matches_analytic", "numerical gradient", check_numerical,
          "use central differences (f(p + h·eᵢ) − f(p − h·eᵢ)) / 2h: a one-sided difference errs by ~h, and a "
          "swapped numerator flips the sign"),
    Check("accurate_on_non_polynomial", "numerical gradient", check_wavy,
          "the error of central differences is ~h²·f‴ + ε/h: h ≈ 1e-5 balances the two; h = 1e-2 is too large"),
    Check("works_in_n_dimensions", "numerical gradient", check_n_dimensions,
          "loop over the point's coordinates (len(point)), not over a fixed x and y"),
    Check("point_not_modified", "numerical gradient", check_point_untouched,
          "copy the point before stepping (p = np.array(point, dtype=float)); p[i] += h changes the caller's array"),
    Check("descent_converges", "gradient descent", check_descent,
          "return every point including the start, and step against the gradient: p − η∇f(p)"),
    Check("descent_update_rule", "gradient descent", check_descent_rule,
          "each step is exactly p − η·∇f(p) with ∇f = (2x, 4y); do not clip, normalise or stop early"),
]  # fmt: skip

METRICS = [
    Metric("max_scaled_error", lambda sol: max(scaled_error(sol, p) for p in grader_points(300, 10, seed=7)),
           "lower", baseline=SimpleNamespace(numerical_gradient=forward_gradient),
           baseline_name="forward differences", description="x² + 2y², 300 grader points in [−10, 10]², default h"),
    Metric("wavy_max_error", lambda sol: max(wavy_error(sol, p) for p in grader_points(100, 2, seed=8)),
           "lower", baseline=SimpleNamespace(numerical_gradient=forward_gradient),
           baseline_name="forward differences", description="exp(x)·sin(y), 100 grader points in [−2, 2]²"),
]  # fmt: skip

RUBRIC = Rubric.equal(
    "analytic gradient",
    "numerical gradient",
    "gradient descent",
    self_assessment=[
        SelfCheck("Does your write-up explain why h ≈ 1e-5 (truncation against round-off)?",
                  "week03_gradients/README.md#write-up"),
        SelfCheck("Do you derive the learning-rate bound η < 2/L = 0.5 and show runs on both sides of it?",
                  "week03_gradients/README.md#write-up"),
    ],
)  # fmt: skip
