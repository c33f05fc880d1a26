"""Evaluation by hand: the confusion matrix, precision/recall/F1, k-fold cross-validation, A/B-test sample size.

Each is what an interviewer asks you to write on a whiteboard; `interview.run()` checks each against
`sklearn.metrics`, `cross_val_score` and statsmodels' power analysis.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.stats import norm


def confusion_matrix_by_hand(y_true, y_pred, labels) -> np.ndarray:
    """Row = true class, column = predicted class (scikit-learn's convention)."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=int)
    for truth, guess in zip(y_true, y_pred, strict=True):
        matrix[index[truth], index[guess]] += 1
    return matrix


def precision_recall_f1(y_true, y_pred, positive=1) -> tuple[float, float, float]:
    """Precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = their harmonic mean (0 where undefined)."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    tp = np.sum((y_pred == positive) & (y_true == positive))
    fp = np.sum((y_pred == positive) & (y_true != positive))
    fn = np.sum((y_pred != positive) & (y_true == positive))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return float(precision), float(recall), float(f1)


def kfold_indices(n: int, k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Split 0..n−1 into k contiguous folds (the first n mod k folds one row longer); each fold is validation once."""
    if not 2 <= k <= n:
        raise ValueError(f"k must be between 2 and n={n}, got {k}")
    sizes = np.full(k, n // k)
    sizes[: n % k] += 1
    folds, start = [], 0
    for size in sizes:
        valid = np.arange(start, start + size)
        folds.append((np.setdiff1d(np.arange(n), valid), valid))
        start += size
    return folds


def cross_validate_by_hand(make_model: Callable, X: np.ndarray, y: np.ndarray, k: int) -> np.ndarray:
    """Fit a fresh model on k − 1 folds, score accuracy on the held-out fold; one score per fold."""
    scores = []
    for train, valid in kfold_indices(len(X), k):
        model = make_model().fit(X[train], y[train])
        scores.append(np.mean(model.predict(X[valid]) == y[valid]))
    return np.array(scores)


def ab_sample_size(baseline: float, lift: float, *, alpha: float = 0.05, power: float = 0.8) -> float:
    """Users per arm to detect a conversion rate moving from `baseline` to `baseline + lift` (two-sided z-test).

    Effect size is Cohen's h = 2·asin(√p₂) − 2·asin(√p₁) (arcsine makes the variance constant);
    each arm's mean of 2·asin(√p̂) has variance 1/n, so their difference has variance 2/n and
    n = 2·((z₁₋α/₂ + z_power) / h)². Round up: you cannot recruit part of a user.
    """
    h = 2 * np.arcsin(np.sqrt(baseline + lift)) - 2 * np.arcsin(np.sqrt(baseline))
    return float(2 * ((norm.ppf(1 - alpha / 2) + norm.ppf(power)) / h) ** 2)
