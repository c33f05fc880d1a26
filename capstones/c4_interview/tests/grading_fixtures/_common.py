"""Correct answers the wrong solutions share, so each fixture differs from a right answer in one place only.

Written the way a learner might (not copied from the lesson): the grader must accept any correct solution.
"""

import numpy as np
from scipy.stats import norm


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1 / (1 + np.exp(-z[positive]))
    e = np.exp(z[~positive])  # e^z for z < 0: never overflows
    out[~positive] = e / (1 + e)
    return out


def logistic_regression_gd(X, y, *, l2, learning_rate=0.5, epochs=5000):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    for _ in range(epochs):
        error = sigmoid(X @ w + b) - y
        w = w - learning_rate * (X.T @ error / n + l2 * w)
        b = b - learning_rate * error.mean()
    return w, b


def pca_svd(X, k):
    centred = X - X.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    return vt[:k], (s**2 / np.sum(s**2))[:k]


def two_layer_forward_backward(X, y, W1, b1, W2, b2):
    h = np.tanh(X @ W1 + b1)
    p = sigmoid(h @ W2 + b2).ravel()
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    dz2 = ((p - y) / len(y))[:, None]
    dz1 = dz2 @ W2.T * (1 - h**2)
    return float(loss), {"W2": h.T @ dz2, "b2": dz2.sum(axis=0), "W1": X.T @ dz1, "b1": dz1.sum(axis=0)}


def softmax(scores):
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def attention(Q, K, V, causal=False):
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if causal:
        scores = np.where(np.triu(np.ones(scores.shape[-2:], dtype=bool), k=1), -np.inf, scores)
    return softmax(scores) @ V


def confusion_matrix_by_hand(y_true, y_pred, labels):
    position = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=int)
    for truth, guess in zip(y_true, y_pred, strict=True):
        matrix[position[truth], position[guess]] += 1
    return matrix


def ratio(a, b):
    return float(a / b) if b else 0.0


def precision_recall_f1(y_true, y_pred, positive=1):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    tp = np.sum((y_pred == positive) & (y_true == positive))
    fp = np.sum((y_pred == positive) & (y_true != positive))
    fn = np.sum((y_pred != positive) & (y_true == positive))
    precision, recall = ratio(tp, tp + fp), ratio(tp, tp + fn)
    return precision, recall, ratio(2 * precision * recall, precision + recall)


def kfold_indices(n, k):
    if not 2 <= k <= n:
        raise ValueError(f"need 2 <= k <= n, got k={k}, n={n}")
    folds = []
    for valid in np.array_split(np.arange(n), k):
        folds.append((np.setdiff1d(np.arange(n), valid), valid))
    return folds


def cross_validate_by_hand(make_model, X, y, k):
    scores = []
    for train, valid in kfold_indices(len(X), k):
        model = make_model().fit(X[train], y[train])
        scores.append(np.mean(model.predict(X[valid]) == y[valid]))
    return np.array(scores)


def ab_sample_size(baseline, lift, *, alpha=0.05, power=0.8):
    h = 2 * np.arcsin(np.sqrt(baseline + lift)) - 2 * np.arcsin(np.sqrt(baseline))
    return float(2 * ((norm.ppf(1 - alpha / 2) + norm.ppf(power)) / h) ** 2)
