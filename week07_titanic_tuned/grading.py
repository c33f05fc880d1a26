"""How `roadmap grade week07 PATH` checks a learner's tuned Titanic predictor (see shared/grading).

The contract is three functions: `clean` (week 2's rules), `fit` (raw columns in, a tuned model out) and
`estimate` (the accuracy the learner expects of `fit` on new passengers). The grader holds out a stratified 20% of
the 891 passengers (the reference's own split) and hands `fit` and `estimate` only the development rows. Leakage
is caught because the grader controls what each call sees: a model that fills gaps from the rows it predicts
changes its answer with the file; an estimate that scores the rows it trained on stays high on shuffled labels.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace

import numpy as np
import pandas as pd

from shared.grading import Check, Function, Metric, Rubric, SelfCheck, expect
from shared.grading.probes import once, positive_proba, predictions, seeded

CONTRACT = [
    Function("clean", "clean(df: pd.DataFrame) -> pd.DataFrame",
             "week 2's cleaning rules on raw Kaggle columns: Age, Embarked and Fare filled, no row dropped, the "
             "caller's frame unchanged, cleaning twice the same as once"),
    Function("fit", "fit(X: pd.DataFrame, y: pd.Series) -> model",
             "X: raw Kaggle columns (PassengerId, Pclass, Name, Sex, Age, SibSp, Parch, Ticket, Fare, Cabin, "
             "Embarked), gaps included; y: Survived (0/1). Return a fitted classifier (`predict`, `predict_proba`) "
             "that takes raw columns: cleaning, encoding and tuning happen inside, on X only"),
    Function("estimate", "estimate(X: pd.DataFrame, y: pd.Series) -> float",
             "the accuracy you expect `fit(X, y)` to reach on new passengers, measured by CV on X alone (nested CV "
             "when `fit` tunes hyperparameters)"),
]  # fmt: skip
REFERENCE = "week07_titanic_tuned.grading:Reference"
SEED = 42
ACCURACY_BAR = 0.76  # the reference's fast-mode test (majority class 0.62, "women survive" 0.79)
ESTIMATE_GAP = 0.08  # |estimate − held-out accuracy|: about the half-width of the held-out 95% interval (179 rows)
NOISE_MARGIN = 0.05  # on shuffled labels an honest estimate stays within this of the majority share
FILLED = ["Age", "Embarked", "Fare"]  # the columns week 2's rules promise to fill
FIT_TIMEOUT_S = 90.0  # the reference's three searches (and nested CV around them) on a busy 2-core CPU


@functools.cache
def data() -> SimpleNamespace:
    """Every passenger (raw, for `clean`) and the reference's split: 20% held out, stratified, seed 42."""
    from sklearn.model_selection import train_test_split

    from shared.data import load_titanic
    from week07_titanic_tuned.pipeline import INPUT_COLUMNS

    raw = load_titanic()
    parts = train_test_split(raw[INPUT_COLUMNS], raw["Survived"], test_size=0.2, stratify=raw["Survived"],
                             random_state=SEED)  # fmt: skip
    return SimpleNamespace(raw=raw, **dict(zip(["X_train", "X_test", "y_train", "y_test"], parts, strict=True)))


@functools.cache
def _config():
    from week07_titanic_tuned import titanic_tuned as tt

    # The reference's procedure on a grading budget: three searches of one or two points each, 2-fold CV.
    return tt.Config(folds=2, outer_folds=2, n_estimators=30, rf_max_depth=(6,), rf_min_samples_leaf=(3,),
                     xgb_max_depth=(3,), xgb_learning_rate=(0.1,), random_iter=1, shap_rows=60)  # fmt: skip


class Reference:
    """The reference through the contract: week 2's cleaning, the shipped selection, its nested-CV accuracy."""

    @staticmethod
    def clean(df: pd.DataFrame) -> pd.DataFrame:
        from week02_titanic.cleaning import clean_titanic

        return clean_titanic(df)

    @staticmethod
    def fit(X: pd.DataFrame, y: pd.Series):
        from week07_titanic_tuned import titanic_tuned as tt

        winner, searches = tt.select_model(X, y, _config(), SEED)
        return searches[winner].best_estimator_

    @staticmethod
    def estimate(X: pd.DataFrame, y: pd.Series) -> float:
        from week07_titanic_tuned import titanic_tuned as tt

        predictions, _ = tt.nested_cv(X, y, _config(), SEED)
        return float(tt.compare(predictions).set_index("method").loc[tt.SHIPPED, "accuracy"])


