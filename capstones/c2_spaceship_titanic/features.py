"""Feature engineering for Spaceship Titanic: rules on one passenger's row, plus travel-group features learned in `fit`.

Two kinds of features, kept apart on purpose:
- `row_features` reads only the passenger's own row (cabin parts, spending, the CryoSleep rule), so it is the
  same whichever file the row arrives in.
- `SpaceshipFeatures` adds what needs other passengers: the size of the travel group (`gggg` in the
  `gggg_pp` PassengerId). It learns every training group's size in `fit`, so training rows, CV folds and
  a passenger predicted alone see the same value; a group never seen in training is measured in the file
  being scored (a Kaggle test.csv holds whole groups) and is at least the passenger's number `pp`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

SPEND = ["RoomService", "FoodCourt", "ShoppingMall", "Spa", "VRDeck"]
LUXURY = ["RoomService", "Spa", "VRDeck"]  # spends that go with *not* being transported in this data
CATEGORICAL = ["HomePlanet", "CryoSleep", "Destination", "VIP", "deck", "side"]


def travel_group(passenger_ids: pd.Series) -> pd.Series:
    """`0042_03` → `0042`: passengers sharing the first four digits travel together."""
    return passenger_ids.astype("string").str.split("_").str[0]


def row_features(frame: pd.DataFrame) -> pd.DataFrame:
    """Raw Kaggle columns → features computed from each row alone (no labels, no other rows).

    - Cabin `deck/num/side` splits into three columns; the number also into a coarse region of the deck.
    - Passengers in CryoSleep cannot spend: their missing spends are 0, and someone who spent is not
      asleep. The rule fills gaps with what must be true rather than with a median.
    - Spending is heavy-tailed (0 for most, 20,000 for a few): log1p of each column, the total, and
      luxury (room service, spa, VR deck) vs basic (food court, mall) spending.
    """
    out = pd.DataFrame(index=frame.index)
    cabin = frame["Cabin"].astype("string").str.split("/", expand=True).reindex(columns=[0, 1, 2])
    out["deck"], out["side"] = cabin[0], cabin[2]
    out["cabin_num"] = pd.to_numeric(cabin[1], errors="coerce")
    out["cabin_region"] = out["cabin_num"] // 300
    out["position_in_group"] = pd.to_numeric(frame["PassengerId"].astype("string").str.split("_").str[1])
    out["Age"] = pd.to_numeric(frame["Age"]).astype("float64")

    asleep = frame["CryoSleep"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    spends = frame[SPEND].astype("float64")
    spends.loc[asleep] = spends.loc[asleep].fillna(0.0)
    out["total_spend"] = np.log1p(spends.sum(axis=1, min_count=1))
    out["no_spend"] = (spends.sum(axis=1, min_count=1) == 0).astype("float64")
    out["luxury_spend"] = np.log1p(spends[LUXURY].sum(axis=1, min_count=1))
    out["basic_spend"] = np.log1p(spends.drop(columns=LUXURY).sum(axis=1, min_count=1))
    for column in SPEND:
        out[f"log_{column}"] = np.log1p(spends[column])
    cryo = frame["CryoSleep"].astype("boolean").copy()
    cryo[cryo.isna() & (spends.sum(axis=1) > 0).to_numpy()] = False

    categories = frame[["HomePlanet", "Destination", "VIP"]].assign(CryoSleep=cryo, deck=out["deck"], side=out["side"])
    # Categories as plain strings with NaN for gaps, whatever dtype the CSV reader chose (bool, category...).
    categories = categories[CATEGORICAL]
    out[CATEGORICAL] = categories.astype("string").astype("object").where(categories.notna(), np.nan)
    return out


class SpaceshipFeatures(BaseEstimator, TransformerMixin):
    """`row_features` plus, with `group_features=True`, the travel group's size and a "travelling alone" flag.

    `fit` stores every training group's size as plain arrays (a model file should hold data, not pandas
    objects); `transform` looks the size up, so it never changes with which rows share the scored file.
    """

    def __init__(self, group_features: bool = True) -> None:
        self.group_features = group_features

    def fit(self, X: pd.DataFrame, y: Any = None) -> SpaceshipFeatures:
        sizes = travel_group(X["PassengerId"]).value_counts()
        self.group_ids_ = sizes.index.to_numpy(dtype=object)
        self.group_sizes_ = sizes.to_numpy(dtype="float64")
        return self

    def group_size(self, passenger_ids: pd.Series) -> pd.Series:
        """Training size for a known group; for a new group, its rows in this file (at least its `pp`)."""
        group = travel_group(passenger_ids)
        known = group.map(pd.Series(self.group_sizes_, index=self.group_ids_)).astype("float64")
        in_file = group.map(group.value_counts()).astype("float64")
        position = pd.to_numeric(passenger_ids.astype("string").str.split("_").str[1]).astype("float64")
        return known.fillna(np.maximum(in_file, position))

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        out = row_features(X)
        if self.group_features:
            out["group_size"] = self.group_size(X["PassengerId"]).to_numpy()
            out["alone"] = (out["group_size"] == 1).astype("float64")
        return out
