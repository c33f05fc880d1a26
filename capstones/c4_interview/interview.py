"""Capstone 4, the lesson: every interview-readiness task solved once and checked against the library that does it.

Read top-down: Config → one `check_*` function per hand-written solution (ours vs the library, the largest
difference, the tolerance) → the two experiments (bias–variance, class imbalance) → `index_table` (the 25 tasks and
the nine checkpoint questions, each linked to its solution and test) → plots → run().
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score, precision_score, recall_score
from sklearn.model_selection import KFold, cross_val_score
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

from capstones.c4_interview import deep_learning, evaluation, experiments, from_scratch
from shared.plotting import save_figure, subplots
from shared.result import Result
from shared.targets import Target
from shared.threads import torch_threads

TASKS_CSV = Path(__file__).with_name("tasks.csv")
TARGETS = [
    Target("checks_failed", "<=", 0, "issue 16: every cross-check against the library passes"),
    Target("tasks_indexed", ">=", 34, "issue 16: 25 readiness tasks + 9 checkpoint questions"),
]
HEADLINE = ("checks_passed",)


@dataclass(frozen=True, kw_only=True)
class Config:
    """Every knob of the full run, one comment each. Nothing depends on a measured time."""

    logreg_epochs: int = 20000  # gradient-descent steps; enough to match scikit-learn to 1e-3 on 30 features
    bias_variance_repeats: int = 400  # training sets per degree; Monte-Carlo error of the decomposition ≈ 1%
    degrees: tuple[int, ...] = tuple(range(1, 13))  # polynomial degrees compared
    depth: int = 30  # blocks in the plain / residual stacks
    cv_folds: int = 5  # folds for the hand-written k-fold check


FAST = Config(logreg_epochs=6000, bias_variance_repeats=120, degrees=(1, 2, 3, 4, 6, 9, 12), depth=20)


def check_row(check: str, ours: str, library: str, difference: float, tolerance: float) -> dict:
    return {"check": check, "ours": ours, "library": library, "difference": float(difference),
            "tolerance": tolerance, "passed": bool(difference <= tolerance)}  # fmt: skip


def standardised_cancer() -> tuple[np.ndarray, np.ndarray]:
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y.astype(float)


def check_logistic_regression(config: Config) -> dict:
    """Same objective both sides: sklearn minimises C·Σ log-loss + ½‖w‖², i.e. mean log-loss + ½·(1/(nC))‖w‖²."""
    X, y = standardised_cancer()
    C = 1.0
    w, b = from_scratch.logistic_regression_gd(X, y, l2=1 / (len(X) * C), epochs=config.logreg_epochs)
    reference = LogisticRegression(C=C, tol=1e-10, max_iter=10_000).fit(X, y)
    diff = max(np.abs(w - reference.coef_.ravel()).max(), abs(b - reference.intercept_[0]))
    return check_row("logreg_vs_sklearn", "gradient descent (NumPy)", "LogisticRegression (lbfgs)", diff, 2e-3)


def check_backprop(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(32, 4)), rng.integers(0, 2, 32).astype(float)
    params = {"W1": rng.normal(size=(4, 8)), "b1": rng.normal(size=8), "W2": rng.normal(size=(8, 1)),
              "b2": rng.normal(size=1)}  # fmt: skip
    loss, grads = from_scratch.two_layer_forward_backward(X, y, **params)
    tensors = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    h = torch.tanh(torch.tensor(X) @ tensors["W1"] + tensors["b1"])
    logits = (h @ tensors["W2"] + tensors["b2"]).squeeze(1)
    torch_loss = F.binary_cross_entropy_with_logits(logits, torch.tensor(y))
    torch_loss.backward()
    diff = max(np.abs(grads[k] - tensors[k].grad.numpy()).max() for k in params)
    diff = max(diff, abs(loss - torch_loss.item()))
    return check_row("backprop_vs_autograd", "chain rule by hand (NumPy)", "torch autograd (float64)", diff, 1e-10)


def check_pca() -> dict:
    X, _ = standardised_cancer()
    components, ratio = from_scratch.pca_svd(X, 5)
    reference = PCA(n_components=5).fit(X)
    signs = np.sign(np.sum(components * reference.components_, axis=1))[:, None]  # eigenvectors: ± the same
    diff = max(np.abs(components * signs - reference.components_).max(),
               np.abs(ratio - reference.explained_variance_ratio_).max())  # fmt: skip
    return check_row("pca_vs_sklearn", "SVD of centred data (NumPy)", "sklearn PCA (up to sign)", diff, 1e-8)


def check_attention(seed: int) -> dict:
    generator = torch.Generator().manual_seed(seed)
    q, k, v = (torch.randn(2, 3, 7, 16, generator=generator, dtype=torch.float64) for _ in range(3))
    diff = 0.0
    for causal in (False, True):
        ours = from_scratch.attention(q.numpy(), k.numpy(), v.numpy(), causal=causal)
        theirs = F.scaled_dot_product_attention(q, k, v, is_causal=causal).numpy()
        diff = max(diff, np.abs(ours - theirs).max())
    return check_row("attention_vs_sdpa", "softmax(QKᵀ/√d)V, causal and not (NumPy)",
                     "F.scaled_dot_product_attention", diff, 1e-10)  # fmt: skip


def check_confusion_and_f1(seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    y_true, y_pred = rng.integers(0, 3, 500), rng.integers(0, 3, 500)
    ours = evaluation.confusion_matrix_by_hand(y_true, y_pred, labels=[0, 1, 2])
    cm_diff = np.abs(ours - confusion_matrix(y_true, y_pred, labels=[0, 1, 2])).max()
    binary_true, binary_pred = (y_true == 1).astype(int), (y_pred == 1).astype(int)
    prf = evaluation.precision_recall_f1(binary_true, binary_pred)
    library = (precision_score(binary_true, binary_pred), recall_score(binary_true, binary_pred),
               f1_score(binary_true, binary_pred))  # fmt: skip
    return [
        check_row("confusion_vs_sklearn", "counting loop", "sklearn.metrics.confusion_matrix", cm_diff, 0),
        check_row("prf_vs_sklearn", "TP/FP/FN by hand", "precision_score, recall_score, f1_score",
                  np.abs(np.subtract(prf, library)).max(), 1e-12),
    ]  # fmt: skip


def check_cross_validation(config: Config, seed: int) -> dict:
    X, y = standardised_cancer()

    def make_model():
        return DecisionTreeClassifier(max_depth=3, random_state=seed)

    ours = evaluation.cross_validate_by_hand(make_model, X, y, config.cv_folds)
    theirs = cross_val_score(make_model(), X, y, cv=KFold(config.cv_folds), scoring="accuracy")
    return check_row("kfold_vs_cross_val_score", f"{config.cv_folds} folds by hand", "cross_val_score(KFold)",
                     np.abs(ours - theirs).max(), 1e-12)  # fmt: skip


def check_ab_test() -> dict:
    """Conversion 10% → 11% at α = 0.05, power 0.8: users per arm, ours vs statsmodels' solver."""
    ours = evaluation.ab_sample_size(0.10, 0.01)
    effect = proportion_effectsize(0.11, 0.10)
    theirs = NormalIndPower().solve_power(effect_size=effect, alpha=0.05, power=0.8, ratio=1.0)
    return check_row("ab_vs_statsmodels", f"closed form: {np.ceil(ours):.0f} users per arm",
                     "NormalIndPower.solve_power", abs(ours - theirs) / theirs, 1e-3)  # fmt: skip


