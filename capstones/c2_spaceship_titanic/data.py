"""Load Spaceship Titanic: Kaggle's train.csv (or a test.csv without labels), booleans as nullable booleans.

Only this unit reads this dataset, so its loader lives here (the rule: `shared/data` when two units use one).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from shared.data import fetch, read_csv_checked

SPACESHIP_COLUMNS = [
    "PassengerId", "HomePlanet", "CryoSleep", "Cabin", "Destination", "Age", "VIP",
    "RoomService", "FoodCourt", "ShoppingMall", "Spa", "VRDeck", "Name",
]  # fmt: skip


def load_spaceship_titanic(path: Path | str | None = None, *, labelled: bool = True) -> pd.DataFrame:
    """Spaceship Titanic train.csv (8,693 rows); booleans become pandas nullable `boolean`.

    `labelled=False` accepts a Kaggle test.csv (no `Transported` column).
    """
    required = SPACESHIP_COLUMNS + (["Transported"] if labelled else [])
    frame = read_csv_checked(path or fetch("spaceship_titanic"), required, dtype={"PassengerId": "string"})
    for column in ["CryoSleep", "VIP"] + (["Transported"] if labelled else []):
        frame[column] = frame[column].astype("boolean")
    return frame
