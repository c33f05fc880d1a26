"""Wrong on purpose: C is chosen on training accuracy, which only grows with C, so the most overfitted model wins."""

import pandas as pd
from _common import accuracy, make_model, predict_proba, validate  # noqa: F401 - the contract


def fit_baseline(train, val, Cs, seed):
    rows, best = [], None
    for C in Cs:
        model = make_model(C, seed).fit(list(train["title"] + ". " + train["description"]), train["label_id"])
        rows.append({"C": C, "val_accuracy": accuracy(model, val)})
        score = accuracy(model, train)  # the mistake: the choice looks at the rows the model was fitted on
        if best is None or score > best[0]:
            best = (score, model)
    return best[1], pd.DataFrame(rows)
