"""How `roadmap grade c2 PATH` checks a learner's Spaceship Titanic entry (see shared/grading).

The contract is two functions: `cv_splits` (the folds every choice is made on) and `fit` (raw Kaggle columns in,
a model out). The grader samples 2,500 passengers and holds out a fifth of the *travel groups*, as Kaggle's test
file does; `fit` and `cv_splits` see only the development passengers. The checks ask what the reference's tests
ask: folds that keep each travel group on one side, accuracy on unseen groups far above the majority, a
passenger's answer independent of the rest of the file, the same seed giving the same model.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace

import numpy as np
import pandas as pd

from shared.grading import Check, Function, Metric, Rubric, SelfCheck, expect
from shared.grading.probes import once, positive_proba, predictions, seeded

CONTRACT = [
    Function("cv_splits", "cv_splits(X: pd.DataFrame, y: pd.Series) -> list[tuple[np.ndarray, np.ndarray]]",
             "the K folds you make every choice on, as (train, validation) row positions of X: every row "
             "validated once, and no travel group (`gggg` of PassengerId `gggg_pp`) on both sides of a fold"),
    Function("fit", "fit(X: pd.DataFrame, y: pd.Series) -> model",
             "X: Kaggle's raw columns (PassengerId, HomePlanet, CryoSleep, Cabin, Destination, Age, VIP, "
             "RoomService, FoodCourt, ShoppingMall, Spa, VRDeck, Name) as `load_spaceship_titanic` returns them "
             "(CryoSleep and VIP nullable booleans, gaps included); y: Transported (bool). Return a fitted "
             "classifier whose `predict(X)` gives True/False and `predict_proba(X)[:, 1]` the probability of "
             "being transported"),
]  # fmt: skip
REFERENCE = "capstones.c2_spaceship_titanic.grading:Reference"
SEED = 42
ROWS = 2500  # the fast run's sample: ~2,000 development passengers, ~500 held out in unseen groups
ACCURACY_BAR = 0.76  # the reference's fast-mode test (majority class ~0.50)
FIT_TIMEOUT_S = 60.0


def travel_group(passenger_ids: pd.Series) -> pd.Series:
    return passenger_ids.astype("string").str.split("_").str[0]


@functools.cache
def data() -> SimpleNamespace:
    """The reference's `load_split` for the fast run's 2,500 passengers: whole travel groups held out."""
    from sklearn.model_selection import StratifiedGroupKFold

    from capstones.c2_spaceship_titanic.data import SPACESHIP_COLUMNS, load_spaceship_titanic

    frame = load_spaceship_titanic().sample(n=ROWS, random_state=SEED)
    splitter = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=SEED)
    dev, test = next(splitter.split(frame, frame["Transported"], groups=travel_group(frame["PassengerId"])))
    X, y = frame[SPACESHIP_COLUMNS], frame["Transported"].astype(bool)
    return SimpleNamespace(X_train=X.iloc[dev], y_train=y.iloc[dev], X_test=X.iloc[test], y_test=y.iloc[test])


class Reference:
    """The reference through the contract: its group-aware folds, and its searches at a grading budget."""

    @staticmethod
    def cv_splits(X: pd.DataFrame, y: pd.Series):
        from sklearn.model_selection import StratifiedGroupKFold

        from capstones.c2_spaceship_titanic import spaceship as sp

        folds = StratifiedGroupKFold(n_splits=sp.FAST.folds, shuffle=True, random_state=SEED)  # as `make_searches`
        return list(folds.split(X, y, groups=travel_group(X["PassengerId"])))

    @staticmethod
    def fit(X: pd.DataFrame, y: pd.Series):
        from dataclasses import replace

        from capstones.c2_spaceship_titanic import spaceship as sp

        config = replace(sp.FAST, group_features=(True,))  # the fast grid, with the group features it keeps
        winner, searches = sp.select_model(X.assign(Transported=y), config, SEED)
        return searches[winner].best_estimator_


class _Majority:
    def __init__(self, answer: bool):
        self.answer = answer

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return np.full(len(X), self.answer)


def _plain_folds(X: pd.DataFrame, y: pd.Series):
    from sklearn.model_selection import KFold

    return list(KFold(n_splits=5, shuffle=True, random_state=SEED).split(X))


BASELINE = SimpleNamespace(fit=lambda X, y: _Majority(bool(y.mean() >= 0.5)), cv_splits=_plain_folds)


def fit(sol):
    d = data()
    return seeded(SEED, sol.fit, d.X_train.copy(), d.y_train.copy())


def model(sol):
    return once(sol, "model", lambda: fit(sol))


def answers(m, X: pd.DataFrame) -> np.ndarray:
    return predictions(m, X, "passengers").astype(bool)


def accuracy(sol) -> float:
    d = data()
    return once(sol, "accuracy", lambda: float((answers(model(sol), d.X_test) == d.y_test.to_numpy()).mean()))


def folds(sol) -> list[tuple[np.ndarray, np.ndarray]]:
    def make():
        d = data()
        out = [(np.asarray(t, dtype=int), np.asarray(v, dtype=int))
               for t, v in seeded(SEED, sol.cv_splits, d.X_train.copy(), d.y_train.copy())]  # fmt: skip
        expect(len(out) >= 2, f"`cv_splits` gave {len(out)} fold(s); K-fold CV needs at least 2")
        return out

    return once(sol, "folds", make)


def group_leakage(sol) -> float:
    """Share of validation passengers whose travel group also has passengers in that fold's training rows."""
    groups = travel_group(data().X_train["PassengerId"]).to_numpy()
    leaked = [pd.Series(groups[v]).isin(set(groups[t])).to_numpy() for t, v in folds(sol)]
    return float(np.concatenate(leaked).mean())


