"""Two baselines that use the pretrained model without fine-tuning it.

A fine-tuned transformer is only impressive next to what the same model does for free:
- zero-shot: embed the sentence and a few label descriptions, pick the closer label (no training at all);
- linear probe: logistic regression on the frozen sentence embeddings (trains 385 numbers, not 22 million).
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression

from week12_transformer_sst2.pretrained import embed

# Several phrasings per label, averaged, so no single wording decides the result. Chosen before
# looking at dev accuracy and never tuned on it.
LABEL_DESCRIPTIONS = {
    0: ["a negative movie review", "this film is bad, boring and disappointing", "I hated this movie"],
    1: ["a positive movie review", "this film is good, moving and entertaining", "I loved this movie"],
}


def zero_shot_predict(sentence_embeddings: np.ndarray, encoder, tokenizer) -> np.ndarray:
    """Label = the description whose (mean) embedding has the higher cosine similarity."""
    prototypes = []
    for label in (0, 1):
        centre = embed(encoder, tokenizer, LABEL_DESCRIPTIONS[label]).mean(axis=0)
        prototypes.append(centre / np.linalg.norm(centre))
    scores = sentence_embeddings @ np.stack(prototypes).T
    return scores.argmax(axis=1)


def linear_probe(train_embeddings: np.ndarray, train_labels: np.ndarray, seed: int) -> LogisticRegression:
    """Logistic regression on frozen embeddings (C=1; the embeddings are already L2-normalised)."""
    return LogisticRegression(C=1.0, max_iter=2000, random_state=seed).fit(train_embeddings, train_labels)
