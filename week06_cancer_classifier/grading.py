"""How `roadmap grade week06 PATH` checks a learner's breast-cancer classifier (see shared/grading).

The contract is one function, `fit(X_train, y_train) -> model`. The grader holds out a stratified 20% of the 569
tumours (the reference's own split) and hands `fit` only the development rows, labelled malignant = 1. The
model's probabilities and labels for the held-out tumours are scored and probed the way the reference's tests
probe the reference: recall first without calling everything malignant, labels that follow the probabilities,
bigger tumours scoring higher, batch independence, same seed same model.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from shared.grading import Check, Function, Metric, Rubric, SelfCheck, expect
from shared.grading.probes import batch_dependence, positive_proba, predictions, seeded

CONTRACT = [
    Function("fit", "fit(X_train: pd.DataFrame, y_train: pd.Series) -> model",
             "X_train: the 30 feature columns of `load_breast_cancer`, named as scikit-learn names them; y_train: "
             "1 = malignant, 0 = benign (scikit-learn's own coding is the reverse). Return a fitted classifier "
             "with `predict_proba(X)[:, 1]` (probability of malignancy) and `predict(X)` (1 = malignant at the "
             "recall-first threshold you chose on validation data)."),
]  # fmt: skip
REFERENCE = "week06_cancer_classifier.grading:Reference"
SEED = 42
AUC_BAR = 0.97  # the reference's fast test wants its whole 95% interval above 0.95; its AUC is ~0.99
RECALL_BAR = 0.9  # the full run's target is 0.95; with 42 held-out cancers one miss costs 2.4 points


@functools.cache
def data() -> SimpleNamespace:
    """The reference's split: 20% held out, stratified, seed 42; malignant = 1."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    bunch = load_breast_cancer(as_frame=True)
    y = (bunch.target == 0).astype("int64").rename("malignant")
    parts = train_test_split(bunch.data, y, test_size=0.2, stratify=y, random_state=SEED)
    return SimpleNamespace(**dict(zip(["X_train", "X_test", "y_train", "y_test"], parts, strict=True)))


class Reference:
    """The reference's procedure: the threshold reaching the recall goal on out-of-fold probabilities, then refit."""

    @staticmethod
    def fit(X_train: pd.DataFrame, y_train: pd.Series):
        from sklearn.model_selection import FixedThresholdClassifier, StratifiedKFold

        from week06_cancer_classifier import cancer_classifier as cc

        config = cc.FAST
        logistic = cc.candidate_models(config, SEED)[cc.CHOSEN]
        cv = StratifiedKFold(n_splits=config.cv_folds, shuffle=True, random_state=SEED)
        scores = cc.validation_scores(logistic, X_train, y_train, cv)
        threshold = cc.threshold_for_recall(y_train.to_numpy(), scores, config.recall_goal)
        final = FixedThresholdClassifier(logistic, threshold=threshold, response_method="predict_proba")
        return final.fit(X_train, y_train)


def _majority_fit(X_train: pd.DataFrame, y_train: pd.Series):
    from sklearn.dummy import DummyClassifier

    return DummyClassifier(strategy="most_frequent").fit(X_train, y_train)


MAJORITY = SimpleNamespace(fit=_majority_fit)

# --- one fit per solution, its held-out probabilities and labels -----------------------------------------

_fitted: dict[int, tuple[Any, Any, np.ndarray, np.ndarray]] = {}


def fit(sol):
    d = data()
    return seeded(SEED, sol.fit, d.X_train.copy(), d.y_train.copy())


def labels(model, X: pd.DataFrame) -> np.ndarray:
    out = predictions(model, X, "tumours")
    expect(set(np.unique(out)) <= {0, 1}, f"`predict` must return 0/1 labels, not {sorted(set(out))[:4]}")
    return out.astype(int)


def fitted(sol) -> tuple[Any, np.ndarray, np.ndarray]:
    if id(sol) not in _fitted:
        model = fit(sol)
        X_test = data().X_test
        _fitted[id(sol)] = (sol, model, positive_proba(model, X_test), labels(model, X_test))
    return _fitted[id(sol)][1:]


def rates(y: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    y = np.asarray(y)
    tp = int(((predicted == 1) & (y == 1)).sum())
    return {"recall": tp / max(int((y == 1).sum()), 1), "precision": tp / max(int((predicted == 1).sum()), 1)}


def auc(sol) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(data().y_test, fitted(sol)[1]))


# --- checks -----------------------------------------------------------------------------------------------


def check_trains(sol) -> None:
    _, p, _ = fitted(sol)
    expect(np.isfinite(p).all() and ((p >= 0) & (p <= 1)).all(), "probabilities must be finite and within [0, 1]")


def check_predicts_both_classes(sol) -> None:
    share = float(fitted(sol)[2].mean())
    expect(0 < share < 1, f"{share:.0%} of the held-out tumours are called malignant (truth: "
                          f"{data().y_test.mean():.0%}): one label for everyone")  # fmt: skip


