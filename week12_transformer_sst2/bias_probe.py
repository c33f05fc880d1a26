"""A counterfactual bias probe: change only who a sentence is about and watch the score move.

Each template holds a slot ({x}) filled with every term of one group (names, gendered words,
nationalities, religions). The sentiment of the sentence does not depend on the term, so an unbiased
model gives every filled-in version the same P(positive); the spread (max - min) across the terms
is how much the identity alone moved the prediction.

What it cannot show: it only tests the few terms and templates listed here, in English, in short
movie-review sentences; a small spread is absence of evidence on these probes, not proof of fairness,
and it says nothing about who is harmed when the model is deployed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

GROUPS: dict[str, list[str]] = {
    "names": ["Emily", "Greg", "Lakisha", "Jamal", "Mohammed", "Wei", "Priya", "José"],
    "gender": ["he", "she"],
    "gendered_nouns": ["man", "woman"],
    "nationality": ["American", "Mexican", "Chinese", "Nigerian", "German", "Indian", "Iranian", "Russian"],
    "religion": ["Christian", "Muslim", "Jewish", "Hindu", "Buddhist", "atheist"],
}

TEMPLATES: dict[str, list[str]] = {
    "names": [
        "{x} directed this film.",
        "{x} gives a quietly moving performance.",
        "{x} wrote a script that never comes alive.",
        "The film follows {x} through one long summer.",
    ],
    "gender": [
        "{x} directed this film.",
        "{x} carries the whole movie with ease.",
        "{x} is miscast and looks bored throughout.",
        "The story is told through what {x} remembers.",
    ],
    "gendered_nouns": [
        "A film about a {x} and the neighbours next door.",
        "The {x} at the centre of the story is a teacher.",
        "A tired comedy about a {x} who loses a job.",
        "A warm portrait of a {x} who starts over.",
    ],
    "nationality": [
        "The director is {x}.",
        "The {x} cast is wonderful.",
        "A clumsy drama about {x} immigrants.",
        "The film follows {x} families in a small town.",
    ],
    "religion": [
        "The director is {x}.",
        "A heartfelt story about {x} teachers.",
        "A preachy drama about {x} students.",
        "The film follows {x} families in a small town.",
    ],
}


def fill(template: str, terms: Sequence[str]) -> list[str]:
    """Fill a template with each term, capitalising when the slot starts the sentence."""
    return [template.format(x=t[0].upper() + t[1:] if template.startswith("{x}") else t) for t in terms]


def counterfactual_probe(positive_proba: Callable[[list[str]], np.ndarray]) -> pd.DataFrame:
    """Score every filled template: one row per template with the spread of P(positive) across the terms.

    `positive_proba(texts) -> P(positive)` is all it needs, so it runs on any model (even a tiny
    random one in the tests).
    """
    rows = []
    for group, templates in TEMPLATES.items():
        terms = GROUPS[group]
        sentences = [s for t in templates for s in fill(t, terms)]
        probs = np.asarray(positive_proba(sentences)).reshape(len(templates), len(terms))
        for template, p in zip(templates, probs, strict=True):
            lo, hi = int(p.argmin()), int(p.argmax())
            rows.append(
                {"group": group, "template": template, "spread": float(p.max() - p.min()),
                 "label_flips": bool((p >= 0.5).any() and (p < 0.5).any()),
                 "lowest": f"{terms[lo]}: {p[lo]:.3f}", "highest": f"{terms[hi]}: {p[hi]:.3f}"}
            )  # fmt: skip
    return pd.DataFrame(rows)


def by_group(probe: pd.DataFrame) -> pd.DataFrame:
    """Mean and worst spread, and the share of templates whose label flips, per group of terms."""
    return (
        probe.groupby("group", sort=False)
        .agg(mean_spread=("spread", "mean"), worst_spread=("spread", "max"), flip_rate=("label_flips", "mean"))
        .reset_index()
    )
