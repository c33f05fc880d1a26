"""Load the Mall Customers table: 200 customers, snake_case columns, explicit dtypes.

Only this unit reads this dataset, so its loader lives here (the rule: `shared/data` when two units use one).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from shared.data import fetch, read_csv_checked

MALL_COLUMNS = ["CustomerID", "Genre", "Age", "Annual Income (k$)", "Spending Score (1-100)"]


def load_mall_customers(path: Path | str | None = None) -> pd.DataFrame:
    """Mall Customers (200 rows), columns renamed to snake_case: customer_id, gender, age, income_k, spending_score."""
    frame = read_csv_checked(path or fetch("mall_customers"), MALL_COLUMNS, dtype={"CustomerID": "string"})
    return frame.rename(
        columns={
            "CustomerID": "customer_id",
            "Genre": "gender",
            "Age": "age",
            "Annual Income (k$)": "income_k",
            "Spending Score (1-100)": "spending_score",
        }
    ).astype({"gender": "category", "age": "int64", "income_k": "int64", "spending_score": "int64"})
