"""Wrong on purpose: fitted on the label strings, so predict_proba's columns come in alphabetical order."""

import numpy as np
import pandas as pd
from _common import make_model, predict_proba, texts_of, validate  # noqa: F401 - the contract


def fit_baseline(train, val, Cs, seed):
    rows, best = [], None
    for C in Cs:
        model = make_model(C, seed).fit(texts_of(train), train["label"])  # the mistake: classes_ sort A→Z
        rows.append({"C": C, "val_accuracy": float(np.mean(model.predict(texts_of(val)) == val["label"]))})
        if best is None or rows[-1]["val_accuracy"] > best[0]:
            best = (rows[-1]["val_accuracy"], model)
    return best[1], pd.DataFrame(rows)
