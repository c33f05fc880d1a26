"""One look for every figure, and one way to save it (PNG, closed after saving).

No backend is forced here: scripts run headless through `shared.cli` (which selects Agg), and notebooks keep
their inline backend so figures show live. Plot functions return the Figure; saving is a separate call.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt

STYLE = {
    "figure.figsize": (7, 4.5),
    "figure.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "legend.frameon": False,
    "savefig.bbox": "tight",
    "savefig.dpi": 110,
    "image.cmap": "viridis",
    "axes.prop_cycle": matplotlib.cycler(
        color=["#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C"]
    ),
}


def apply_style() -> None:
    """Apply the course style to matplotlib (seaborn plots inherit it)."""
    plt.rcParams.update(STYLE)


def subplots(*args, **kwargs):
    """`plt.subplots` with the course style applied first."""
    apply_style()
    return plt.subplots(*args, **kwargs)


def save_figure(fig, out_dir: Path | str, name: str, *, close: bool = True) -> Path:
    """Save `fig` as `<out_dir>/<name>.png`, close it (unless `close=False`), and return the path.

    Closing matters: a training run that draws fifty figures would otherwise keep them all in memory.
    A notebook that wants to keep showing the figure passes `close=False`.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{Path(name).stem}.png"
    fig.savefig(path)
    if close:
        plt.close(fig)
    return path


def plot_cv_search(searches: dict, *, title: str, target: float | None = None):
    """Every candidate of one or more fitted `GridSearchCV`/`RandomizedSearchCV` (scored on "accuracy"),
    sorted, with its spread across folds: shows how much tuning actually mattered, and how noisy CV is.

    Returns the Figure (a notebook shows it; a script passes it to `save_figure`)."""
    import numpy as np

    fig, ax = subplots(figsize=(8, 4.5))
    for label, search in searches.items():
        cv = search.cv_results_
        order = np.argsort(cv["mean_test_accuracy"])
        ax.errorbar(
            np.arange(len(order)),
            cv["mean_test_accuracy"][order],
            yerr=cv["std_test_accuracy"][order],
            marker="o",
            capsize=3,
            label=label,
        )
    if target is not None:
        ax.axhline(target, ls="--", color="#8C8C8C", label=f"target {target:g}")
    ax.set(xlabel="candidate (sorted by CV accuracy)", ylabel="CV accuracy (mean ± std)", title=title)
    ax.legend()
    return fig
