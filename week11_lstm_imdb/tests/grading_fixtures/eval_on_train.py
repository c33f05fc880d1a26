"""Wrong on purpose: the accuracy it reports is measured on its own training reviews.

A bag-of-words network (small and fast; the mistake is the same with an LSTM) trained on every review it was
given, then "validated" on those same reviews: the number says how well it memorised them. Expected: the
grader's honest-validation check fails (reported accuracy far above the held-out one).
"""

import re
from collections import Counter

import numpy as np
import torch
from torch import nn

TOKEN = re.compile(r"[a-z0-9']+")


def tokenize(text: str) -> list[str]:
    return TOKEN.findall(text.lower().replace("<br />", " "))


class BagOfWords(nn.Module):
    """Mean of word embeddings → dropout → one logit: small and fast, enough for the checks."""

    def __init__(self, vocab_size: int) -> None:
        super().__init__()
        self.embed = nn.EmbeddingBag(vocab_size, 32, mode="mean")
        self.dropout = nn.Dropout(0.5)
        self.out = nn.Linear(32, 1)

    def forward(self, ids: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        return self.out(self.dropout(self.embed(ids, offsets))).squeeze(-1)


class Model:
    def __init__(self, vocab: list[str]) -> None:
        self.vocab = vocab
        self.index = {word: i for i, word in enumerate(vocab)}
        self.net = BagOfWords(len(vocab))

    def ids(self, texts: list[str]) -> list[list[int]]:
        return [[self.index.get(w, 1) for w in tokenize(t)] or [1] for t in texts]


def batch(ids: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    """EmbeddingBag's input: all ids in one flat tensor, and where each text starts."""
    offsets = torch.tensor([0, *np.cumsum([len(i) for i in ids[:-1]])])
    return torch.tensor([i for seq in ids for i in seq]), offsets


def build_vocab(texts: list[str], min_freq: int = 2) -> list[str]:
    counts = Counter(w for t in texts for w in tokenize(t))
    return ["<pad>", "<unk>", *sorted(w for w, c in counts.items() if c >= min_freq)]


def _proba(model: Model, texts: list[str]) -> np.ndarray:
    model.net.eval()
    with torch.no_grad():
        return torch.sigmoid(model.net(*batch(model.ids(texts)))).double().numpy()


def _train(model: Model, texts: list[str], labels: np.ndarray, seed: int, epochs: int = 8) -> None:
    gen = torch.Generator().manual_seed(seed)
    optimiser = torch.optim.Adam(model.net.parameters(), lr=0.02)
    y = torch.tensor(labels, dtype=torch.float32)
    ids = model.ids(texts)  # tokenised once
    for _ in range(epochs):
        model.net.train()
        order = torch.randperm(len(texts), generator=gen)
        for i in range(0, len(texts), 64):
            rows = order[i : i + 64]
            loss = nn.functional.binary_cross_entropy_with_logits(model.net(*batch([ids[r] for r in rows])), y[rows])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()


def fit(texts: list[str], labels: np.ndarray, *, seed: int) -> tuple[Model, float]:
    """Build the vocabulary, train on every review, and report the accuracy on... the same reviews."""
    labels = np.asarray(labels)
    torch.manual_seed(seed)
    model = Model(build_vocab(texts))
    _train(model, texts, labels, seed)
    return model, float(((_proba(model, texts) > 0.5) == labels).mean())  # BUG: scored on its training reviews


def predict_proba(model: Model, texts: list[str]) -> np.ndarray:
    return _proba(model, texts)


def vocabulary(model: Model) -> list[str]:
    return model.vocab
