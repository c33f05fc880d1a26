"""SST-2 for fine-tuning: a leak-free validation split, token ids, and length-grouped batches.

Why the validation split needs care: GLUE's SST-2 train holds every *phrase* of its sentences as its own row
("a gripping , funny film", "gripping , funny", "funny", ...). A random slice of train therefore shares most
of its text with the rows left for training, and scores optimistically (94% where dev, which has whole unseen
sentences, gives ~90%). Here validation rows are whole sentences of at least `min_words` words, and every
training row that is a phrase of one of them, or contains one, is removed from the rows used to choose
hyperparameters.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from week12_transformer_sst2.pretrained import MAX_LENGTH


def validation_split(train: pd.DataFrame, *, size: int, min_words: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows for choosing hyperparameters, validation sentences): no text shared between the two."""
    words = [s.split() for s in train["sentence"]]
    candidates = np.flatnonzero([len(w) >= min_words for w in words])
    if size > len(candidates):
        raise ValueError(f"only {len(candidates)} train rows have {min_words}+ words; asked for {size}")
    val_rows = np.sort(np.random.default_rng(seed).choice(candidates, size=size, replace=False))
    val_words = [words[i] for i in val_rows]
    # Every phrase (contiguous run of words) of a validation sentence...
    phrases = {" ".join(w[i:j]) for w in val_words for i in range(len(w)) for j in range(i + 1, len(w) + 1)}
    # ...and every row that contains a validation sentence (it then contains that sentence's first words).
    heads = {" ".join(w[:min_words]) for w in val_words}
    padded_val = [f" {' '.join(w)} " for w in val_words]

    def contains_validation(w: list[str]) -> bool:
        windows = (" ".join(w[i : i + min_words]) for i in range(len(w) - min_words + 1))
        if not any(window in heads for window in windows):
            return False
        row = f" {' '.join(w)} "
        return any(sentence in row for sentence in padded_val)

    leaks = np.array([" ".join(w) in phrases or contains_validation(w) for w in words])
    return train[~leaks].reset_index(drop=True), train.iloc[val_rows].reset_index(drop=True)


def encode(tokenizer, frame: pd.DataFrame) -> list[dict]:
    """Token ids per sentence, *unpadded*: padding happens per batch (dynamic padding)."""
    enc = tokenizer(frame["sentence"].tolist(), truncation=True, max_length=MAX_LENGTH)
    keys = [k for k in enc if k != "token_type_ids"]  # one sentence per row: all zeros anyway
    return [{**{k: enc[k][i] for k in keys}, "labels": int(y)} for i, y in enumerate(frame["label"])]


def make_loader(features: list[dict], tokenizer, batch_size: int, seed: int) -> torch.utils.data.DataLoader:
    """Shuffled batches of similar-length sentences, padded to the longest in each batch.

    SST-2 mixes 3-word phrases with 50-word sentences; grouping by length cuts the padding (and so the
    CPU time spent on pad tokens) several-fold while keeping batches random from step to step. The
    sampler's own generator, seeded, makes the batch order the same on every run.
    """
    from transformers import DataCollatorWithPadding
    from transformers.trainer_pt_utils import LengthGroupedSampler

    sampler = LengthGroupedSampler(
        batch_size,
        lengths=[len(f["input_ids"]) for f in features],
        generator=torch.Generator().manual_seed(seed),
    )
    return torch.utils.data.DataLoader(
        features, batch_size=batch_size, sampler=sampler, collate_fn=DataCollatorWithPadding(tokenizer)
    )
