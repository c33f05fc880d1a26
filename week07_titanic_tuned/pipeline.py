"""The feature pipeline: raw Kaggle Titanic columns → week 2's cleaning → impute/one-hot → a classifier.

Every statistic the pipeline uses is learned in `fit` (on training rows only) and reused unchanged by
`transform`, so a passenger's features, and therefore their prediction, never depend on which other
passengers are in the same file.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from week02_titanic.cleaning import CleaningParams, clean_titanic, fit_cleaning_params

INPUT_COLUMNS = ["PassengerId", "Pclass", "Name", "Sex", "Age", "SibSp", "Parch", "Ticket", "Fare", "Cabin", "Embarked"]
NUMERIC = ["Pclass", "Age", "SibSp", "Parch", "Fare", "HasCabin", "AgeImputed"]
CATEGORICAL = ["Sex", "Embarked", "Title", "Deck"]


class TitanicCleaner(BaseEstimator, TransformerMixin):
    """Week 2's cleaning rules as a scikit-learn step, so they are learned on training rows only.

    `fit` learns *every* parameter of week 2's `fit_cleaning_params` — the age medians per (title, class),
    the port mode and the fare medians per class — and keeps them as plain arrays (a model file should hold
    data, not pandas objects). `transform` rebuilds the `CleaningParams` from them and applies
    `week02_titanic.cleaning.clean_titanic`. A parameter left out would be re-learned from whatever file is
    being transformed: that was the fare-median leak this class once had.
    """

    def fit(self, X: pd.DataFrame, y: Any = None) -> TitanicCleaner:
        params = fit_cleaning_params(X)
        self.age_titles_ = np.array([str(t) for t, _ in params.age_medians.index], dtype=object)
        self.age_classes_ = np.array([int(c) for _, c in params.age_medians.index])
        self.age_values_ = params.age_medians.to_numpy(dtype="float64")
        self.embarked_mode_ = params.embarked_mode
        fares = params.fare_medians.dropna()
        self.fare_classes_ = fares.index.to_numpy(dtype="int64")
        self.fare_values_ = fares.to_numpy(dtype="float64")
        return self

    def params(self) -> CleaningParams:
        """The fitted statistics in week 2's own container."""
        ages = pd.Series(
            self.age_values_,
            index=pd.MultiIndex.from_arrays([self.age_titles_, self.age_classes_], names=["Title", "Pclass"]),
        )
        fares = pd.Series(self.fare_values_, index=pd.Index(self.fare_classes_, name="Pclass"))
        return CleaningParams(age_medians=ages, embarked_mode=self.embarked_mode_, fare_medians=fares)

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        clean = clean_titanic(X, self.params())
        features = clean[NUMERIC + CATEGORICAL].copy()
        features[["HasCabin", "AgeImputed"]] = features[["HasCabin", "AgeImputed"]].astype("float64")
        features[CATEGORICAL] = features[CATEGORICAL].astype("object")  # one dtype for the encoder
        return features


def build_pipeline(classifier: Any) -> Pipeline:
    """Raw Kaggle columns → week 2 cleaning → impute/one-hot → classifier; every step fit on training rows.

    The median imputer is a safety net for gaps the cleaning rules leave (a class with no known fare in
    the training rows); it is fitted too, so it never looks at the file being predicted.
    """
    encode = ColumnTransformer(
        [
            ("num", SimpleImputer(strategy="median"), NUMERIC),
            ("cat", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
        ],
        sparse_threshold=0.0,
    )
    return Pipeline([("clean", TitanicCleaner()), ("encode", encode), ("model", classifier)])
