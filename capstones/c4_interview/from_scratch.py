"""Interview classics written by hand in NumPy: logistic regression by gradient descent, PCA by SVD, backprop.

Each function is the textbook algorithm in a few lines; `interview.run()` checks its answer against the library
that does it for real (scikit-learn, PyTorch autograd). Read the code, then the check.
"""

from __future__ import annotations

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def logistic_regression_gd(
    X: np.ndarray, y: np.ndarray, *, l2: float, learning_rate: float = 0.5, epochs: int = 5000
) -> tuple[np.ndarray, float]:
    """Minimise mean log-loss + (l2 / 2)·‖w‖² by full-batch gradient descent; returns (weights, intercept).

    The gradient of the mean log-loss is Xᵀ(p − y) / n: the prediction error, weighted by each feature.
    The intercept is not penalised (as in scikit-learn). Standardise X first, or the step size must shrink.
    """
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    for _ in range(epochs):
        error = sigmoid(X @ w + b) - y  # p − y
        w -= learning_rate * (X.T @ error / n + l2 * w)
        b -= learning_rate * error.mean()
    return w, b


def pca_svd(X: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Principal components by SVD of the centred data: (components k×d, explained-variance ratio of each).

    X − mean = U S Vᵀ: the rows of Vᵀ are the directions of largest variance, S² / (n − 1) their variances.
    """
    centred = X - X.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    variance = s**2 / (len(X) - 1)
    return vt[:k], variance[:k] / variance.sum()


def two_layer_forward_backward(
    X: np.ndarray, y: np.ndarray, W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: np.ndarray
) -> tuple[float, dict[str, np.ndarray]]:
    """Loss and gradients of a tanh hidden layer + sigmoid output with mean binary cross-entropy, by the chain rule.

    Backward pass, one line per layer, from the loss back to the input:
      dL/dz2 = (p − y) / n            (sigmoid + cross-entropy simplify to this)
      dL/dW2 = hᵀ dz2,  dL/db2 = Σ dz2
      dL/dh  = dz2 W2ᵀ,  dL/dz1 = dL/dh · (1 − h²)   (tanh' = 1 − tanh²)
      dL/dW1 = Xᵀ dz1,  dL/db1 = Σ dz1
    """
    h = np.tanh(X @ W1 + b1)
    p = sigmoid(h @ W2 + b2).ravel()
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    dz2 = ((p - y) / len(y))[:, None]
    dz1 = (dz2 @ W2.T) * (1 - h**2)
    grads = {"W2": h.T @ dz2, "b2": dz2.sum(axis=0), "W1": X.T @ dz1, "b1": dz1.sum(axis=0)}
    return float(loss), grads


def attention(Q: np.ndarray, K: np.ndarray, V: np.ndarray, causal: bool = False) -> np.ndarray:
    """Scaled dot-product attention: softmax(Q Kᵀ / √d) V, with an optional causal mask (no peeking ahead)."""
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if causal:
        future = np.triu(np.ones(scores.shape[-2:], dtype=bool), k=1)
        scores = np.where(future, -np.inf, scores)
    scores = scores - scores.max(axis=-1, keepdims=True)  # stable softmax: same result, no overflow
    weights = np.exp(scores)
    weights /= weights.sum(axis=-1, keepdims=True)
    return weights @ V
