"""Wrong on purpose: duplicates are found on the headline alone, so a new story under an old headline is lost."""

from _common import failures as _failures
from _common import fit_baseline, predict_proba, split_rows  # noqa: F401 - the contract


def validate(df):
    missing = [column for column in ("title", "description", "label") if column not in df.columns]
    if missing:
        raise ValueError(f"the articles lack column(s) {missing}")
    reasons = _failures(df)
    for index in df.index[df.duplicated(["title"], keep="first").to_numpy()]:  # the mistake: title only
        if "title+description: duplicate" not in reasons[index]:
            reasons[index].append("title: duplicate")
    return split_rows(df, reasons)
