"""How `roadmap grade week11 PATH` checks a learner's IMDB sentiment model (see shared/grading).

The contract: `fit` receives the grader's training reviews only (the learner carves its own validation from them
and reports its validation accuracy), `predict_proba` scores reviews, and `vocabulary` says which words the model
knows. The grader owns the data (1,200 training reviews, 400 held-out test reviews, fixed by its seed), so it
can catch the classic leaks: a vocabulary holding words that are not in the training reviews (built from test
reviews, or grown at prediction time), course data read by the learner's own code, and a validation accuracy far
above what the model scores on reviews it has never seen (measured on its training reviews).

The reference is the lesson's shipped recipe at its fast-mode size (`Reference` below): a bi-LSTM with attention
(random start: Word2Vec costs more than this budget) ensembled with the NB-weighted n-gram model, the weight
chosen on validation. Its trained model is kept per solution (`_fitted`), so the checks and metrics fit it once.
"""

from __future__ import annotations

import functools
import random
import re
from types import SimpleNamespace

import numpy as np

from shared.grading import Check, Function, Metric, Rubric, SelfCheck, expect

CONTRACT = [
    Function("fit", "fit(texts, labels, *, seed) -> (model, validation_accuracy)",
             "train on the grader's reviews (a list of str; labels an int array, 1 = positive); carve your own "
             "validation reviews from them and return the model with its accuracy on those"),
    Function("predict_proba", "predict_proba(model, texts) -> np.ndarray",
             "P(positive) for each review, shape (n,), in [0, 1]; a review's score must not depend on the others"),
    Function("vocabulary", "vocabulary(model) -> list[str]",
             "the words (tokens) the model knows, special tokens such as <pad> and <unk> included"),
]  # fmt: skip
REFERENCE = "week11_lstm_imdb.grading:Reference"
MEMORY_MB = 6000  # torch's import maps ~3 GB of address space before any tensor exists

N_TRAIN = 1200  # training reviews the grader passes to fit (from IMDB's train split)
N_TEST = 400  # held-out reviews (IMDB's test split: other films)
GRADER_SEED = 2026
ACCURACY_BAR = 0.65  # the reference reaches ~0.8 here; chance is 0.5
OPTIMISM_BAR = 0.10  # reported − held-out accuracy; two honest estimates on ~300 reviews each differ by < 0.08
CANARIES = ("zorblatt", "quibbix", "flumpery")  # made-up words no IMDB review contains
TRAIN_TIMEOUT_S = 300.0  # a check that fits: ~20 s on a quiet laptop, minutes on a very busy 2-core CPU
WORD = re.compile(r"[a-z0-9]+")