def check_residual_gradient(config: Config, seed: int) -> tuple[dict, dict]:
    plain = deep_learning.gradient_at_first_layer(config.depth, residual=False, seed=seed)
    residual = deep_learning.gradient_at_first_layer(config.depth, residual=True, seed=seed)
    row = check_row("residual_gradient", f"residual stack: first-layer gradient {residual:.2g}",
                    f"plain stack: {plain:.2g}", plain / residual, 1e-3)  # fmt: skip  # residual carries ≥1000× more
    return row, {"plain_first_layer_grad": plain, "residual_first_layer_grad": residual}


def check_bias_variance(config: Config, seed: int) -> tuple[list[dict], pd.DataFrame]:
    table = experiments.bias_variance(config.degrees, repeats=config.bias_variance_repeats, seed=seed)
    gap = np.abs(table.measured_mse - table.decomposed_mse) / table.measured_mse
    best = table.loc[table.measured_mse.idxmin()]
    first, last = table.iloc[0], table.iloc[-1]
    bias_falls = bool(best.bias2 < first.bias2 / 10)  # degree 1 underfits: mostly bias
    variance_rises = bool(last.variance > 10 * best.variance)  # the highest degree overfits: mostly variance
    extremes_worse = bool(first.degree < best.degree < last.degree)
    return [
        check_row("bias_variance_decomposition", "bias² + variance + σ² (simulated)",
                  "measured error on validation points", gap.max(), 0.05),
        check_row("degree_chosen_on_validation", f"best degree on validation points: {int(best.degree)}",
                  "low degree: bias; high: variance; a middle one wins",
                  0.0 if bias_falls and variance_rises and extremes_worse else 1.0, 0.0),
    ], table  # fmt: skip


