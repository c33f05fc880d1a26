"""The networks: embedding → bidirectional LSTM → attention pooling → one logit, and the shipped ensemble.

Only the architecture lives here (no training code), so `inference.py` can rebuild it from a config.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn


@dataclass(frozen=True, kw_only=True)
class ModelConfig:
    vocab_size: int  # rows of the embedding: the training vocabulary, <pad> and <unk> included
    embed_dim: int = 100  # size of a word vector (Word2Vec is trained at the same size)
    hidden: int = 128  # LSTM units per direction
    dropout: float = 0.4  # on the embeddings and on the pooled vector
    max_len: int = 400  # longer reviews are cut to this many tokens (head + tail, see text.truncate)

    def to_dict(self) -> dict[str, int | float]:
        return asdict(self)


class AttentionLSTM(nn.Module):
    """A bi-LSTM whose hidden states are averaged with learned attention weights.

    Padding is handled by the mask, not by `pack_padded_sequence`: on CPU an LSTM fed packed batches
    of unequal lengths is 20-50x slower than on the same padded batch (pytorch/pytorch#149194), and
    length-bucketed batches leave little padding to mask. Padding positions get weight exactly 0.
    """

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.embed_dim, padding_idx=0)
        self.lstm = nn.LSTM(config.embed_dim, config.hidden, batch_first=True, bidirectional=True)
        self.attention = nn.Linear(2 * config.hidden, 1)
        self.dropout = nn.Dropout(config.dropout)
        self.out = nn.Linear(2 * config.hidden, 1)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return (logit per review, attention weights per token); `mask` is True on real tokens."""
        states, _ = self.lstm(self.dropout(self.embedding(ids)))  # (batch, time, 2*hidden)
        scores = self.attention(states).squeeze(-1).masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores, dim=1)  # sums to 1 over the real tokens of each review
        pooled = torch.bmm(weights.unsqueeze(1), states).squeeze(1)
        return self.out(self.dropout(pooled)).squeeze(-1), weights


class SentimentEnsemble(nn.Module):
    """What ships: the LSTM plus the NB-weighted n-gram model, P = w·P_lstm + (1 − w)·P_ngram.

    A module only so that one safetensors file holds everything: the LSTM's weights, the n-gram weight
    vector and bias (buffers), and `lstm_weight` w, chosen on validation. `inference.py` does the scoring.
    """

    def __init__(self, lstm: ModelConfig, *, n_features: int, lstm_weight: float) -> None:
        super().__init__()
        self.lstm = AttentionLSTM(lstm)
        self.lstm_weight = lstm_weight
        self.register_buffer("ngram_weights", torch.zeros(n_features, dtype=torch.float32))
        self.register_buffer("ngram_bias", torch.zeros(1, dtype=torch.float32))