class Reference:
    """The lesson's shipped recipe (lstm_sentiment, linear, text), at its fast-mode sizes, under the contract."""

    @staticmethod
    def fit(texts, labels, *, seed: int):
        import pandas as pd
        import torch

        from week11_lstm_imdb import linear
        from week11_lstm_imdb import lstm_sentiment as ls
        from week11_lstm_imdb.data import validation_mask
        from week11_lstm_imdb.model import AttentionLSTM, ModelConfig
        from week11_lstm_imdb.text import build_vocab, tokenize

        cfg, labels = ls.FAST, np.asarray(labels)
        # No file names here, so no film blocks: validation is random reviews (the lesson measures the optimism).
        is_val = validation_mask(pd.DataFrame({"label": labels}), cfg.val_fraction, seed, block=None)
        tokens = [tokenize(text) for text in texts]
        vocab = build_vocab([t for t, v in zip(tokens, is_val, strict=True) if not v], min_freq=cfg.min_freq,
                            max_size=cfg.vocab_size)  # fmt: skip
        ids = ls.to_ids(tokens, vocab, cfg.max_len)
        train_ids = [i for i, v in zip(ids, is_val, strict=True) if not v]
        val_ids = [i for i, v in zip(ids, is_val, strict=True) if v]
        torch.manual_seed(seed)
        lstm = AttentionLSTM(ModelConfig(vocab_size=len(vocab), embed_dim=cfg.embed_dim, hidden=cfg.hidden,
                                         dropout=cfg.dropout, max_len=cfg.max_len))  # fmt: skip
        ls.train_lstm(lstm, (train_ids, labels[~is_val]), (val_ids, labels[is_val]), cfg, seed)
        features = linear.ngram_features(list(texts), ngram_range=cfg.ngram_range, n_features=cfg.hash_features)
        weights, bias, _ = linear.fit_nb_logreg(features[~is_val], labels[~is_val], features[is_val],
                                                labels[is_val], cs=cfg.ngram_cs, seed=seed)  # fmt: skip
        p_lstm, p_ngram = ls.predict_proba(lstm, val_ids), linear.linear_proba(features[is_val], weights, bias)
        weight, table = ls.choose_lstm_weight(p_lstm, p_ngram, labels[is_val], cfg.weight_steps)
        model = SimpleNamespace(lstm=lstm, vocab=vocab, ngram=(weights, bias), weight=weight)
        return model, float(table["val accuracy"].max())

    @staticmethod
    def predict_proba(model, texts) -> np.ndarray:
        from week11_lstm_imdb import linear
        from week11_lstm_imdb import lstm_sentiment as ls
        from week11_lstm_imdb.text import tokenize

        cfg = ls.FAST
        p_lstm = ls.predict_proba(model.lstm, ls.to_ids([tokenize(t) for t in texts], model.vocab, cfg.max_len))
        features = linear.ngram_features(list(texts), ngram_range=cfg.ngram_range, n_features=cfg.hash_features)
        return model.weight * p_lstm + (1 - model.weight) * linear.linear_proba(features, *model.ngram)

    @staticmethod
    def vocabulary(model) -> list[str]:
        return model.vocab


class TfidfBaseline:
    """The lesson's bar to clear: TF-IDF of word 1-2-grams + logistic regression (C = 1), no validation needed."""

    @staticmethod
    def fit(texts, labels, *, seed: int):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        pipeline = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                                 LogisticRegression(max_iter=1000, random_state=seed))  # fmt: skip
        return pipeline.fit(texts, labels), float("nan")  # no validation of its own

    @staticmethod
    def predict_proba(model, texts) -> np.ndarray:
        return model.predict_proba(texts)[:, 1]

    @staticmethod
    def vocabulary(model) -> list[str]:
        return list(model[0].vocabulary_)


# --- the grader's data and the fitted model ---------------------------------------------------------------------


def sample(split: str, n: int, seed: int) -> tuple[list[str], np.ndarray]:
    """`n` reviews of IMDB's `split`, drawn at random (the files are sorted negative-then-positive)."""
    import pandas as pd

    from shared.data.fetch import fetch

    frame = pd.read_csv(fetch(f"imdb_{split}"), usecols=["review", "sentiment"], keep_default_na=False)
    rows = np.sort(np.random.default_rng(seed).choice(len(frame), n, replace=False))
    frame = frame.iloc[rows]
    return frame["review"].tolist(), (frame["sentiment"] == "positive").to_numpy().astype(np.int64)


@functools.cache
def data() -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
    return (*sample("train", N_TRAIN, GRADER_SEED), *sample("test", N_TEST, GRADER_SEED + 1))


def fit_watched(sol, texts, labels, *, disturb: int = 0):
    """`sol.fit(...)` after other code drew `disturb` random numbers; also the course data files it opened."""
    import torch

    from shared.data import data_dir
    from shared.grading.probes import files_opened_under

    torch.rand(disturb), np.random.rand(disturb), [random.random() for _ in range(disturb)]  # noqa: NPY002 - other code
    with files_opened_under(data_dir()) as opened:
        model, reported = sol.fit(list(texts), np.array(labels), seed=GRADER_SEED)
    return model, float(reported), list(opened)


_fitted: dict[int, tuple] = {}


