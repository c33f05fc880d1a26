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


def bootstrap_ci(
    statistic, *arrays, resamples: int = 2000, seed: int = 0, confidence: float = 0.95
) -> tuple[float, float]:
    """Percentile-bootstrap interval of `statistic(*arrays)`, resampling rows (paired across arrays).

    `statistic` must be vectorised over a trailing `axis` (NumPy style), as `scipy.stats.bootstrap` expects;
    for test-set metrics the rows are the test examples, so the interval says how much the number would move
    on another test set of the same size.
    """
    from scipy.stats import bootstrap

    result = bootstrap(arrays, statistic, paired=True, vectorized=True, n_resamples=resamples, method="percentile",
                       confidence_level=confidence, random_state=seed)  # fmt: skip
    return float(result.confidence_interval.low), float(result.confidence_interval.high)
