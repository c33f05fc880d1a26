"""Wrong on purpose: histogram_quantile answers the upper edge of the bucket holding the rank, with no interpolation."""

from _common import (  # noqa: F401 - the contract
    calibrate_psi_threshold,
    column_statistics,
    drifted_columns,
    psi,
    summarise_logs,
)


def histogram_quantile(q, families, name, **labels):
    buckets = sorted(
        (float(s.labels["le"]), s.value)
        for s in families[name]
        if s.name.endswith("_bucket") and all(s.labels.get(k) == v for k, v in labels.items())
    )
    rank = q * buckets[-1][1]
    finite = [edge for edge, _ in buckets if edge != float("inf")]
    for edge, count in buckets:
        if count >= rank:
            return min(edge, finite[-1])  # the mistake: the bucket's edge, not a point inside it
    return finite[-1]
