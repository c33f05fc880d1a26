"""Wrong on purpose: the error share counts every status ≥ 400, so rate-limited and invalid requests look like 5xx."""

import numpy as np
import pandas as pd
from _common import (  # noqa: F401 - the contract
    calibrate_psi_threshold,
    column_statistics,
    drifted_columns,
    histogram_quantile,
    psi,
)


def summarise_logs(records):
    access = records.dropna(subset=["route", "status"])
    rows = []
    for route, group in access.groupby("route"):
        status = group["status"].astype(int)
        row = {
            "route": route,
            "requests": len(group),
            "share_5xx": (status >= 400).mean(),  # the mistake
            "share_429": (status == 429).mean(),
        }
        for q in (50, 95, 99):
            row[f"p{q}_ms"] = np.percentile(group["latency_ms"].astype(float), q)
        rows.append(row)
    return pd.DataFrame(rows)
