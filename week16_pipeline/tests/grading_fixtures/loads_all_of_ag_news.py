"""Wrong on purpose: the TF-IDF vocabulary is fitted on all of AG News, read from disk, test rows included."""

import functools

import pandas as pd
from _common import accuracy, predict_proba, texts_of, validate  # noqa: F401 - the contract
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from week16_pipeline.data import load_ag_news


class Model:
    def __init__(self, vectorizer, C, seed):
        self.vectorizer = vectorizer
        self.classifier = LogisticRegression(C=C, max_iter=2000, random_state=seed)

    def fit(self, texts, y):
        self.classifier.fit(self.vectorizer.transform(texts), y)
        return self

    def predict(self, texts):
        return self.classifier.predict(self.vectorizer.transform(texts))

    def predict_proba(self, texts):
        return self.classifier.predict_proba(self.vectorizer.transform(texts))


@functools.cache
def vocabulary():
    everything = texts_of(load_ag_news())  # the mistake: the grader's held-out rows are in here
    return TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True).fit(everything)


def fit_baseline(train, val, Cs, seed):
    vectorizer = vocabulary()
    rows, best = [], None
    for C in Cs:
        model = Model(vectorizer, C, seed).fit(texts_of(train), train["label_id"])
        rows.append({"C": C, "val_accuracy": accuracy(model, val)})
        if best is None or rows[-1]["val_accuracy"] > best[0]:
            best = (rows[-1]["val_accuracy"], model)
    return best[1], pd.DataFrame(rows)
