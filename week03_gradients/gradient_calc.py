"""Week 3: gradients of f(x, y) = x² + 2y², by hand and by finite differences, and what gradient descent does with them.

Read top-down: the function and its analytic gradient → a numerical gradient for any f of n variables →
checking one against the other at random points → how the step size h trades truncation against round-off →
gradient descent, the learning-rate bound η < 2/L for this quadratic, and runs that converge, zig-zag and
diverge → figures → `run()`, the same steps as the notebook in one script.
The `grad` command (`python -m week03_gradients grad 1 2`) is scaffolding, in `cli.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from shared.plotting import save_figure, subplots
from shared.result import Result
from shared.stats import proportion_ci
from shared.targets import Target

Point = Sequence[float] | np.ndarray

DEFAULT_H = 1e-5  # central differences: truncation ~h², round-off ~eps/h; the two meet near eps^(1/3) ≈ 1e-5
TINY_H = 1e-12  # a step so small that round-off dominates: shown to make the point
# Stated tolerance: |numerical − analytic| ≤ 1e-8 · (1 + |f(p)|) per component. Round-off in f(p ± h) is about
# ε·|f|, divided by 2h, so the error scales with |f(p)|, not with the gradient: ≈ 1e-11·|f| at h = 1e-5.
GRAD_TOLERANCE = 1e-8
LR_BOUND = 0.5  # gradient descent on x² + 2y² converges iff 0 < η < 2 / L, L = largest Hessian eigenvalue = 4
START = (3.0, 2.0)  # where every descent run starts
LEARNING_RATES = {"slow (η=0.05)": 0.05, "fast (η=0.2)": 0.2, "oscillates (η=0.45)": 0.45, "diverges (η=0.52)": 0.52}

TARGETS = [
    Target("max_scaled_grad_error", "<=", GRAD_TOLERANCE, "curriculum: numerical matches analytic"),
    Target("lr_bound_gap", "<=", 0.005, "our own bar: measured η limit matches 2/L"),
]
HEADLINE = ("max_scaled_grad_error",)


@dataclass(frozen=True, kw_only=True)
class Config:
    """Every knob of the full run (17 s on the shared, busy 2-core CPU of the published run). Nothing is tuned."""

    n_random_points: int = 10_000  # points in [-coordinate_range, coordinate_range]² where the gradients are compared
    coordinate_range: float = 10.0  # half-width of the square the random points are drawn from
    n_step_sizes: int = 53  # h values on a log grid from 1e-13 to 1 for the step-size sweep
    sweep_point: tuple[float, float] = (0.7, 1.3)  # where the step-size sweep is measured
    lr_grid_step: float = 0.001  # resolution of the learning-rate sweep: the measured limit is known to ± this
    lr_sweep_steps: int = 2000  # descent steps per η in the learning-rate sweep
    path_steps: int = 60  # descent steps drawn in the path and loss figures


FAST = Config(n_random_points=200, n_step_sizes=27, lr_grid_step=0.005)


# --- the function and its gradient --------------------------------------------------------------------


def f(p: Point) -> float:
    """f(x, y) = x² + 2y²: a bowl that is twice as steep along y as along x."""
    x, y = p
    return float(x**2 + 2 * y**2)


def analytic_gradient(p: Point) -> np.ndarray:
    """∇f = (∂f/∂x, ∂f/∂y) = (2x, 4y), derived by hand."""
    x, y = p
    return np.array([2.0 * x, 4.0 * y])


def numerical_gradient(func: Callable[[np.ndarray], float], point: Point, h: float = DEFAULT_H) -> np.ndarray:
    """Central differences for any f: ℝⁿ → ℝ: ∂f/∂xᵢ ≈ (f(p + h·eᵢ) − f(p − h·eᵢ)) / 2h.

    Central rather than forward differences: the error terms in h cancel, leaving an error of order h²
    (zero for a quadratic) instead of h, for one extra function call per coordinate.
    """
    if h <= 0:
        raise ValueError(f"step h must be positive, got {h}")
    p = np.asarray(point, dtype=float)
    grad = np.empty_like(p)
    for i in range(p.size):
        step = np.zeros_like(p)
        step[i] = h
        grad[i] = (func(p + step) - func(p - step)) / (2 * h)
    return grad


def forward_gradient(func: Callable[[np.ndarray], float], point: Point, h: float = DEFAULT_H) -> np.ndarray:
    """Forward differences (f(p + h·eᵢ) − f(p)) / h: error of order h; shown only to compare."""
    p = np.asarray(point, dtype=float)
    return np.array([(func(p + h * e) - func(p)) / h for e in np.eye(p.size)])


# --- checking the numerical gradient against the analytic one -----------------------------------------


def scaled_error(p: Point, h: float = DEFAULT_H) -> float:
    """max over components of |numerical − analytic| / (1 + |f(p)|): the quantity the tolerance bounds."""
    return float(np.max(np.abs(numerical_gradient(f, p, h) - analytic_gradient(p))) / (1 + abs(f(p))))


def random_points(n: int, coordinate_range: float, seed: int) -> np.ndarray:
    """`n` points drawn uniformly from the square [-range, range]², shape (n, 2)."""
    return np.random.default_rng(seed).uniform(-coordinate_range, coordinate_range, size=(n, 2))


def scaled_errors(points: np.ndarray, h: float = DEFAULT_H) -> np.ndarray:
    """The scaled error at every point."""
    return np.array([scaled_error(p, h) for p in points])


# --- the step size h: truncation against round-off ------------------------------------------------------


def wavy(p: Point) -> float:
    """A non-polynomial test function, exp(x)·sin(y): its third derivatives are not zero, so the
    central-difference truncation error (∝ h² f''') shows up. On the quadratic f it is exactly zero."""
    x, y = p
    return float(np.exp(x) * np.sin(y))


def wavy_gradient(p: Point) -> np.ndarray:
    x, y = p
    return np.array([np.exp(x) * np.sin(y), np.exp(x) * np.cos(y)])


FUNCTIONS = {"x² + 2y²": (f, analytic_gradient), "exp(x)·sin(y)": (wavy, wavy_gradient)}


def gradient_error(func, grad, point: Point, h: float, *, central: bool = True) -> float:
    """Largest absolute error of the finite-difference gradient at `point` for step `h`."""
    approx = (numerical_gradient if central else forward_gradient)(func, point, h)
    return float(np.max(np.abs(approx - grad(point))))


def step_size_sweep(point: Point, hs: np.ndarray) -> pd.DataFrame:
    """Error of central and forward differences for every h, for both test functions (one row per h)."""
    rows = [
        {
            "function": name,
            "h": h,
            "central_error": gradient_error(func, grad, point, h),
            "forward_error": gradient_error(func, grad, point, h, central=False),
        }
        for name, (func, grad) in FUNCTIONS.items()
        for h in hs
    ]
    return pd.DataFrame(rows)


# --- gradient descent -----------------------------------------------------------------------------------


def gradient_descent(start: Point, lr: float, steps: int) -> np.ndarray:
    """Plain gradient descent p ← p − η∇f(p); returns the path, shape (steps + 1, 2).

    Hand-written on purpose: it is the lesson. On this quadratic each coordinate is multiplied by
    (1 − 2η) and (1 − 4η) per step, so it converges iff both factors are inside (−1, 1): 0 < η < 0.5.
    Between 0.25 and 0.5 the y factor is negative: the path zig-zags across the valley but still converges.
    """
    path = np.empty((steps + 1, 2))
    path[0] = start
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run is allowed to overflow
        for k in range(steps):
            path[k + 1] = path[k] - lr * analytic_gradient(path[k])
    return path


def converges(lr: float, start: Point = START, steps: int = 500, tol: float = 1e-8) -> bool:
    """Does descent from `start` reach within `tol` of the minimum (0, 0) in `steps` steps?"""
    final = gradient_descent(start, lr, steps)[-1]
    return bool(np.all(np.isfinite(final)) and np.linalg.norm(final) < tol)


def descent_paths(steps: int, start: Point = START) -> dict[str, np.ndarray]:
    """One descent path per named learning rate in LEARNING_RATES."""
    return {label: gradient_descent(start, lr, steps) for label, lr in LEARNING_RATES.items()}


def final_distances(lrs: np.ndarray, start: Point = START, steps: int = 2000) -> np.ndarray:
    """‖p‖ after `steps` steps of descent for every learning rate at once (vectorised over η)."""
    points = np.tile(np.asarray(start, dtype=float), (len(lrs), 1))
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            points = points - lrs[:, None] * (points * np.array([2.0, 4.0]))  # ∇f = (2x, 4y), row-wise
        return np.linalg.norm(points, axis=1)


def learning_rate_sweep(lrs: np.ndarray, steps: int, start: Point = START, shrink: float = 1e-3) -> pd.DataFrame:
    """For each η: ‖p‖ after `steps` steps, and whether that is within `shrink` × the start distance."""
    final = final_distances(lrs, start, steps)
    converged = np.isfinite(final) & (final < shrink * np.linalg.norm(start))
    return pd.DataFrame({"lr": lrs, "final_distance": final, "converged": converged})


def empirical_lr_limit(sweep: pd.DataFrame) -> float:
    """The largest η in the sweep whose run converged (0 when none did)."""
    ok = sweep.loc[sweep["converged"], "lr"]
    return float(ok.max()) if len(ok) else 0.0


# --- figures (each returns its Figure; saving is separate) ----------------------------------------------


def plot_step_sweep(sweep: pd.DataFrame, point: Point) -> Figure:
    """Error vs h, log-log: truncation falls with h, round-off grows as h shrinks; the best h sits between."""
    fig, axes = subplots(1, 2, figsize=(11, 4.2), sharey=True)
    floor = np.finfo(float).tiny  # exact zeros cannot be drawn on a log axis
    for ax, (name, rows) in zip(axes, sweep.groupby("function", sort=False), strict=True):
        ax.loglog(rows["h"], np.maximum(rows["central_error"], floor), "o-", ms=3, label="central differences")
        ax.loglog(rows["h"], np.maximum(rows["forward_error"], floor), "s-", ms=3, label="forward differences")
        ax.axvline(DEFAULT_H, color="grey", ls="--", lw=1)
        ax.set_title(f"f = {name}")
        ax.set_xlabel("step h")
    axes[0].set_ylabel("max |numerical − analytic|")
    axes[0].set_ylim(1e-13, 1e2)
    axes[1].legend()
    fig.suptitle(f"Truncation (right of the dip) vs round-off (left of it) at p = {tuple(point)}")
    return fig


def plot_contour_quiver() -> Figure:
    """Level sets of f with −∇f arrows: the arrows cross the ellipses at right angles and are longer in y."""
    fig, ax = subplots(figsize=(6.5, 5))
    xs, ys = np.meshgrid(np.linspace(-3, 3, 200), np.linspace(-3, 3, 200))
    contours = ax.contour(xs, ys, xs**2 + 2 * ys**2, levels=12, cmap="viridis")
    ax.clabel(contours, fontsize=7)
    qx, qy = np.meshgrid(np.linspace(-2.7, 2.7, 13), np.linspace(-2.7, 2.7, 13))
    ax.quiver(qx, qy, -2 * qx, -4 * qy, color="#C44E52", alpha=0.7, angles="xy")
    ax.set_aspect("equal")
    ax.set(title="f(x, y) = x² + 2y² and −∇f (steepest descent)", xlabel="x", ylabel="y")
    return fig


def plot_descent_paths(paths: dict[str, np.ndarray]) -> Figure:
    fig, ax = subplots(figsize=(6.5, 5))
    xs, ys = np.meshgrid(np.linspace(-4, 4, 200), np.linspace(-4, 4, 200))
    ax.contour(xs, ys, xs**2 + 2 * ys**2, levels=12, colors="lightgrey", linewidths=0.8)
    for label, path in paths.items():
        shown = path[np.all(np.isfinite(path), axis=1)]  # the axes clip a diverging path at the frame
        ax.plot(shown[:, 0], shown[:, 1], "o-", ms=3, lw=1.2, label=label)
    ax.set_xlim(-4, 4)
    ax.set_ylim(-4, 4)
    ax.set_aspect("equal")
    ax.legend(loc="lower left", fontsize=8)
    ax.set_title(f"Gradient descent from {START}: converge, zig-zag, diverge")
    return fig


def plot_lr_sweep(sweep: pd.DataFrame, steps: int) -> Figure:
    """Distance to the minimum after `steps` steps for each η, with the bound 2/L marked."""
    fig, ax = subplots()
    floor, ceiling = 1e-20, 1e20  # converged runs sit on the floor, overflowed ones (inf) on the ceiling
    shown = np.clip(np.nan_to_num(sweep["final_distance"], nan=ceiling, posinf=ceiling), floor, ceiling)
    ax.semilogy(sweep["lr"], shown, ".-")
    ax.axvline(LR_BOUND, color="#C44E52", ls="--", label="bound η = 2/L = 0.5")
    ax.axvline(0.25, color="grey", ls=":", label="η = 0.25: zig-zag starts in y")
    ax.set(xlabel="learning rate η", ylabel=f"‖p‖ after {steps} steps (log, clipped to 1e±20)")
    ax.set_title("Convergence holds exactly below η = 0.5")
    ax.legend()
    return fig


def plot_loss_curves(paths: dict[str, np.ndarray]) -> Figure:
    fig, ax = subplots()
    for label, path in paths.items():
        with np.errstate(over="ignore", invalid="ignore"):
            values = path[:, 0] ** 2 + 2 * path[:, 1] ** 2
        ax.semilogy(values, label=label)
    ax.set(xlabel="step", ylabel="f(p) (log)", title="Loss per step")
    ax.legend(fontsize=8)
    return fig


# --- the run --------------------------------------------------------------------------------------------


def run(out_dir: Path, fast: bool = False, seed: int = 42) -> Result:
    """Check the numerical gradient at random points, sweep h and η, and draw the figures."""
    config = FAST if fast else Config()
    out_dir = Path(out_dir)

    points = random_points(config.n_random_points, config.coordinate_range, seed)
    errors = scaled_errors(points)
    n_within = int((errors <= GRAD_TOLERANCE).sum())
    share_low, share_high = proportion_ci(n_within, len(points))

    hs = np.logspace(-13, 0, config.n_step_sizes)
    h_sweep = step_size_sweep(config.sweep_point, hs)
    wavy_sweep = h_sweep[h_sweep["function"] == "exp(x)·sin(y)"]

    paths = descent_paths(config.path_steps)
    lrs = np.round(np.arange(0.005, 0.7, config.lr_grid_step), 6)
    lr_sweep = learning_rate_sweep(lrs, config.lr_sweep_steps)
    limit = empirical_lr_limit(lr_sweep)
    runs = pd.DataFrame(
        {"label": label, "lr": LEARNING_RATES[label], "final_distance": float(np.linalg.norm(path[-1]))}
        for label, path in paths.items()
    )

    figures = [
        save_figure(plot_step_sweep(h_sweep, config.sweep_point), out_dir, "step_size_sweep"),
        save_figure(plot_contour_quiver(), out_dir, "contour_gradients"),
        save_figure(plot_descent_paths(paths), out_dir, "descent_paths"),
        save_figure(plot_lr_sweep(lr_sweep, config.lr_sweep_steps), out_dir, "lr_sweep"),
        save_figure(plot_loss_curves(paths), out_dir, "loss_curves"),
    ]
    metrics = {
        "n_random_points": len(points),
        "coordinate_range": config.coordinate_range,
        "h": DEFAULT_H,
        "max_scaled_grad_error": float(errors.max()),
        "grad_tolerance": GRAD_TOLERANCE,
        "n_within_tolerance": n_within,
        "share_within_tolerance": n_within / len(points),
        "share_within_tolerance_ci_low": share_low,
        "share_within_tolerance_ci_high": share_high,
        "tiny_h": TINY_H,
        "wavy_error_default_h": gradient_error(wavy, wavy_gradient, config.sweep_point, DEFAULT_H),
        "wavy_error_tiny_h": gradient_error(wavy, wavy_gradient, config.sweep_point, TINY_H),
        "wavy_best_h": float(wavy_sweep.loc[wavy_sweep["central_error"].idxmin(), "h"]),
        "lr_bound_theory": LR_BOUND,
        "lr_limit_measured": limit,
        "lr_grid_step": config.lr_grid_step,
        "lr_bound_gap": round(abs(LR_BOUND - limit), 6),
        "lr_sweep_steps": config.lr_sweep_steps,
        "path_steps": config.path_steps,
    }
    return Result(
        metrics=metrics,
        tables={"descent_runs": runs, "step_size_sweep": h_sweep, "lr_sweep": lr_sweep},
        figures=figures,
    )
