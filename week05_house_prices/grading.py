"""How `roadmap grade week05 PATH` checks a learner's house-price model (see shared/grading).

The contract is one function, `fit(X_train, y_train) -> model`. The grader owns the data: it samples 2,000
districts, holds 20% out, and hands `fit` only the training rows. It then prices the held-out districts and
probes the model the way the reference's tests probe the reference: batch independence, direction (more income,
higher price), same seed same model, and whether it learned from anything it was not given.

This file imports the reference only in `Reference` (xgboost and matplotlib cost seconds to import); the unit's
tests check that the grader's split is the reference's own.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from shared.grading import Check, Function, Metric, Rubric, SelfCheck, expect
from shared.grading.probes import batch_dependence, files_opened_under, seeded

CONTRACT = [
    Function("fit", "fit(X_train: pd.DataFrame, y_train: pd.Series) -> model",
             "X_train: the eight feature columns (MedInc, HouseAge, AveRooms, AveBedrms, Population, AveOccup, "
             "Latitude, Longitude); y_train: MedHouseVal in $100k. Return a fitted model whose `predict(X)` gives "
             "one price per row. Learn only from the arguments: never read the data files yourself."),
]  # fmt: skip
REFERENCE = "week05_house_prices.grading:Reference"
SEED = 42  # the grader's sample, split and seed for every call of `fit`
N_ROWS = 2000  # districts sampled; 1,600 train, 400 held out (the whole data set would take a minute per fit)
FEATURES = ["MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup", "Latitude", "Longitude"]
RMSE_BAR = 0.60  # the fast-mode bar of the reference's own tests (the full run's target is 0.55)
RATIO_BAR = 0.6  # the unit's target: RMSE at most 60% of the mean predictor's
FIT_TIMEOUT_S = 60.0  # checks that fit a model (the reference's CV of four candidates takes ~10 s on a busy CPU)


# --- the grader's data ------------------------------------------------------------------------------------


@functools.cache
def data() -> SimpleNamespace:
    """X_train, X_test, y_train, y_test: the reference's `load_data` and `split` for N_ROWS districts."""
    from sklearn.model_selection import train_test_split

    from week05_house_prices.data import load_california

    frame = load_california(as_frame=True).frame.sample(n=N_ROWS, random_state=SEED)
    parts = train_test_split(frame[FEATURES], frame["MedHouseVal"], test_size=0.2, random_state=SEED)
    return SimpleNamespace(**dict(zip(["X_train", "X_test", "y_train", "y_test"], parts, strict=True)))


# --- the reference through the contract, and the baseline -----------------------------------------------


class Reference:
    """The reference's procedure: compare the candidates by K-fold CV on the training rows, fit the winner."""

    @staticmethod
    def fit(X_train: pd.DataFrame, y_train: pd.Series):
        from dataclasses import replace

        from week05_house_prices import house_price_model as hp

        config = replace(hp.FAST, xgb_depths=(6,), cv_folds=2)  # the fast run's candidates, one depth, 2 folds
        models = hp.candidate_models(config, SEED)
        cv = hp.cross_validate_models(models, X_train, y_train, folds=config.cv_folds, seed=SEED)
        return models[hp.choose_model(cv)].fit(X_train, y_train)


def _mean_fit(X_train: pd.DataFrame, y_train: pd.Series):
    from sklearn.dummy import DummyRegressor

    return DummyRegressor(strategy="mean").fit(X_train, y_train)


MEAN = SimpleNamespace(fit=_mean_fit)


# --- one fit per solution, its held-out prices ------------------------------------------------------------

_fitted: dict[int, tuple[Any, Any, np.ndarray, list[str]]] = {}  # id -> (solution, model, prices, files opened)


def fit(sol, y_train: pd.Series | None = None):
    """`sol.fit` on the grader's training rows (copies), every random source seeded first."""
    d = data()
    return seeded(SEED, sol.fit, d.X_train.copy(), (d.y_train if y_train is None else y_train).copy())


def prices(model, X: pd.DataFrame) -> np.ndarray:
    pred = np.asarray(model.predict(X.copy()), dtype="float64").reshape(-1)
    expect(pred.shape == (len(X),), f"`predict` returned {pred.size} values for {len(X)} districts")
    return pred


def fitted(sol) -> tuple[Any, np.ndarray]:
    """The solution's model fitted once on the training rows, and its prices for the held-out districts."""
    if id(sol) not in _fitted:
        from shared.data import data_dir

        data()  # the grader's own read of the data, before the watch starts
        with files_opened_under(data_dir()) as opened:  # recorded for `reads_only_its_arguments`
            model = fit(sol)
        _fitted[id(sol)] = (sol, model, prices(model, data().X_test), sorted(set(opened)))
    return _fitted[id(sol)][1:3]


def rmse(y: np.ndarray, pred: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(y) - pred) ** 2)))


def r2(y: np.ndarray, pred: np.ndarray) -> float:
    y = np.asarray(y)
    return float(1 - np.sum((y - pred) ** 2) / np.sum((y - y.mean()) ** 2))


# --- checks: each takes the learner's solution and raises when the property does not hold -----------------


def check_trains(sol) -> None:
    _, pred = fitted(sol)
    expect(np.isfinite(pred).all(), f"{int((~np.isfinite(pred)).sum())} held-out prices are NaN or infinite")