def check_imbalance(seed: int) -> tuple[dict, pd.DataFrame]:
    """The remedies must raise recall over the untreated model; balanced weights must be sklearn's n / (2·n_c)."""
    X, y = experiments.load_rare_wines()
    table = experiments.imbalance_remedies(X, y, seed=seed)
    recall = table.set_index("remedy")["recall"]
    untreated = recall.iloc[0]
    raised = bool((recall.iloc[1:] > untreated).all())
    return check_row("imbalance_remedies", f"untreated recall {untreated:.2f}",
                     f"every remedy higher ({', '.join(f'{r:.2f}' for r in recall.iloc[1:])})",
                     0.0 if raised else 1.0, 0.0), table  # fmt: skip


def index_table(checks: pd.DataFrame) -> pd.DataFrame:
    """The 25 tasks and nine questions (tasks.csv), with the verdict of each task's cross-check."""
    tasks = pd.read_csv(TASKS_CSV, dtype=str, keep_default_na=False)
    verdict = dict(zip(checks.check, checks.passed, strict=True))
    unknown = set(tasks.check) - set(verdict) - {""}
    if unknown:
        raise ValueError(f"tasks.csv names checks that run() does not compute: {sorted(unknown)}")
    tasks["verdict"] = [("pass" if verdict[c] else "FAIL") if c else "linked" for c in tasks.check]
    return tasks


def plot_bias_variance(table: pd.DataFrame):
    fig, ax = subplots(figsize=(6, 4))
    ax.plot(table.degree, table.bias2, marker="o", label="bias²")
    ax.plot(table.degree, table.variance, marker="o", label="variance")
    ax.plot(table.degree, table.measured_mse, marker="o", color="black", label="error on validation points")
    ax.axhline(table.noise2.iloc[0], color="grey", linestyle=":", label="noise σ² (the floor)")
    ax.set(xlabel="polynomial degree", ylabel="mean squared error", yscale="log",
           title="Bias–variance: sin(2πx) + noise, 30 points per fit")  # fmt: skip
    ax.legend()
    return fig


def plot_gradients(config: Config, seed: int):
    depths = list(range(2, config.depth + 1, 2))
    fig, ax = subplots(figsize=(6, 4))
    for residual, label in ((False, "plain stack"), (True, "residual stack")):
        norms = [deep_learning.gradient_at_first_layer(d, residual=residual, seed=seed) for d in depths]
        ax.plot(depths, norms, marker="o", label=label)
    ax.set(xlabel="depth (sigmoid blocks)", ylabel="‖∂loss/∂W₁‖", yscale="log",
           title="Gradient reaching the first layer")  # fmt: skip
    ax.legend()
    return fig


def run(out_dir: Path, fast: bool = False, seed: int = 42) -> Result:
    """Compute every cross-check, run both experiments, build the index table."""
    config = FAST if fast else Config()
    with torch_threads(1):  # tiny tensors: one thread is fastest, and never fights other processes
        return _run(config, Path(out_dir), seed)


def _run(config: Config, out_dir: Path, seed: int) -> Result:
    rows = [check_logistic_regression(config), check_backprop(seed), check_pca(), check_attention(seed)]
    rows += check_confusion_and_f1(seed)
    rows += [check_cross_validation(config, seed), check_ab_test()]
    residual_row, gradients = check_residual_gradient(config, seed)
    bias_rows, bias_table = check_bias_variance(config, seed)
    imbalance_row, imbalance_table = check_imbalance(seed)
    checks = pd.DataFrame([*rows, residual_row, *bias_rows, imbalance_row])
    index = index_table(checks)

    figures_dir = Path(out_dir) / "figures"
    figures = [save_figure(plot_bias_variance(bias_table), figures_dir, "bias_variance"),
               save_figure(plot_gradients(config, seed), figures_dir, "residual_gradients")]  # fmt: skip
    best_f1 = imbalance_table.loc[imbalance_table.f1.idxmax()]
    metrics = {
        "checks_passed": int(checks.passed.sum()),
        "checks_failed": int((~checks.passed).sum()),
        "tasks_indexed": len(index),
        "tasks_solved_here": int((index.check != "").sum()),
        "ab_users_per_arm": int(np.ceil(evaluation.ab_sample_size(0.10, 0.01))),
        "bias_variance_repeats": config.bias_variance_repeats,
        "best_degree": int(bias_table.loc[bias_table.measured_mse.idxmin(), "degree"]),
        "imbalance_best_remedy": str(best_f1.remedy),
        "imbalance_best_f1": float(best_f1.f1),
        "imbalance_best_f1_ci_low": float(best_f1.f1_ci_low),
        "imbalance_best_f1_ci_high": float(best_f1.f1_ci_high),
        **gradients,
    }
    tables = {"index": index, "checks": checks, "bias_variance": bias_table, "imbalance": imbalance_table}
    return Result(metrics=metrics, tables=tables, figures=figures)
