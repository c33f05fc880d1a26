"""How `roadmap grade week09 PATH` checks a learner's network for f(x) = x³ (see shared/grading).

The contract is the lesson's two moving parts: a network (`build_model`) and a training loop (`train`). The grader
owns the data: it draws its own 500 noisy training points, trains the learner's network with the learner's loop
for a fixed budget of epochs (one thread, seconds), and scores the noise-free test grid itself. The reference is
`nn_cubic.fit` on `model.MLP` through the thin adapter `Reference` below; the baseline is a straight line (a network
without hidden layers) trained by the same loop.

The trained network is kept per solution (`_trained`), so the checks and metrics that look at it train it once.
"""

from __future__ import annotations

import random
from types import SimpleNamespace

import numpy as np

from shared.grading import Check, Function, Metric, Rubric, SelfCheck, expect

CONTRACT = [
    Function("build_model", "build_model() -> torch.nn.Module",
             "a fresh, untrained network mapping an (n, 1) float32 tensor of x to (n, 1) predictions "
             "(the grader seeds torch just before calling it)"),
    Function("train", "train(model, x, y, *, epochs, seed) -> None",
             "train `model` in place for exactly `epochs` passes over the grader's points: x and y are (n, 1) "
             "float32 tensors, y = x³ + noise, x in [-2, 2]; every random choice (batch order) comes from `seed`"),
]  # fmt: skip
REFERENCE = "week09_nn_cubic.grading:Reference"
MEMORY_MB = 6000  # importing torch maps ~3 GB of address space before any tensor exists

N_TRAIN = 500  # the grader's training points (the lesson's fast run uses 1,000)
NOISE_STD = 0.05  # as in nn_cubic.Config
EPOCHS = 100  # the budget every solution gets: 500-1,000 steps, seconds on one thread
N_GRID = 401  # the noise-free test grid over [-2, 2]
GRADER_SEED = 2026  # the grader's points differ from the lesson's (seed 42)
TINY_Y, TOLERANCE = 0.1, 0.10  # "within 10%": relative where |y| ≥ 0.1, absolute 0.01 below (as in nn_cubic)
MEAN_PREDICTOR_MSE = 2.0**6 / 7  # E[x⁶] for x uniform on [-2, 2]: the test MSE of predicting 0, the mean of x³
FIT_MSE = 0.01  # test MSE a working network reaches in this budget (the reference: ~1e-3; a straight line: 1.5)
TRAIN_TIMEOUT_S = 120.0  # a check that trains: seconds on a quiet laptop, up to a minute on a busy 2-core CPU


class Reference:
    """The lesson's own network and loop under the contract's names (nn_cubic.fit with Adam, its fast-mode LR)."""

    @staticmethod
    def build_model():
        from week09_nn_cubic.model import MLP

        return MLP(hidden=64)

    @staticmethod
    def train(model, x, y, *, epochs: int, seed: int) -> None:
        from week09_nn_cubic import nn_cubic

        cfg = nn_cubic.FAST
        data = nn_cubic.Splits(x, y, x[:1], y[:1])  # the grader scores the test grid itself; no validation here
        nn_cubic.fit(model, data, optimiser="adam", lr=cfg.learning_rates[0], epochs=epochs,
                     batch_size=cfg.batch_size, seed=seed)  # fmt: skip


def straight_line():
    """The baseline: a network without hidden layers, trained by the reference's loop."""
    from torch import nn

    return nn.Linear(1, 1)


BASELINE = SimpleNamespace(build_model=straight_line, train=Reference.train)


# --- the grader's data and the trained network -------------------------------------------------------------------


def training_points(n: int, seed: int = GRADER_SEED):
    import torch

    gen = torch.Generator().manual_seed(seed)
    x = torch.rand(n, 1, generator=gen) * 4 - 2
    return x, x**3 + NOISE_STD * torch.randn(n, 1, generator=gen)