class _WomenSurvive:
    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return (X["Sex"] == "female").to_numpy(dtype=int)


WOMEN_SURVIVE = SimpleNamespace(fit=lambda X, y: _WomenSurvive())  # week 2's rule: no training, no estimate

# --- one call per solution and question -------------------------------------------------------------------


def fit(sol, y: pd.Series | None = None):
    d = data()
    return seeded(SEED, sol.fit, d.X_train.copy(), (d.y_train if y is None else y).copy())


def model(sol):
    return once(sol, "model", lambda: fit(sol))


def labels(m, X: pd.DataFrame) -> np.ndarray:
    return predictions(m, X, "passengers").astype(int)


def accuracy(sol) -> float:
    d = data()
    return once(sol, "accuracy", lambda: float((labels(model(sol), d.X_test) == d.y_test.to_numpy()).mean()))


def estimate(sol, y: pd.Series | None = None) -> float:
    d = data()
    value = seeded(SEED, sol.estimate, d.X_train.copy(), (d.y_train if y is None else y).copy())
    expect(np.isscalar(value) and 0 <= float(value) <= 1, f"`estimate` returned {value!r}, not an accuracy in [0, 1]")
    return float(value)


def own_estimate(sol) -> float:
    return once(sol, "estimate", lambda: estimate(sol))


def cleaned(sol) -> pd.DataFrame:
    return once(sol, "cleaned", lambda: sol.clean(data().raw.copy()))


# --- code: week 2's cleaning rules ------------------------------------------------------------------------


def check_clean_keeps_every_row(sol) -> None:
    out, raw = cleaned(sol), data().raw
    expect(len(out) == len(raw), f"{len(raw)} passengers in, {len(out)} out")
    expect("PassengerId" in out and list(out["PassengerId"]) == list(raw["PassengerId"]),
           "the passengers (PassengerId) are not the same, in the same order, after cleaning")  # fmt: skip


def check_clean_fills_the_gaps(sol) -> None:
    out = cleaned(sol)
    missing = {c: int(out[c].isna().sum()) for c in FILLED if c in out}
    expect(set(missing) == set(FILLED), f"columns missing after cleaning: {sorted(set(FILLED) - set(missing))}")
    expect(not any(missing.values()), f"missing values left after cleaning: {missing}")


def check_clean_is_idempotent(sol) -> None:
    once = cleaned(sol)
    twice = sol.clean(once.copy())
    expect(once.reset_index(drop=True).equals(twice.reset_index(drop=True)), "cleaning a cleaned file changed it")


def check_clean_leaves_its_input_alone(sol) -> None:
    raw = data().raw.copy()
    sol.clean(raw)
    expect(raw.equals(data().raw), "`clean` modified the DataFrame it was given")


# --- tuning: the model on held-out passengers -------------------------------------------------------------


def check_accuracy_above_bar(sol) -> None:
    value = accuracy(sol)
    expect(value >= ACCURACY_BAR, f"held-out accuracy {value:.1%} is below the bar {ACCURACY_BAR:.0%}")


def check_predicts_both_classes(sol) -> None:
    share = float(labels(model(sol), data().X_test).mean())
    expect(0 < share < 1, f"{share:.0%} of held-out passengers predicted to survive (truth "
                          f"{data().y_test.mean():.0%}): one answer for everyone")  # fmt: skip


def check_same_seed_same_model(sol) -> None:
    X = data().X_test
    change = float(np.abs(positive_proba(fit(sol), X) - positive_proba(model(sol), X)).max())
    expect(change <= 1e-9, f"two fits with the same seed gave probabilities up to {change:.3g} apart")


# --- CV setup: statistics from training rows only, an honest estimate -------------------------------------


def check_batch_independent(sol) -> None:
    """One passenger with every gap the rules fill, predicted alone and inside very different files."""
    X, m = data().X_test, model(sol)
    target = X.head(1).assign(Age=np.nan, Fare=np.nan, Embarked=np.nan)
    alone = positive_proba(m, target)[0]
    others = [X[X["Pclass"] == 1].head(10), X[X["Pclass"] == 3].head(30), X.iloc[1:]]
    inside = [positive_proba(m, pd.concat([o.iloc[:3], target, o.iloc[3:]]))[3] for o in others]
    change = max(abs(p - alone) for p in inside)
    expect(change <= 1e-9, f"a passenger with a missing age, fare and port got probabilities up to {change:.3g} "
                           "apart depending on the other passengers in the file")  # fmt: skip


