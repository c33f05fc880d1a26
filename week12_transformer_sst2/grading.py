"""How `roadmap grade week12 PATH` checks a learner's fine-tuned sentiment classifier (see shared/grading).

Fine-tuning a transformer takes longer than a grade may (20 minutes in the lesson), so the contract starts after
training: `load_model` loads the learner's own fine-tuned model from the learner's own files, and
`predict_proba` scores sentences. The grader owns the sentences: 300 of SST-2's dev set (the lesson's test set;
fixed by the grader's seed) and a few hand-written probes, and checks what the reference's own tests check of its
model: probabilities, batch independence, direction, negation, both classes used, accuracy well above chance.

The reference is the lesson's saved model (`inference.load_model`): the full run's if there is one, else the fast
run's (`roadmap run week12 --fast`); the baseline always answers the training set's majority class (positive).
"""

from __future__ import annotations

import functools
from types import SimpleNamespace

import numpy as np

from shared.grading import Check, Function, Metric, Rubric, SelfCheck, expect

CONTRACT = [
    Function("load_model", "load_model() -> model",
             "your fine-tuned classifier (and its tokenizer), loaded from your own saved files; the grader passes "
             "no data"),
    Function("predict_proba", "predict_proba(model, texts) -> np.ndarray",
             "P(positive) for each sentence of a list of str, shape (n,), in [0, 1]; a sentence's score must not "
             "depend on the other sentences in the call"),
]  # fmt: skip
REFERENCE = "week12_transformer_sst2.grading:Reference"
MEMORY_MB = 8000  # torch + transformers map ~4 GB of address space before the model is loaded
LOAD_TIMEOUT_S = 120.0  # importing transformers is slow on a busy machine

N_DEV = 300  # SST-2 dev sentences scored (of 872)
GRADER_SEED = 2026
ACCURACY_BAR = 0.75  # the bar the reference's own tests set for its fast model; chance is 0.51
NEGATION_DROP = 0.2  # "not" must lower P(positive) by at least this much (the reference's test)
SCORE_TIMEOUT_S = 300.0  # scoring 300 sentences with a 6-layer transformer: seconds on a laptop, minutes when busy
POSITIVE = ["An utterly charming film with a wonderful cast.", "A gripping, funny and moving story.",
            "One of the best films of the year."]  # fmt: skip
NEGATIVE = ["A dull, lifeless mess of a movie.", "Boring, predictable and far too long.",
            "One of the worst films of the year."]  # fmt: skip
NEGATIONS = [("The film is wonderful.", "The film is not wonderful at all; it is a dull mess."),
             ("A funny and moving story.", "Not funny, and not moving in the least.")]  # fmt: skip
LONG = "An okay film, I suppose, though the second half drags on and on and on, and the ending is a letdown."


class Reference:
    """The lesson's saved model and its `positive_proba`, under the contract's names."""

    @staticmethod
    def load_model():
        from shared.errors import RoadmapError
        from shared.paths import outputs_dir
        from week12_transformer_sst2.inference import load_model

        for folder in (outputs_dir("week12_transformer_sst2"), outputs_dir("week12_transformer_sst2", fast=True)):
            if (folder / "model" / "model.safetensors").is_file():
                return load_model(folder / "model")
        raise RoadmapError("the reference has no trained model yet: run `roadmap run week12 --fast` (minutes) or "
                           "`roadmap run week12` first")  # fmt: skip

    @staticmethod
    def predict_proba(model, texts) -> np.ndarray:
        from week12_transformer_sst2.inference import positive_proba

        return positive_proba(model, list(texts))


MAJORITY = SimpleNamespace(load_model=lambda: None, predict_proba=lambda model, texts: np.full(len(texts), 0.56))


@functools.cache
def dev() -> tuple[list[str], np.ndarray]:
    """N_DEV sentences of SST-2 dev, drawn with the grader's seed, and their labels."""
    from shared.data import load_sst2

    frame = load_sst2("dev")
    rows = np.sort(np.random.default_rng(GRADER_SEED).choice(len(frame), N_DEV, replace=False))
    return frame["sentence"].iloc[rows].tolist(), frame["label"].to_numpy()[rows]


_loaded: dict[int, tuple] = {}


def loaded(sol) -> tuple[object, np.ndarray]:
    """(the learner's model, its P(positive) for the dev sentences), loaded and scored once per solution."""
    if id(sol) not in _loaded:
        model = sol.load_model()
        _loaded[id(sol)] = (sol, model, np.asarray(sol.predict_proba(model, list(dev()[0])), dtype="float64"))
    return _loaded[id(sol)][1:]


def proba(sol, texts: list[str]) -> np.ndarray:
    return np.asarray(sol.predict_proba(loaded(sol)[0], list(texts)), dtype="float64").reshape(-1)


def accuracy(sol) -> float:
    return float(((loaded(sol)[1] >= 0.5) == dev()[1]).mean())


# --- checks -----------------------------------------------------------------------------------------------------


def check_probabilities(sol) -> None:
    p = loaded(sol)[1]
    expect(p.shape == (N_DEV,), f"predict_proba returned shape {p.shape} for {N_DEV} sentences, expected ({N_DEV},)")
    expect(bool(((p >= 0) & (p <= 1)).all()), f"P(positive) ranges from {p.min():.3g} to {p.max():.3g}")