def check_beats_the_mean(sol) -> None:
    d = data()
    ratio = rmse(d.y_test, fitted(sol)[1]) / rmse(d.y_test, np.full(len(d.y_test), d.y_train.mean()))
    expect(ratio <= RATIO_BAR, f"held-out RMSE is {ratio:.1%} of the mean predictor's (bar: {RATIO_BAR:.0%})")


def check_rmse_below_bar(sol) -> None:
    error = rmse(data().y_test, fitted(sol)[1])
    expect(error <= RMSE_BAR, f"held-out RMSE {error:.3f} ($100k) is above the bar {RMSE_BAR}")


def check_batch_independent(sol) -> None:
    model, _ = fitted(sol)
    change = batch_dependence(lambda X: prices(model, X), data().X_test.iloc[:20])
    expect(change <= 1e-6, f"a district's price changed by up to {change:.3g} ($100k) with the districts around it")


def check_more_income_higher_price(sol) -> None:
    """The same held-out districts with median income moved from its 10th to its 90th percentile."""
    model, _ = fitted(sol)
    X = data().X_test
    low, high = X["MedInc"].quantile([0.1, 0.9])
    up = prices(model, X.assign(MedInc=high)) - prices(model, X.assign(MedInc=low))
    expect(up.mean() > 0.1 and (up > 0).mean() >= 0.9,
           f"raising median income from {low:.1f} to {high:.1f} changed prices by {up.mean():+.3f} on average, "
           f"up for {(up > 0).mean():.0%} of districts (expected: up for at least 90%)")  # fmt: skip


def check_same_seed_same_model(sol) -> None:
    _, first = fitted(sol)
    change = float(np.abs(prices(fit(sol), data().X_test) - first).max())
    expect(change <= 1e-9, f"two fits with the same seed gave prices up to {change:.3g} ($100k) apart")


def check_learns_only_from_its_arguments(sol) -> None:
    """Trained on the training rows with their prices shuffled there is nothing to learn: held-out R² ≈ 0."""
    d = data()
    shuffled = pd.Series(np.random.default_rng(SEED).permutation(d.y_train.to_numpy()), index=d.y_train.index)
    score = r2(d.y_test, prices(fit(sol, shuffled), d.X_test))
    expect(score < 0.1, f"trained on shuffled prices, your model still reaches held-out R² {score:.2f}")


def check_reads_only_its_arguments(sol) -> None:
    fitted(sol)
    opened = _fitted[id(sol)][3]
    expect(not opened, f"`fit` opened the data files: {', '.join(opened)}")


CHECKS = [
    Check("trains", "model", check_trains,
          "`fit` must return a fitted model whose `predict(X)` gives one finite price per row",
          timeout_s=FIT_TIMEOUT_S),
    Check("beats_the_mean", "model", check_beats_the_mean,
          "no better than predicting the average: use all eight features and a flexible model (gradient-boosted "
          "trees win here), chosen by K-fold CV on the training rows"),
    Check("rmse_below_bar", "model", check_rmse_below_bar,
          "compare candidates by CV (linear, polynomial + ridge, gradient boosting) and keep the best"),
    Check("batch_independent", "leakage", check_batch_independent,
          "`predict` must reuse statistics learned in `fit` (a scaler fitted on the training rows, inside a "
          "Pipeline), never `fit_transform` the rows it is asked about"),
    Check("more_income_higher_price", "model", check_more_income_higher_price,
          "richer districts should be priced higher: are the target and the feature columns what you think?"),
    Check("same_seed_same_model", "reproducibility", check_same_seed_same_model,
          "pass a fixed `random_state` to every random step; never seed from the clock or os.urandom",
          timeout_s=FIT_TIMEOUT_S),
    Check("learns_only_from_its_arguments", "leakage", check_learns_only_from_its_arguments,
          "your model knows the held-out prices without learning them from `y_train`: it was trained on data "
          "it was not given (the whole data set, test rows included)", timeout_s=FIT_TIMEOUT_S),
    Check("reads_only_its_arguments", "leakage", check_reads_only_its_arguments,
          "`fit` read the data files itself: anything fitted on them (a scaler 'fitted on all data') has seen "
          "the held-out districts; fit every step on `X_train` only"),
]  # fmt: skip

METRICS = [
    Metric("test_rmse", lambda sol: rmse(data().y_test, fitted(sol)[1]), "lower", baseline=MEAN,
           baseline_name="mean predictor", description="RMSE ($100k) on the grader's 400 held-out districts",
           timeout_s=FIT_TIMEOUT_S),
    Metric("test_r2", lambda sol: r2(data().y_test, fitted(sol)[1]), "higher", baseline=MEAN,
           baseline_name="mean predictor", description="R² on the same districts"),
]  # fmt: skip

RUBRIC = Rubric.equal(
    "model",
    "leakage",
    "reproducibility",
    self_assessment=[
        SelfCheck("Do you report test RMSE and R² with 95% intervals, and 5-fold CV mean ± std of every candidate?",
                  "week05_house_prices/README.md#results"),
        SelfCheck("Do you explain the model with standardised coefficients and permutation importance, and say "
                  "where they disagree?", "week05_house_prices/README.md#write-up"),
        SelfCheck("Did you audit the error by region (latitude/longitude cells) and discuss location as a proxy "
                  "(redlining)?", "week05_house_prices/README.md#ethics"),
    ],
)  # fmt: skip