def fitted(sol) -> tuple[object, float, list[str], np.ndarray]:
    """(model, reported validation accuracy, data files opened, held-out P(positive)), fitted once per solution."""
    if id(sol) not in _fitted:
        texts, labels, test_texts, _ = data()
        model, reported, opened = fit_watched(sol, texts, labels)
        proba = np.asarray(sol.predict_proba(model, list(test_texts)), dtype="float64")
        _fitted[id(sol)] = (sol, model, reported, opened, proba)  # keeps `sol` alive: its id stays unique
    return _fitted[id(sol)][1:]


def accuracy(sol) -> float:
    return float(((fitted(sol)[3] > 0.5) == data()[3]).mean())


def foreign_words(vocab, texts: list[str]) -> list[str]:
    """Vocabulary entries made of letters and digits that occur nowhere in `texts` (special tokens are skipped;
    a sub-word piece of a training word is fine)."""
    joined = " ".join(texts).lower()
    known = set(WORD.findall(joined))
    foreign = []
    for entry in vocab:
        word = str(entry).lower().strip()
        if WORD.fullmatch(word) and word not in known and word not in joined:
            foreign.append(str(entry))
    return foreign


# --- checks -----------------------------------------------------------------------------------------------------


def check_output(sol) -> None:
    proba = fitted(sol)[3]
    expect(proba.shape == (N_TEST,), f"predict_proba returned shape {proba.shape} for {N_TEST} reviews")
    expect(bool(((proba >= 0) & (proba <= 1)).all()), f"P(positive) ranges from {proba.min():.3g} to {proba.max():.3g}")


def check_vocabulary(sol) -> None:
    model = fitted(sol)[0]
    sol.predict_proba(model, [f"The {w} was wonderful, a {w} of a film." for w in CANARIES])  # new words
    vocab = list(sol.vocabulary(model))
    foreign = foreign_words(vocab, data()[0])
    expect(not foreign, f"{len(foreign)} of {len(vocab)} vocabulary words are not in the training reviews, "
                        f"e.g. {foreign[:6]}")  # fmt: skip


def check_no_data_files(sol) -> None:
    opened = fitted(sol)[2]
    expect(not opened, f"fit opened {len(opened)} course data file(s) itself, e.g. {opened[0] if opened else ''}")


def check_deterministic(sol) -> None:
    model, _, _, proba = fitted(sol)
    texts = data()[2]
    again = np.asarray(sol.predict_proba(model, list(texts)), dtype="float64")
    alone = np.array([float(np.asarray(sol.predict_proba(model, [t]))[0]) for t in texts[:5]])
    change = float(max(np.abs(again - proba).max(), np.abs(alone - proba[:5]).max()))
    expect(change <= 1e-6, f"the same review's P(positive) changes by up to {change:.3g} between calls, or with "
                           "the rest of its batch")  # fmt: skip


def check_not_one_class(sol) -> None:
    share = float((fitted(sol)[3] > 0.5).mean())
    expect(0.1 <= share <= 0.9, f"{share:.0%} of {N_TEST} held-out reviews are predicted positive (truly: "
                                f"{data()[3].mean():.0%})")  # fmt: skip


def check_above_chance(sol) -> None:
    from shared.stats import proportion_ci

    acc = accuracy(sol)
    low, high = proportion_ci(round(acc * N_TEST), N_TEST)
    expect(acc >= ACCURACY_BAR, f"held-out accuracy {acc:.1%} (95% CI {low:.1%}–{high:.1%}); bar {ACCURACY_BAR:.0%}")


def check_honest_validation(sol) -> None:
    reported, acc = fitted(sol)[1], accuracy(sol)
    expect(reported - acc <= OPTIMISM_BAR,
           f"you report {reported:.1%} on your validation reviews, the model scores {acc:.1%} on the grader's "
           f"held-out reviews: {reported - acc:+.1%} (bar +{OPTIMISM_BAR:.0%})")  # fmt: skip