def check_estimate_is_honest(sol) -> None:
    """On the same passengers with shuffled labels there is nothing to learn: an honest CV estimate is about
    the majority share; one that scores the rows it trained on (or chose by) stays high."""
    y = data().y_train
    shuffled = pd.Series(np.random.default_rng(SEED).permutation(y.to_numpy()), index=y.index, name=y.name)
    noise, majority = estimate(sol, shuffled), float(max(y.mean(), 1 - y.mean()))
    expect(noise <= majority + NOISE_MARGIN, f"on shuffled labels your estimate is {noise:.1%}; nothing can be "
                                             f"learned there, so an honest one is about {majority:.1%}")  # fmt: skip


def check_estimate_matches_held_out(sol) -> None:
    mine, held_out = own_estimate(sol), accuracy(sol)
    expect(abs(mine - held_out) <= ESTIMATE_GAP, f"your estimate {mine:.1%} vs held-out accuracy {held_out:.1%}: "
                                                 f"more than {ESTIMATE_GAP:.0%} apart")  # fmt: skip


CHECKS = [
    Check("clean_keeps_every_row", "code", check_clean_keeps_every_row,
          "fill gaps by week 2's rules (age median by title and class, port mode, fare median by class); never "
          "drop passengers"),
    Check("clean_fills_the_gaps", "code", check_clean_fills_the_gaps,
          "Age, Embarked and Fare must have no missing values after `clean`"),
    Check("clean_is_idempotent", "code", check_clean_is_idempotent,
          "cleaning a cleaned file must change nothing (no second imputation, no column derived twice)"),
    Check("clean_leaves_its_input_alone", "code", check_clean_leaves_its_input_alone,
          "work on a copy (`df.assign(...)` or `df.copy()`): the caller's DataFrame is not yours to change"),
    Check("accuracy_above_bar", "tuning", check_accuracy_above_bar,
          "tune a random forest or XGBoost with GridSearchCV over stratified folds of the development rows",
          timeout_s=FIT_TIMEOUT_S),
    Check("predicts_both_classes", "tuning", check_predicts_both_classes,
          "a model that gives everyone the same answer scores the majority share and learns nothing; check the "
          "target and the class weights"),
    Check("same_seed_same_model", "tuning", check_same_seed_same_model,
          "pass a fixed `random_state` to the models, the CV splitters and the random search",
          timeout_s=FIT_TIMEOUT_S),
    Check("batch_independent", "CV setup", check_batch_independent,
          "medians and modes that fill gaps must be learned in `fit` (a transformer inside the Pipeline), never "
          "from the passengers being predicted"),
    Check("estimate_is_honest", "CV setup", check_estimate_is_honest,
          "your estimate scores rows the model trained on (or chose its settings by): use cross_val_score on "
          "rows the model never saw, and nested CV around a search", timeout_s=FIT_TIMEOUT_S),
    Check("estimate_matches_held_out", "CV setup", check_estimate_matches_held_out,
          "estimate with (nested) CV of the very procedure `fit` runs, on the rows `estimate` is given",
          timeout_s=FIT_TIMEOUT_S),
]  # fmt: skip

METRICS = [
    Metric("test_accuracy", accuracy, "higher", baseline=WOMEN_SURVIVE, baseline_name="women survive (week 2)",
           description="accuracy on the grader's 179 held-out passengers", timeout_s=FIT_TIMEOUT_S),
    Metric("estimate_gap", lambda sol: abs(own_estimate(sol) - accuracy(sol)), "lower",
           description="|your `estimate` on the development rows − your held-out accuracy|: an honest estimate "
           "is close", timeout_s=FIT_TIMEOUT_S),
]  # fmt: skip

RUBRIC = Rubric(
    {"CV setup": 0.4, "tuning": 0.2, "interpretation": 0.2, "ethics": 0.1, "code": 0.1},
    "curriculum: CV setup 40%, tuning 20%, interpretation 20%, ethics 10%, code 10%",
    [
        SelfCheck("Do you report best parameters, CV accuracy and F1 of each search, and a nested-CV estimate "
                  "next to untuned baselines?", "week07_titanic_tuned/README.md#results", "CV setup"),
        SelfCheck("Do you explain the tuned model with feature importance and SHAP values, and say what they "
                  "cannot tell (correlated features, association not cause)?",
                  "week07_titanic_tuned/README.md#write-up", "interpretation"),
        SelfCheck("Does your write-up discuss overfitting risk, historical class and gender bias, and avoid "
                  "deterministic 'fate' narratives?", "week07_titanic_tuned/README.md#ethics", "ethics"),
    ],
)  # fmt: skip
