"""Wrong on purpose (grading fixture): attention's softmax exponentiates the raw scores.

Exact on ordinary inputs; with scores over ~709, e^score is inf and the weights become NaN. Caught by
`attention_survives_large_scores`.
"""

import numpy as np
from _common import *  # noqa: F403 - every other function of the contract, correct


def attention(Q, K, V, causal=False):
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if causal:
        scores = np.where(np.triu(np.ones(scores.shape[-2:], dtype=bool), k=1), -np.inf, scores)
    weights = np.exp(scores)  # the mistake: no `scores - scores.max(axis=-1, keepdims=True)` first
    return (weights / weights.sum(axis=-1, keepdims=True)) @ V
