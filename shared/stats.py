"""Small statistics helpers several weeks need: an interval on every rate we report."""

from __future__ import annotations


def proportion_ci(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion: unlike the normal approximation it stays in [0, 1]
    and behaves for small n or rates near 0 and 1 (e.g. 1.8% malignant)."""
    from statsmodels.stats.proportion import proportion_confint

    if n <= 0:
        raise ValueError("n must be positive")
    low, high = proportion_confint(successes, n, alpha=1 - confidence, method="wilson")
    return float(low), float(high)
