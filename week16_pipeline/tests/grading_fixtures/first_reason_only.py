"""Wrong on purpose: each row is quarantined with its first failure only (an eager check that stops at one)."""

from _common import failures, fit_baseline, predict_proba, split_rows  # noqa: F401 - the contract


def validate(df):
    missing = [column for column in ("title", "description", "label") if column not in df.columns]
    if missing:
        raise ValueError(f"the articles lack column(s) {missing}")
    reasons = {index: found[:1] for index, found in failures(df).items()}  # the mistake: the rest are hidden
    return split_rows(df, reasons)