def check_batch_independent(sol) -> None:
    batch = POSITIVE + NEGATIVE + [LONG]
    together = proba(sol, batch)
    alone = np.array([proba(sol, [text])[0] for text in batch])
    reverse = proba(sol, batch[::-1])[::-1]
    change = float(max(np.abs(alone - together).max(), np.abs(reverse - together).max()))
    expect(change <= 1e-5, f"a sentence's P(positive) changes by up to {change:.3g} with the other sentences in the "
                           "call (7 sentences, 3 to 22 words)")  # fmt: skip


def check_direction(sol) -> None:
    p = proba(sol, POSITIVE + NEGATIVE)
    pos, neg = p[: len(POSITIVE)], p[len(POSITIVE) :]
    expect(pos.min() > neg.max(), f"clearly positive sentences score {np.round(pos, 3).tolist()}, clearly negative "
                                  f"ones {np.round(neg, 3).tolist()}")  # fmt: skip


def check_negation(sol) -> None:
    for plain, negated in NEGATIONS:
        p = proba(sol, [plain, negated])
        expect(p[1] < p[0] - NEGATION_DROP, f"P(positive) of {plain!r} is {p[0]:.3f}, of {negated!r} {p[1]:.3f}: "
                                            f"not lower by {NEGATION_DROP}")  # fmt: skip


def check_not_one_class(sol) -> None:
    share = float((loaded(sol)[1] >= 0.5).mean())
    expect(0.1 <= share <= 0.9, f"{share:.0%} of {N_DEV} dev sentences get P(positive) ≥ 0.5 (truly positive: "
                                f"{dev()[1].mean():.0%})")  # fmt: skip


def check_accuracy(sol) -> None:
    from shared.stats import proportion_ci

    acc = accuracy(sol)
    low, high = proportion_ci(round(acc * N_DEV), N_DEV)
    expect(acc >= ACCURACY_BAR, f"accuracy on {N_DEV} SST-2 dev sentences {acc:.1%} (95% CI {low:.1%}–{high:.1%}); "
                                f"bar {ACCURACY_BAR:.0%}, chance 51%")  # fmt: skip


CHECKS = [
    Check("outputs_are_probabilities", "prediction", check_probabilities,
          "return P(positive) in [0, 1]: softmax over the two logits and take column 1, not the raw logits",
          timeout_s=SCORE_TIMEOUT_S),
    Check("batch_independent", "prediction", check_batch_independent,
          "pass the tokenizer's attention_mask to the model (padding=True pads short sentences to the longest "
          "one), and predict in eval mode",
          timeout_s=SCORE_TIMEOUT_S),
    Check("positive_above_negative", "behaviour", check_direction,
          "clearly positive sentences score below negative ones: check id2label / which column is 'positive' "
          "(SST-2: 0 = negative, 1 = positive)",
          timeout_s=SCORE_TIMEOUT_S),
    Check("negation_lowers_the_score", "behaviour", check_negation,
          "the model ignores 'not': fine-tune longer or on whole sentences (SST-2's phrases include negations)",
          timeout_s=SCORE_TIMEOUT_S),
    Check("not_one_class", "model", check_not_one_class,
          "(almost) every sentence scores ≥ 0.5: return P(positive) (softmax column 1), not the probability of "
          "the predicted label (softmax max, always ≥ 0.5)",
          timeout_s=SCORE_TIMEOUT_S),
    Check("above_chance", "model", check_accuracy,
          "accuracy is low for a fine-tuned transformer: check the labels reach the loss, the learning rate "
          "(2e-5 to 2e-4) and that the saved weights are the fine-tuned ones",
          timeout_s=SCORE_TIMEOUT_S),
]  # fmt: skip

METRICS = [
    Metric("dev_accuracy", accuracy, "higher", baseline=MAJORITY, baseline_name="always positive (majority class)",
           description=f"{N_DEV} SST-2 dev sentences (the lesson's test set), threshold 0.5",
           timeout_s=SCORE_TIMEOUT_S),
    Metric("dev_log_loss", lambda sol: float(-np.mean(np.log(np.clip(
        np.where(dev()[1] == 1, loaded(sol)[1], 1 - loaded(sol)[1]), 1e-12, 1)))), "lower", baseline=MAJORITY,
        baseline_name="always positive (majority class)", description="mean cross-entropy of P(positive)",
        timeout_s=SCORE_TIMEOUT_S),
]  # fmt: skip

RUBRIC = Rubric.equal(
    "prediction",
    "behaviour",
    "model",
    self_assessment=[
        SelfCheck("Is your learning rate chosen on a validation split that shares no text with the training rows "
                  "(SST-2 train holds every phrase of its sentences)?", "week12_transformer_sst2/README.md#write-up"),
        SelfCheck("Do you compare the fine-tuned model with zero-shot and a linear probe on the same test set, "
                  "with intervals?", "week12_transformer_sst2/README.md#results"),
        SelfCheck("Do you probe the model for bias (counterfactual names and groups) and report what you found?",
                  "week12_transformer_sst2/README.md#ethics"),
    ],
)  # fmt: skip
