"""Wrong on purpose: returns the probability of the *predicted* label, not P(positive).

`softmax(logits).max(-1)` is always at least 0.5, so every sentence looks positive. Expected: the grader's
one-class check fails.
"""

import re

import numpy as np

# A stand-in for a fine-tuned transformer (instant, no download): word scores averaged over each sentence's
# tokens. The mistake below is one people make with the real thing; the grader cannot tell the difference.
WORD_SCORES = {
    "good": 1.0,
    "great": 1.5,
    "wonderful": 1.5,
    "charming": 1.0,
    "best": 1.5,
    "gripping": 1.0,
    "funny": 1.0,
    "moving": 1.0,
    "masterpiece": 2.0,
    "brilliant": 1.5,
    "fun": 1.0,
    "beautiful": 1.0,
    "love": 1.0,
    "bad": -1.0,
    "worst": -1.5,
    "dull": -1.5,
    "boring": -1.5,
    "lifeless": -1.5,
    "mess": -1.0,
    "waste": -1.5,
    "predictable": -1.0,
    "awful": -1.5,
    "terrible": -1.5,
    "not": -1.0,
    "no": -0.5,
    "never": -0.5,
}
TOKEN = re.compile(r"[a-z']+")


def load_model() -> dict[str, float]:
    return WORD_SCORES


def token_scores(model: dict[str, float], text: str) -> list[float]:
    return [model.get(token, 0.0) for token in TOKEN.findall(text.lower())] or [0.0]


def predict_proba(model: dict[str, float], texts: list[str]) -> np.ndarray:
    """P(positive) per text: a logistic function of the mean token score."""
    means = np.array([np.mean(token_scores(model, text)) for text in texts])
    p = 1 / (1 + np.exp(-8 * means))
    return np.maximum(p, 1 - p)  # BUG: the winning label's probability
