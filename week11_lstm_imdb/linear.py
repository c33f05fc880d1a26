"""The linear models: the TF-IDF baseline the LSTM must beat, and NB-weighted n-gram logistic regression.

Both are a few lines of scikit-learn. The second is Wang & Manning's "NBSVM" idea (2012, "Baselines and
Bigrams"), with logistic regression in place of the SVM: scale each n-gram feature by how much more often it
appears in positive than in negative training reviews (its naive-Bayes log-count ratio), then fit a linear
model on the scaled features. The ratio is the only hand-written part; it is the idea being taught.

N-grams are hashed (`HashingVectorizer`), so the fitted model is just one weight vector and a bias: no
vocabulary of millions of n-grams to store, and `inference.py` rebuilds the features from the config alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from week11_lstm_imdb.text import clean_text, tokenize


def clean_lower(text: str) -> str:
    return clean_text(text).lower()


# --- the baseline ---------------------------------------------------------------------------------
def tfidf_baseline(train_texts, train_y, val_texts, val_y, *, cs, seed: int):
    """TF-IDF of word 1-2-grams + logistic regression, C chosen on validation: the bar to clear.

    Returns (fitted pipeline, table of C against validation accuracy).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    vectorizer = TfidfVectorizer(preprocessor=clean_lower, ngram_range=(1, 2), min_df=2, max_df=0.9, sublinear_tf=True)
    train_features, val_features = vectorizer.fit_transform(train_texts), vectorizer.transform(val_texts)
    rows, fitted = [], {}
    for c in cs:
        clf = LogisticRegression(C=c, max_iter=2000, solver="liblinear", random_state=seed)
        fitted[c] = clf.fit(train_features, train_y)
        rows.append({"C": c, "val accuracy": float((clf.predict(val_features) == val_y).mean())})
    table = pd.DataFrame(rows)
    best_c = table.loc[table["val accuracy"].idxmax(), "C"]  # first best: ties go to the stronger penalty
    return Pipeline([("tfidf", vectorizer), ("logreg", fitted[best_c])]), table


# --- NB-weighted n-grams --------------------------------------------------------------------------
def ngram_features(texts: list[str], *, ngram_range: tuple[int, int], n_features: int) -> sparse.csr_matrix:
    """Binary presence of each word n-gram (same tokenizer as the LSTM), hashed into `n_features` columns."""
    from sklearn.feature_extraction.text import HashingVectorizer

    vectorizer = HashingVectorizer(
        tokenizer=tokenize, token_pattern=None, lowercase=False, ngram_range=tuple(ngram_range),
        n_features=n_features, binary=True, norm=None, alternate_sign=False,
    )  # fmt: skip
    return vectorizer.transform(texts).tocsr()


def nb_ratio(features: sparse.csr_matrix, labels: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """log( P(feature | positive) / P(feature | negative) ), with add-`alpha` smoothing.

    Large and positive for "7/10"-style n-grams found mostly in positive reviews, large and negative for
    "waste of" and friends, near zero for "the film".
    """
    positive = alpha + np.asarray(features[labels == 1].sum(axis=0)).ravel()
    negative = alpha + np.asarray(features[labels == 0].sum(axis=0)).ravel()
    return np.log(positive / positive.sum()) - np.log(negative / negative.sum())


def fit_nb_logreg(train_features, train_y, val_features, val_y, *, cs, seed: int):
    """NB-scaled features + logistic regression, C chosen on validation.

    Returns (weights, bias, table of C against validation accuracy). The model's logit for a review with
    features x is x · weights + bias, where weights = ratio × coefficients (scaling the features by the
    ratio is the same as scaling the coefficients by it).
    """
    from sklearn.linear_model import LogisticRegression

    ratio = nb_ratio(train_features, train_y)
    scaled_train = train_features.multiply(ratio).tocsr()
    rows, fitted = [], {}
    for c in cs:
        clf = LogisticRegression(C=c, solver="liblinear", dual=True, max_iter=1000, random_state=seed)
        clf.fit(scaled_train, train_y)
        weights, bias = ratio * clf.coef_.ravel(), float(clf.intercept_[0])
        fitted[c] = (weights, bias)
        val_accuracy = float(((linear_proba(val_features, weights, bias) > 0.5) == val_y).mean())
        rows.append({"C": c, "val accuracy": val_accuracy})
    table = pd.DataFrame(rows)
    best_c = table.loc[table["val accuracy"].idxmax(), "C"]
    return *fitted[best_c], table


def linear_proba(features: sparse.csr_matrix, weights: np.ndarray, bias: float) -> np.ndarray:
    """P(positive) of a linear model on (hashed) features."""
    return 1.0 / (1.0 + np.exp(-(features @ weights + bias)))