# --- checks -----------------------------------------------------------------------------------------------


def check_folds_cover_every_row(sol) -> None:
    n = len(data().X_train)
    validated = np.sort(np.concatenate([v for _, v in folds(sol)]))
    expect(
        np.array_equal(validated, np.arange(n)),
        f"the validation parts cover {np.unique(validated).size} of {n} "
        "rows, some more than once (K-fold: each row exactly once)",
    )
    for number, (train, valid) in enumerate(folds(sol), start=1):
        expect(np.intersect1d(train, valid).size == 0, f"fold {number}: rows on both sides")


def check_folds_keep_groups_together(sol) -> None:
    leaked = group_leakage(sol)
    expect(leaked == 0, f"{leaked:.0%} of validation passengers have travel companions in that fold's training rows")


def check_accuracy_above_bar(sol) -> None:
    value, majority = accuracy(sol), float(max(data().y_test.mean(), 1 - data().y_test.mean()))
    expect(value >= ACCURACY_BAR, f"accuracy on unseen travel groups {value:.1%} is below the bar {ACCURACY_BAR:.0%} "
                                  f"(majority class {majority:.1%})")  # fmt: skip


def check_predicts_both_classes(sol) -> None:
    share = float(answers(model(sol), data().X_test).mean())
    expect(0 < share < 1, f"{share:.0%} of held-out passengers predicted transported: one answer for everyone")


def check_batch_independent(sol) -> None:
    """One whole travel group predicted alone, after 50 other passengers, and before all the others shuffled."""
    X, m = data().X_test, model(sol)
    group = travel_group(X["PassengerId"])
    target, others = X[group == group.iloc[0]], X[group != group.iloc[0]]
    alone = positive_proba(m, target)
    change = 0.0
    for batch in (pd.concat([others.head(50), target]), pd.concat([target, others.sample(frac=1, random_state=1)])):
        scores = pd.Series(positive_proba(m, batch), index=batch["PassengerId"].to_numpy())
        inside = scores[target["PassengerId"]].to_numpy()
        change = max(change, float(np.abs(inside - alone).max()))
    expect(change <= 1e-9, f"a travel group's probabilities changed by up to {change:.3g} with the other passengers "
                           "in the file")  # fmt: skip


def check_same_seed_same_model(sol) -> None:
    X = data().X_test
    change = float(np.abs(positive_proba(fit(sol), X) - positive_proba(model(sol), X)).max())
    expect(change <= 1e-9, f"two fits with the same seed gave probabilities up to {change:.3g} apart")


CHECKS = [
    Check("folds_cover_every_row", "validation", check_folds_cover_every_row,
          "K-fold CV validates every row exactly once: return the splitter's folds as they are"),
    Check("folds_keep_groups_together", "validation", check_folds_keep_groups_together,
          "travel companions share their fate, and Kaggle's test file holds unseen groups: split with "
          "StratifiedGroupKFold and groups = the `gggg` of PassengerId"),
    Check("accuracy_above_bar", "model", check_accuracy_above_bar,
          "engineer the features (cabin deck/number/side, group size, total and luxury spend, CryoSleep means no "
          "spend) and tune gradient boosting by group-aware CV", timeout_s=FIT_TIMEOUT_S),
    Check("predicts_both_classes", "model", check_predicts_both_classes,
          "one answer for everyone scores the majority share and learns nothing: check the target's dtype "
          "(bool) and what `predict` returns"),
    Check("batch_independent", "leakage", check_batch_independent,
          "statistics used in features (medians, means, group sizes of known groups) must be learned in `fit`, "
          "never from the file being predicted"),
    Check("same_seed_same_model", "reproducibility", check_same_seed_same_model,
          "pass a fixed `random_state` to the models and the CV splitter", timeout_s=FIT_TIMEOUT_S),
]  # fmt: skip

METRICS = [
    Metric("holdout_accuracy", accuracy, "higher", baseline=BASELINE, baseline_name="majority class",
           description="accuracy on ~500 held-out passengers of travel groups `fit` never saw",
           timeout_s=FIT_TIMEOUT_S),
    Metric("group_leakage", group_leakage, "lower", baseline=BASELINE, baseline_name="plain shuffled 5-fold",
           description="share of validation passengers with travel companions in that fold's training rows"),
]  # fmt: skip

RUBRIC = Rubric.equal(
    "validation",
    "model",
    "leakage",
    "reproducibility",
    self_assessment=[
        SelfCheck("Do you compare plain and group-aware CV and say how much the plain one flatters?",
                  "capstones/c2_spaceship_titanic/README.md#results"),
        SelfCheck("Does your model card cover performance by group (home planet, age, group size), bias and "
                  "limitations?", "capstones/c2_spaceship_titanic/MODEL_CARD.md"),
        SelfCheck("Does your submission writer produce Kaggle's format for any test.csv and refuse malformed "
                  "input?", "capstones/c2_spaceship_titanic/README.md#how-to-run"),
    ],
)  # fmt: skip
