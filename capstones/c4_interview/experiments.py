"""The "explain …" items as small measured experiments: bias–variance by polynomial degree, class-imbalance remedies.

Bias–variance: many training sets drawn from one noisy curve; each polynomial degree is fitted to every set, and
its error on fresh points splits into bias² (wrong on average), variance (different each draw) and noise.
Class imbalance: white wines rated 8 or 9 (about 4% of wines), one logistic regression, four remedies, one test set.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.polynomial import Polynomial
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_recall_curve, precision_score, recall_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import resample

from shared.data import load_wine
from shared.stats import bootstrap_ci


def true_curve(x: np.ndarray) -> np.ndarray:
    return np.sin(2 * np.pi * x)


def bias_variance(degrees, *, repeats: int, n_train: int = 30, noise: float = 0.3, seed: int = 0) -> pd.DataFrame:
    """Per degree: bias², variance, noise², their sum, and the measured error on fresh noisy points.

    The decomposition E[(ŷ − y)²] = bias² + variance + σ² is a theorem; the `measured_mse` column checks it
    by simulation (it must match `bias2 + variance + noise2` up to Monte-Carlo error).
    """
    rng = np.random.default_rng(seed)
    grid = np.linspace(0.05, 0.95, 50)
    train_x = rng.uniform(0, 1, size=(repeats, n_train))
    train_y = true_curve(train_x) + rng.normal(0, noise, size=train_x.shape)
    fresh_y = true_curve(grid) + rng.normal(0, noise, size=(repeats, len(grid)))  # new points, never trained on
    rows = []
    for degree in degrees:
        preds = np.array([Polynomial.fit(x, y, degree)(grid) for x, y in zip(train_x, train_y, strict=True)])
        rows.append({
            "degree": degree,
            "bias2": float(np.mean((preds.mean(axis=0) - true_curve(grid)) ** 2)),
            "variance": float(np.mean(preds.var(axis=0))),
            "noise2": noise**2,
            "measured_mse": float(np.mean((preds - fresh_y) ** 2)),
        })  # fmt: skip
    table = pd.DataFrame(rows)
    table["decomposed_mse"] = table.bias2 + table.variance + table.noise2
    return table


def load_rare_wines() -> tuple[pd.DataFrame, pd.Series]:
    """White wines; the positive class is 'excellent' (quality ≥ 8), about 3.7% of them."""
    wine = load_wine("white")
    return wine.drop(columns="quality"), (wine["quality"] >= 8).astype(int)


def best_f1_threshold(y: np.ndarray, proba: np.ndarray) -> float:
    """The probability cut-off that maximises F1 on the given (validation) predictions."""
    precision, recall, thresholds = precision_recall_curve(y, proba)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    return float(thresholds[int(np.argmax(f1[:-1]))])  # the last (precision 1, recall 0) point has no threshold


def imbalance_remedies(X: pd.DataFrame, y: pd.Series, *, seed: int, test_size: float = 0.3) -> pd.DataFrame:
    """Fit the same model four ways; score each once on the held-out test set (recall, precision, F1 with CI).

    The threshold for "threshold moving" is chosen on out-of-fold predictions on the training part only.
    """
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, stratify=y, random_state=seed)

    def model(**kwargs):
        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, **kwargs))

    positives = X_train[y_train == 1]
    extra = resample(positives, n_samples=int((y_train == 0).sum() - len(positives)), random_state=seed)
    X_over = pd.concat([X_train, extra])
    y_over = pd.concat([y_train, pd.Series(1, index=extra.index)])

    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    oof = cross_val_predict(model(), X_train, y_train, cv=folds, method="predict_proba")[:, 1]
    threshold = best_f1_threshold(y_train.to_numpy(), oof)

    plain = model().fit(X_train, y_train)
    predictions = {
        "none (threshold 0.5)": plain.predict(X_test),
        "class weights (balanced)": model(class_weight="balanced").fit(X_train, y_train).predict(X_test),
        "random oversampling": model().fit(X_over, y_over).predict(X_test),
        f"threshold moving (t = {threshold:.3f}, chosen out-of-fold)": (
            plain.predict_proba(X_test)[:, 1] >= threshold
        ).astype(int),
    }
    truth = y_test.to_numpy()
    rows = []
    for name, pred in predictions.items():
        low, high = bootstrap_ci(_f1_vectorised, truth, np.asarray(pred), seed=seed)
        rows.append({
            "remedy": name,
            "recall": recall_score(truth, pred, zero_division=0),
            "precision": precision_score(truth, pred, zero_division=0),
            "f1": f1_score(truth, pred, zero_division=0),
            "f1_ci_low": low,
            "f1_ci_high": high,
        })  # fmt: skip
    return pd.DataFrame(rows)


def _f1_vectorised(y_true: np.ndarray, y_pred: np.ndarray, axis: int = -1) -> np.ndarray:
    tp = np.sum((y_true == 1) & (y_pred == 1), axis=axis)
    wrong = np.sum(y_true != y_pred, axis=axis)
    return 2 * tp / np.maximum(2 * tp + wrong, 1)
