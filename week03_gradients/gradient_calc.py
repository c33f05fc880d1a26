"""Week 3: gradients of f(x, y) = x² + 2y², by hand and by finite differences, and what gradient descent does with them.

Top to bottom: the function and its analytic gradient → a numerical gradient for any f of n variables →
how the step size h trades truncation against round-off → gradient descent, the learning-rate bound
η < 2/L for this quadratic, and runs that converge, oscillate and diverge.
CLI: `python -m week03_gradients grad 1 2` prints the gradient at (1, 2).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from shared.errors import RoadmapError
from shared.plotting import save_figure, subplots
from shared.results import markdown_table
from shared.targets import Target

Point = Sequence[float] | np.ndarray

DEFAULT_H = 1e-5  # central differences: truncation ~h², round-off ~eps/h; the two meet near eps^(1/3) ≈ 1e-5
# Stated tolerance: |numerical − analytic| ≤ 1e-8 · (1 + |f(p)|) per component. Round-off in f(p ± h) is about
# ε·|f|, divided by 2h, so the error scales with |f(p)|, not with the gradient: ≈ 1e-11·|f| at h = 1e-5.
GRAD_TOLERANCE = 1e-8
LR_BOUND = 0.5  # gradient descent on x² + 2y² converges iff 0 < η < 2 / L, L = largest Hessian eigenvalue = 4
LEARNING_RATES = {"slow (η=0.05)": 0.05, "fast (η=0.2)": 0.2, "oscillates (η=0.45)": 0.45, "diverges (η=0.52)": 0.52}

TARGETS = [
    Target("max_scaled_grad_error", "<=", GRAD_TOLERANCE, "curriculum: numerical matches analytic"),
    Target("lr_bound_gap", "<=", 0.005, "our own bar: measured η limit matches 2/L"),
]
HEADLINE = "max_scaled_grad_error"


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


def wavy(p: Point) -> float:
    """A non-polynomial test function, exp(x)·sin(y): its third derivatives are not zero, so the
    central-difference truncation error (∝ h² f''') shows up. On the quadratic f it is exactly zero."""
    x, y = p
    return float(np.exp(x) * np.sin(y))


def wavy_gradient(p: Point) -> np.ndarray:
    x, y = p
    return np.array([np.exp(x) * np.sin(y), np.exp(x) * np.cos(y)])


def gradient_error(func, grad, point: Point, h: float, *, central: bool = True) -> float:
    """Largest absolute error of the finite-difference gradient at `point` for step `h`."""
    approx = (numerical_gradient if central else forward_gradient)(func, point, h)
    return float(np.max(np.abs(approx - grad(point))))


def scaled_error(p: Point, h: float = DEFAULT_H) -> float:
    """max over components of |numerical − analytic| / (1 + |f(p)|): the quantity the tolerance bounds."""
    return float(np.max(np.abs(numerical_gradient(f, p, h) - analytic_gradient(p))) / (1 + abs(f(p))))


def max_scaled_error(points: np.ndarray, h: float = DEFAULT_H) -> float:
    return max(scaled_error(p, h) for p in points)


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


def converges(lr: float, start: Point = (3.0, 2.0), steps: int = 500, tol: float = 1e-8) -> bool:
    """Does descent from `start` reach within `tol` of the minimum (0, 0) in `steps` steps?"""
    final = gradient_descent(start, lr, steps)[-1]
    return bool(np.all(np.isfinite(final)) and np.linalg.norm(final) < tol)


def final_distances(lrs: np.ndarray, start: Point = (3.0, 2.0), steps: int = 2000) -> np.ndarray:
    """‖p‖ after `steps` steps of descent for every learning rate at once (vectorised over η)."""
    points = np.tile(np.asarray(start, dtype=float), (len(lrs), 1))
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            points = points - lrs[:, None] * (points * np.array([2.0, 4.0]))  # ∇f = (2x, 4y), row-wise
        return np.linalg.norm(points, axis=1)


def empirical_lr_limit(lrs: np.ndarray, steps: int = 2000, shrink: float = 1e-3) -> float:
    """The largest η in `lrs` whose run ends within `shrink` × the starting distance of the minimum."""
    start = np.array([3.0, 2.0])
    final = final_distances(lrs, start, steps)
    ok = lrs[np.isfinite(final) & (final < shrink * np.linalg.norm(start))]
    return float(ok.max()) if ok.size else 0.0


# --- figures --------------------------------------------------------------------------------------------


def plot_step_sweep(hs: np.ndarray, point: Point, out_dir: Path) -> tuple[Path, dict[str, float]]:
    """Error vs h, log-log: truncation falls with h, round-off grows as h shrinks; the best h sits between."""
    fig, axes = subplots(1, 2, figsize=(11, 4.2), sharey=True)
    best = {}
    for ax, (name, func, grad) in zip(
        axes, [("x² + 2y²", f, analytic_gradient), ("exp(x)·sin(y)", wavy, wavy_gradient)], strict=True
    ):
        central = np.array([gradient_error(func, grad, point, h) for h in hs])
        forward = np.array([gradient_error(func, grad, point, h, central=False) for h in hs])
        floor = np.finfo(float).tiny  # exact zeros cannot be drawn on a log axis
        ax.loglog(hs, np.maximum(central, floor), "o-", ms=3, label="central differences")
        ax.loglog(hs, np.maximum(forward, floor), "s-", ms=3, label="forward differences")
        ax.axvline(DEFAULT_H, color="grey", ls="--", lw=1)
        ax.set_title(f"f = {name}")
        ax.set_xlabel("step h")
        best[name] = float(hs[int(np.argmin(central))])
    axes[0].set_ylabel("max |numerical − analytic|")
    axes[0].set_ylim(1e-13, 1e2)
    axes[1].legend()
    fig.suptitle(f"Truncation (right of the dip) vs round-off (left of it) at p = {tuple(point)}")
    return save_figure(fig, out_dir, "step_size_sweep"), best


def plot_contour_quiver(out_dir: Path) -> Path:
    """Level sets of f with −∇f arrows: the arrows cross the ellipses at right angles and are longer in y."""
    fig, ax = subplots(figsize=(6.5, 5))
    xs, ys = np.meshgrid(np.linspace(-3, 3, 200), np.linspace(-3, 3, 200))
    contours = ax.contour(xs, ys, xs**2 + 2 * ys**2, levels=12, cmap="viridis")
    ax.clabel(contours, fontsize=7)
    qx, qy = np.meshgrid(np.linspace(-2.7, 2.7, 13), np.linspace(-2.7, 2.7, 13))
    ax.quiver(qx, qy, -2 * qx, -4 * qy, color="#C44E52", alpha=0.7, angles="xy")
    ax.set_aspect("equal")
    ax.set_title("f(x, y) = x² + 2y² and −∇f (steepest descent)")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    return save_figure(fig, out_dir, "contour_gradients")


def plot_descent_paths(paths: dict[str, np.ndarray], out_dir: Path) -> Path:
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
    ax.set_title("Gradient descent from (3, 2): converge, zig-zag, diverge")
    return save_figure(fig, out_dir, "descent_paths")


def plot_lr_sweep(lrs: np.ndarray, steps: int, out_dir: Path) -> Path:
    """Distance to the minimum after `steps` steps for each η, with the bound 2/L marked."""
    final = final_distances(lrs, steps=steps)
    fig, ax = subplots()
    floor, ceiling = 1e-20, 1e20  # converged runs sit on the floor, overflowed ones (inf) on the ceiling
    ax.semilogy(lrs, np.clip(np.nan_to_num(final, nan=ceiling, posinf=ceiling), floor, ceiling), ".-")
    ax.axvline(LR_BOUND, color="#C44E52", ls="--", label="bound η = 2/L = 0.5")
    ax.axvline(0.25, color="grey", ls=":", label="η = 0.25: zig-zag starts in y")
    ax.set_xlabel("learning rate η")
    ax.set_ylabel(f"‖p‖ after {steps} steps (log, clipped to 1e±20)")
    ax.set_title("Convergence holds exactly below η = 0.5")
    ax.legend()
    return save_figure(fig, out_dir, "lr_sweep")


def plot_loss_curves(paths: dict[str, np.ndarray], out_dir: Path) -> Path:
    fig, ax = subplots()
    for label, path in paths.items():
        with np.errstate(over="ignore", invalid="ignore"):
            values = path[:, 0] ** 2 + 2 * path[:, 1] ** 2
        ax.semilogy(values, label=label)
    ax.set_xlabel("step")
    ax.set_ylabel("f(p) (log)")
    ax.set_title("Loss per step")
    ax.legend(fontsize=8)
    return save_figure(fig, out_dir, "loss_curves")


# --- the run --------------------------------------------------------------------------------------------


def run(out_dir: Path, fast: bool = False, seed: int = 42) -> dict[str, Any]:
    """Check the numerical gradient at random points, sweep h and η, and draw the figures."""
    out_dir = Path(out_dir)
    rng = np.random.default_rng(seed)
    points = rng.uniform(-10, 10, size=(200 if fast else 10_000, 2))
    max_err = max_scaled_error(points)

    hs = np.logspace(-13, 0, 27 if fast else 53)
    sweep_point = (0.7, 1.3)
    sweep_figure, best_h = plot_step_sweep(hs, sweep_point, out_dir)

    steps = 60
    paths = {label: gradient_descent((3.0, 2.0), lr, steps) for label, lr in LEARNING_RATES.items()}
    lrs = np.round(np.arange(0.005, 0.7, 0.005 if fast else 0.001), 6)
    limit = empirical_lr_limit(lrs)
    figures = [
        sweep_figure,
        plot_contour_quiver(out_dir),
        plot_descent_paths(paths, out_dir),
        plot_lr_sweep(lrs, 2000, out_dir),
        plot_loss_curves(paths, out_dir),
    ]

    metrics: dict[str, Any] = {
        "n_random_points": len(points),
        "max_scaled_grad_error": max_err,
        "grad_tolerance": GRAD_TOLERANCE,
        "wavy_error_h_1e-5": gradient_error(wavy, wavy_gradient, sweep_point, 1e-5),
        "wavy_error_h_1e-12": gradient_error(wavy, wavy_gradient, sweep_point, 1e-12),
        "wavy_best_h": best_h["exp(x)·sin(y)"],
        "lr_bound_theory": LR_BOUND,
        "lr_limit_measured": limit,
        "lr_bound_gap": round(abs(LR_BOUND - limit), 6),
        "n_figures": len(figures),
    }
    for label, lr in LEARNING_RATES.items():
        final = float(np.linalg.norm(paths[label][-1]))
        metrics[f"final_dist_lr_{lr}"] = final if math.isfinite(final) else float("inf")
    return metrics


def report(metrics: dict[str, Any]) -> str:
    m = metrics
    points = f"{m['n_random_points']} random points in [-10, 10]², h = 1e-5"
    checks = markdown_table(
        [
            {
                "check": f"max |numerical − analytic| / (1 + |f|) over {points}",
                "value": f"{m['max_scaled_grad_error']:.2e} (tolerance {m['grad_tolerance']:.0e})",
            },
            {"check": "exp(x)·sin(y): error at h = 1e-5", "value": f"{m['wavy_error_h_1e-5']:.2e}"},
            {"check": "exp(x)·sin(y): error at h = 1e-12", "value": f"{m['wavy_error_h_1e-12']:.2e}"},
            {"check": "exp(x)·sin(y): best h in the sweep", "value": f"{m['wavy_best_h']:.1e}"},
            {"check": "learning-rate bound 2/L (theory)", "value": m["lr_bound_theory"]},
            {
                "check": "largest converging η (measured: ‖p‖ shrinks 1000× in 2000 steps)",
                "value": m["lr_limit_measured"],
            },
        ]
    )
    runs = markdown_table(
        [
            {"learning rate η": label, "‖p‖ after 60 steps from (3, 2)": f"{m[f'final_dist_lr_{lr}']:.3g}"}
            for label, lr in LEARNING_RATES.items()
        ]
    )
    return f"{checks}\n\n{runs}"


# --- CLI: `python -m week03_gradients grad X Y` --------------------------------------------------------


def parse_point(values: Sequence[str], n: int = 2) -> np.ndarray:
    """Turn command-line strings into a point, or raise a RoadmapError that says what is wrong."""
    if len(values) != n:
        raise RoadmapError(f"f(x, y) takes {n} coordinates, got {len(values)}: {list(values)}. Example: grad 1 2")
    point = []
    for name, text in zip("xyzw", values, strict=False):
        try:
            value = float(text)
        except ValueError:
            raise RoadmapError(f"{name} = {text!r} is not a number. Example: grad 1.5 -2") from None
        if not math.isfinite(value):
            raise RoadmapError(f"{name} = {text!r} must be a finite number")
        point.append(value)
    return np.array(point)


def grad_command(args) -> int:
    point = parse_point(args.coords)
    if not (math.isfinite(args.h) and args.h > 0):
        raise RoadmapError(f"--h must be a positive number, got {args.h}")
    analytic = analytic_gradient(point)
    numeric = numerical_gradient(f, point, args.h)
    print(f"f{tuple(point.tolist())} = {f(point):.10g}")
    print(f"analytic  ∇f = ({analytic[0]:.10g}, {analytic[1]:.10g})")
    print(f"numerical ∇f = ({numeric[0]:.10g}, {numeric[1]:.10g})   (central differences, h = {args.h:g})")
    print(f"max |difference| = {np.max(np.abs(numeric - analytic)):.2e}")
    return 0


def add_commands(sub) -> None:
    """Add `grad X Y` to the week's CLI (shared.cli.week_main)."""
    parser = sub.add_parser("grad", help="evaluate ∇f at a point, e.g. `grad 1 2`, `grad -1 2.5`, `grad -- -1e3 2`")
    parser.add_argument("coords", nargs="*", metavar="X Y", help="the point's coordinates")
    parser.add_argument("--h", type=float, default=DEFAULT_H, help=f"finite-difference step (default {DEFAULT_H:g})")
    parser.set_defaults(func=grad_command)