def train_fresh(sol, *, n: int | None = None, epochs: int | None = None, seed: int = GRADER_SEED, disturb: int = 0):
    """Seed torch, build the learner's network, let other code draw `disturb` random numbers, then train it.

    `n` and `epochs` default to the grader's budget (N_TRAIN, EPOCHS), read at call time.
    """
    import torch

    x, y = training_points(n or N_TRAIN)
    torch.manual_seed(seed)
    model = sol.build_model()
    torch.rand(disturb), np.random.rand(disturb), [random.random() for _ in range(disturb)]  # noqa: NPY002 - other code
    sol.train(model, x, y, epochs=epochs or EPOCHS, seed=seed)
    return model


def grid_predictions(model) -> tuple[np.ndarray, np.ndarray]:
    """(x, network's f(x)) on the test grid, in eval mode and without gradients."""
    import torch

    x = torch.linspace(-2, 2, N_GRID).unsqueeze(1)
    with torch.no_grad():
        pred = model.eval()(x)
    return x.squeeze(1).double().numpy(), np.asarray(pred, dtype="float64").reshape(-1)


_trained: dict[int, tuple[object, tuple[np.ndarray, np.ndarray]]] = {}


def trained_grid(sol) -> tuple[np.ndarray, np.ndarray]:
    """The learner's network trained once on the grader's points (budget EPOCHS), predicted on the test grid."""
    if id(sol) not in _trained:
        _trained[id(sol)] = (sol, grid_predictions(train_fresh(sol)))  # keeps `sol` alive: its id stays unique
    return _trained[id(sol)][1]


def scores(sol) -> dict[str, float]:
    x, pred = trained_grid(sol)
    y = x**3
    error = np.abs(pred - y)
    big = np.abs(y) >= TINY_Y
    return {
        "test_mse": float(np.mean(error**2)),
        "max_rel_error": float(np.max(error[big] / np.abs(y[big]))),
        "share_within_10pct": float(np.mean(error <= TOLERANCE * np.maximum(np.abs(y), TINY_Y))),
    }


# --- checks -----------------------------------------------------------------------------------------------------


def check_shapes(sol) -> None:
    import torch

    model = sol.build_model()
    expect(isinstance(model, torch.nn.Module), f"build_model() returned {type(model).__name__}, not a torch.nn.Module")
    out = model(torch.linspace(-2, 2, 5).unsqueeze(1))
    expect(isinstance(out, torch.Tensor) and tuple(out.shape) == (5, 1),
           f"the network maps a (5, 1) input to {tuple(getattr(out, 'shape', ())) or type(out).__name__}, "
           "expected (5, 1)")  # fmt: skip


def check_improves_on_mean(sol) -> None:
    mse = scores(sol)["test_mse"]
    expect(mse < MEAN_PREDICTOR_MSE,
           f"after {EPOCHS} epochs the test MSE is {mse:.3g}, worse than predicting the mean everywhere "
           f"({MEAN_PREDICTOR_MSE:.3g}): training diverged")  # fmt: skip


def check_not_constant(sol) -> None:
    x, pred = trained_grid(sol)
    spread = float(np.std(pred) / np.std(x**3))
    expect(spread > 0.1, f"the predictions over [-2, 2] vary {spread:.1%} as much as x³ does: almost a constant")


def check_not_straight_line(sol) -> None:
    x, pred = trained_grid(sol)
    r2 = float(np.corrcoef(x, pred)[0, 1] ** 2) if np.std(pred) > 0 else 1.0
    expect(r2 < 0.99, f"a straight line explains {r2:.2%} of your network's curve (of x³ itself: 84%)")


def check_fits(sol) -> None:
    s = scores(sol)
    expect(s["test_mse"] <= FIT_MSE,
           f"test MSE {s['test_mse']:.2e} after {EPOCHS} epochs on {N_TRAIN} points, above {FIT_MSE:g} "
           f"(share of the grid within 10%: {s['share_within_10pct']:.0%})")  # fmt: skip


