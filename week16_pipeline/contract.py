"""The data contract for news articles: what a row must be before it may train or test a model.

Written with pandera (a schema the code checks, not prose in a wiki): the columns and their types, the label in the
four AG News classes, non-blank text within length bounds, well-formed URLs and hashes where present, and no text
twice. Validation is *lazy*: every failure of every row is collected, not just the first. A failing row is not
dropped: it goes to the quarantine with all its reasons, so `len(clean) + len(quarantined) == len(df)` always, and
someone can read why each row was kept out (and fix the scraper or the source).

A batch that lacks a required column is not quarantined row by row: `validate` raises `ContractError`, because
there is no row to judge. A value of the wrong type (a number as a label) fails its row, with reason `wrong_type`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from shared.atomic import atomic_write_text
from shared.csv_safe import write_csv_safely
from shared.errors import DataError

LABELS = ("World", "Sports", "Business", "Sci/Tech")  # AG News classes.txt, in label-id order
TITLE_CHARS = (3, 300)  # AG News titles are 6–94 characters; a one-word or page-long title is an extraction error
DESCRIPTION_CHARS = (20, 5000)  # AG News descriptions are 37–818; below 20 there is too little to classify
REQUIRED = ("title", "description", "label")


class ContractError(DataError):
    """The batch as a whole breaks the contract (a required column is missing): no row can be judged."""


def _stripped_length(low: int, high: int) -> pa.Check:
    return pa.Check(lambda s: s.str.strip().str.len().between(low, high), name=f"length_{low}_to_{high}_chars")


ARTICLE_SCHEMA = pa.DataFrameSchema(
    {
        "title": pa.Column(str, _stripped_length(*TITLE_CHARS)),
        "description": pa.Column(str, _stripped_length(*DESCRIPTION_CHARS)),
        "label": pa.Column(str, pa.Check.isin(LABELS, name="label_in_classes")),
        "url": pa.Column(str, pa.Check.str_matches(r"^https?://[^\s/]+/\S*$", name="url_format"), required=False),
        "content_sha256": pa.Column(str, pa.Check.str_matches(r"^[0-9a-f]{64}$", name="sha256_hex"), required=False),
    },
    unique=["title", "description"],  # the same text twice: the first copy is kept, later ones quarantined
    report_duplicates="exclude_first",
    strict=False,  # extra columns (label_id, source, ...) pass through
    name="news_article",
)

# pandera names a failed check by its error message; the quarantine says it in a word.
_CHECK_NAMES = {"multiple_fields_uniqueness": "duplicate_text", "not_nullable": "missing"} | {
    str(check.error or check.name): check.name for column in ARTICLE_SCHEMA.columns.values() for check in column.checks
}


def validate(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(clean, quarantined): rows that meet the contract, and the others with a `reason` column listing every failure.

    Both keep `df`'s index, so a quarantined row can be traced to its source row.
    """
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise ContractError(f"the articles lack column(s) {missing}; the contract needs {list(REQUIRED)}")
    positional = df.reset_index(drop=True)
    try:
        ARTICLE_SCHEMA.validate(positional, lazy=True)
        cases = pd.DataFrame(columns=["column", "check", "index"])
    except SchemaErrors as exc:
        cases = exc.failure_cases
    whole_batch = cases[cases["index"].isna()]
    if len(whole_batch):
        problems = "; ".join(f"{c.column}: {c.check} ({c.failure_case})" for c in whole_batch.itertuples())
        raise ContractError(f"the batch breaks the article contract as a whole: {problems}")
    reasons: dict[int, list[str]] = {}
    for case in cases.itertuples():
        check = str(case.check)
        check = _CHECK_NAMES.get(check, "wrong_type" if check.startswith("dtype(") else check)
        column = "title+description" if check == "duplicate_text" else case.column
        reason = f"{column}: {check}"
        row_reasons = reasons.setdefault(int(case.index), [])
        if reason not in row_reasons:
            row_reasons.append(reason)
    bad = sorted(reasons)
    is_bad = positional.index.isin(bad)
    clean = df.iloc[~is_bad]
    quarantined = df.iloc[is_bad].assign(reason=["; ".join(sorted(reasons[i])) for i in bad])
    return clean, quarantined


def write_quarantine(df: pd.DataFrame, path: Path | str) -> Path:
    """Write the quarantined rows atomically: JSON Lines (exact text, the default) or CSV (formulas neutralised)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return write_csv_safely(df, path)
    text = df.to_json(orient="records", lines=True, force_ascii=False) if len(df) else ""
    return atomic_write_text(path, text)