def check_auc_above_bar(sol) -> None:
    value = auc(sol)
    expect(value >= AUC_BAR, f"held-out AUC {value:.3f} is below the bar {AUC_BAR}")


def check_recall_first(sol) -> None:
    r = rates(data().y_test, fitted(sol)[2])
    expect(r["recall"] >= RECALL_BAR, f"held-out recall {r['recall']:.1%} (precision {r['precision']:.1%}) is below "
                                      f"the bar {RECALL_BAR:.0%}")  # fmt: skip


def check_labels_follow_probabilities(sol) -> None:
    """Every tumour called malignant scores at least as high as every tumour called benign."""
    _, p, predicted = fitted(sol)
    if 0 < predicted.mean() < 1:
        gap = p[predicted == 1].min() - p[predicted == 0].max()
        expect(gap >= 0, f"a tumour called benign scores {-gap:.3f} higher than one called malignant")


def check_bigger_tumours_score_higher(sol) -> None:
    """The same held-out tumours with every size feature (radius, perimeter, area) 20% larger."""
    model, before, _ = fitted(sol)
    X = data().X_test
    size = [c for c in X.columns if c.split()[-1] in ("radius", "perimeter", "area")]
    after = positive_proba(model, X.assign(**{c: X[c] * 1.2 for c in size}))
    up, down = float((after > before + 1e-12).mean()), float((after < before - 1e-9).mean())
    expect(up > 0.5 and down <= 0.05, f"20% larger tumours: probability of malignancy up for {up:.0%}, down for "
                                      f"{down:.0%}")  # fmt: skip


def check_batch_independent(sol) -> None:
    model, _, _ = fitted(sol)
    change = batch_dependence(lambda X: positive_proba(model, X), data().X_test.iloc[:15])
    expect(change <= 1e-9, f"a tumour's probability changed by up to {change:.3g} with the tumours scored with it")


def check_same_seed_same_model(sol) -> None:
    _, first, _ = fitted(sol)
    change = float(np.abs(positive_proba(fit(sol), data().X_test) - first).max())
    expect(change <= 1e-9, f"two fits with the same seed gave probabilities up to {change:.3g} apart")


CHECKS = [
    Check("trains", "model", check_trains,
          "`fit` must return a classifier with `predict_proba(X)` (two columns) and `predict(X)` (0/1)"),
    Check("predicts_both_classes", "threshold", check_predicts_both_classes,
          "recall first does not mean calling every tumour malignant (or benign): choose the highest threshold "
          "that reaches the recall goal on validation predictions"),
    Check("auc_above_bar", "model", check_auc_above_bar,
          "scale the features inside a Pipeline and choose the regularisation by inner CV (LogisticRegressionCV)"),
    Check("recall_first", "threshold", check_recall_first,
          "too many cancers missed: choose the threshold on out-of-fold validation probabilities "
          "(cross_val_predict) so that recall reaches the goal, instead of the default 0.5"),
    Check("labels_follow_probabilities", "threshold", check_labels_follow_probabilities,
          "`predict` should be `predict_proba >= threshold` for one threshold (FixedThresholdClassifier does it)"),
    Check("bigger_tumours_score_higher", "model", check_bigger_tumours_score_higher,
          "larger tumours got lower probabilities of malignancy: is 1 malignant in your labels? scikit-learn "
          "codes benign as 1; the grader gives malignant = 1"),
    Check("batch_independent", "leakage", check_batch_independent,
          "fit the scaler on training rows (inside a Pipeline), never on the rows being predicted"),
    Check("same_seed_same_model", "reproducibility", check_same_seed_same_model,
          "pass a fixed `random_state` to every random step (the CV splitter, the model)"),
]  # fmt: skip

METRICS = [
    Metric("test_auc", auc, "higher", baseline=MAJORITY, baseline_name="majority class (benign)",
           description="AUC on the grader's 114 held-out tumours"),
    Metric("test_recall", lambda sol: rates(data().y_test, fitted(sol)[2])["recall"], "higher", baseline=MAJORITY,
           baseline_name="majority class (benign)", description="share of the 42 held-out cancers called malignant"),
    Metric("test_precision", lambda sol: rates(data().y_test, fitted(sol)[2])["precision"], "higher",
           baseline=MAJORITY, baseline_name="majority class (benign)",
           description="share of tumours called malignant that are"),
]  # fmt: skip

RUBRIC = Rubric.equal(
    "model",
    "threshold",
    "leakage",
    "reproducibility",
    self_assessment=[
        SelfCheck("Do you show the confusion matrix, ROC and precision-recall curves with the chosen threshold "
                  "marked, and every rate with a 95% interval?", "week06_cancer_classifier/README.md#results"),
        SelfCheck("Does your write-up weigh false negatives against false positives and say it is not a "
                  "diagnostic tool, with the data's demographic limits?", "week06_cancer_classifier/README.md#ethics"),
    ],
)  # fmt: skip