def check_same_seed(sol) -> None:
    runs = [grid_predictions(train_fresh(sol, n=100, epochs=3, disturb=d))[1] for d in (7, 11)]
    diff = float(np.max(np.abs(runs[0] - runs[1])))
    expect(diff == 0.0, f"two runs of train(..., seed={GRADER_SEED}) from the same initial weights differ by up to "
                        f"{diff:.3g}")  # fmt: skip


CHECKS = [
    Check("network_shapes", "network", check_shapes,
          "build_model() must return a torch.nn.Module that maps an (n, 1) float tensor to (n, 1): "
          "nn.Linear(1, hidden) first, nn.Linear(hidden, 1) last"),
    Check("training_improves_on_the_mean", "training loop", check_improves_on_mean,
          "the loss grew instead of shrinking: zero the gradients every step (optimiser.zero_grad() before "
          "loss.backward(), which adds to .grad), and check the learning rate",
          timeout_s=TRAIN_TIMEOUT_S),
    Check("predicts_more_than_a_constant", "training loop", check_not_constant,
          "a network that predicts one value everywhere learned the mean of y: check the shapes, an (n, 1) output "
          "against an (n,) target broadcasts to (n, n) in MSELoss",
          timeout_s=TRAIN_TIMEOUT_S),
    Check("not_a_straight_line", "network", check_not_straight_line,
          "stacked Linear layers without an activation are one Linear layer: put a non-linearity (Tanh, ReLU) "
          "between them",
          timeout_s=TRAIN_TIMEOUT_S),
    Check("fits_x_cubed", "fit", check_fits,
          "the network does not follow x³ closely yet: try Adam with a learning rate of 1e-3 to 1e-2, mini-batches "
          "of 32-100 points, and a smooth activation (Tanh)",
          timeout_s=TRAIN_TIMEOUT_S),
    Check("same_seed_same_model", "reproducibility", check_same_seed,
          "train(..., seed) must be reproducible on its own: draw the batch order from "
          "torch.Generator().manual_seed(seed) (or call torch.manual_seed(seed) at its start), never from "
          "whatever state the global generator is in",
          timeout_s=TRAIN_TIMEOUT_S),
]  # fmt: skip

METRICS = [
    Metric("test_mse", lambda sol: scores(sol)["test_mse"], "lower", baseline=BASELINE,
           baseline_name="straight line (no hidden layer)",
           description=f"noise-free grid of {N_GRID} points over [-2, 2], after {EPOCHS} epochs on {N_TRAIN} points",
           timeout_s=TRAIN_TIMEOUT_S),
    Metric("max_rel_error", lambda sol: scores(sol)["max_rel_error"], "lower", baseline=BASELINE,
           baseline_name="straight line (no hidden layer)",
           description="worst |ŷ − y| / |y| on the grid where |y| ≥ 0.1 (the lesson's target is ≤ 10%, after "
                       "its full training budget)", timeout_s=TRAIN_TIMEOUT_S),
    Metric("share_within_10pct", lambda sol: scores(sol)["share_within_10pct"], "higher", baseline=BASELINE,
           baseline_name="straight line (no hidden layer)",
           description="share of grid points within 10% (relative, or 0.01 absolute where |y| < 0.1)",
           timeout_s=TRAIN_TIMEOUT_S),
]  # fmt: skip

RUBRIC = Rubric.equal(
    "network",
    "training loop",
    "fit",
    "reproducibility",
    self_assessment=[
        SelfCheck("Are your learning rate and number of epochs chosen on validation data, with the table of what "
                  "you compared?", "week09_nn_cubic/README.md#results"),
        SelfCheck("Do you state precisely what \"within 10% error\" means near x = 0, and measure it over several "
                  "seeds?", "week09_nn_cubic/README.md#write-up"),
        SelfCheck("Do you compare optimisers fairly (each at its own best learning rate)?",
                  "week09_nn_cubic/README.md#write-up"),
    ],
)  # fmt: skip