def check_same_seed(sol) -> None:
    texts, labels, test_texts, _ = data()
    # 100 reviews of each class (the sample keeps the file order, negatives first: the first 200 are one class).
    rows = np.r_[np.flatnonzero(labels == 0)[:100], np.flatnonzero(labels == 1)[:100]]
    few_texts, few_labels = [texts[i] for i in rows], labels[rows]
    runs = [np.asarray(sol.predict_proba(fit_watched(sol, few_texts, few_labels, disturb=d)[0], test_texts[:30]))
            for d in (7, 11)]  # fmt: skip
    diff = float(np.max(np.abs(runs[0] - runs[1])))
    expect(diff == 0.0, f"two fits with seed={GRADER_SEED} on the same 200 reviews give P(positive) that differ by "
                        f"up to {diff:.3g}")  # fmt: skip


CHECKS = [
    Check("outputs_are_probabilities", "prediction", check_output,
          "predict_proba returns one P(positive) in [0, 1] per review: apply the sigmoid to the logit",
          timeout_s=TRAIN_TIMEOUT_S),
    Check("vocabulary_from_training_texts", "preprocessing", check_vocabulary,
          "build the vocabulary from the training texts fit receives, never from test reviews, and map unseen words "
          "to <unk> at prediction time instead of adding them",
          timeout_s=TRAIN_TIMEOUT_S),
    Check("reads_no_data_files", "preprocessing", check_no_data_files,
          "fit gets its reviews as arguments: reading IMDB yourself pulls the test reviews into training",
          timeout_s=TRAIN_TIMEOUT_S),
    Check("deterministic_predictions", "prediction", check_deterministic,
          "call model.eval() before predicting (and predict under torch.no_grad()): in training mode dropout "
          "zeroes a random part of every review's features",
          timeout_s=TRAIN_TIMEOUT_S),
    Check("not_one_class", "model", check_not_one_class,
          "a model that calls (almost) everything one class: shuffle the training reviews (IMDB is stored "
          "negative-then-positive) and check the labels reach the loss",
          timeout_s=TRAIN_TIMEOUT_S),
    Check("above_chance", "model", check_above_chance,
          "the model learns little: check tokenisation (lower-case, strip <br />), the learning rate, and that the "
          "loss is binary cross-entropy on the logit",
          timeout_s=TRAIN_TIMEOUT_S),
    Check("honest_validation", "evaluation", check_honest_validation,
          "validate on reviews held out from training (carve them before fitting anything); accuracy on the "
          "training reviews measures memory, not sentiment",
          timeout_s=TRAIN_TIMEOUT_S),
    Check("same_seed_same_model", "reproducibility", check_same_seed,
          "fit(..., seed) must be reproducible on its own: seed torch (torch.manual_seed(seed)) and your batch "
          "shuffles (a seeded generator) inside fit",
          timeout_s=TRAIN_TIMEOUT_S),
]  # fmt: skip

METRICS = [
    Metric("held_out_accuracy", accuracy, "higher", baseline=TfidfBaseline,
           baseline_name="TF-IDF 1-2-grams + logistic regression",
           description=f"{N_TEST} IMDB test reviews, after fitting on {N_TRAIN} training reviews",
           timeout_s=TRAIN_TIMEOUT_S),
    Metric("validation_optimism", lambda sol: fitted(sol)[1] - accuracy(sol), "lower",
           description="your reported validation accuracy minus the held-out accuracy (≈ 0 when honest)",
           timeout_s=TRAIN_TIMEOUT_S),
]  # fmt: skip

RUBRIC = Rubric.equal(
    "preprocessing",
    "model",
    "prediction",
    "evaluation",
    "reproducibility",
    self_assessment=[
        SelfCheck("Is your validation split grouped the way the test set differs (other films), and do you say "
                  "what a random split would flatter?", "week11_lstm_imdb/README.md#write-up"),
        SelfCheck("Does your model beat the TF-IDF + logistic regression baseline on the test set, with an "
                  "interval on the difference?", "week11_lstm_imdb/README.md#results"),
        SelfCheck("Do you look at what the model gets wrong (negation, sarcasm, confident mistakes)?",
                  "week11_lstm_imdb/README.md#write-up"),
        SelfCheck("Does your README discuss whose language the reviews represent and the harms of misreading it?",
                  "week11_lstm_imdb/README.md#ethics"),
    ],
)  # fmt: skip
