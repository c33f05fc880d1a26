"""Load the SIIM-ISIC 2020 metadata: one row per image, with patient ids and gaps as they are.

Only this unit reads this dataset, so its loader lives here (the rule: `shared/data` when two units use one).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from shared.data import fetch, read_csv_checked

MELANOMA_COLUMNS = [
    "image_name", "patient_id", "sex", "age_approx", "anatom_site_general_challenge",
    "diagnosis", "benign_malignant", "target",
]  # fmt: skip


def load_melanoma_metadata(path: Path | str | None = None) -> pd.DataFrame:
    """SIIM-ISIC 2020 training metadata (33,126 rows); `sex`, `age_approx` and site have gaps."""
    frame = read_csv_checked(path or fetch("melanoma_metadata"), MELANOMA_COLUMNS)
    return frame.astype({"sex": "category", "anatom_site_general_challenge": "category", "target": "int64"})
