"""Unit tests of the preprocessing functions (tier 1) and of the network's masking."""

from __future__ import annotations

import torch

from week11_lstm_imdb.model import AttentionLSTM, ModelConfig
from week11_lstm_imdb.text import (
    PAD,
    PAD_ID,
    UNK,
    UNK_ID,
    build_vocab,
    clean_text,
    encode,
    numericalize,
    pad_batch,
    tokenize,
    truncate,
)


def test_clean_text_removes_html_line_breaks():
    assert clean_text("Great.<br /><br />Really<br/>good<BR>") == "Great.  Really good "


def test_tokenize_lowercases_keeps_contractions_and_sentiment_punctuation():
    assert tokenize("I DIDN'T like it!<br />Why? 10/10, really.") == [
        "i", "didn't", "like", "it", "!", "why", "?", "10", "10", "really",
    ]  # fmt: skip


def test_build_vocab_specials_min_freq_cap_and_stable_ties():
    docs = [["b", "a", "c"], ["a", "b", "d"], ["a"]]
    assert build_vocab(docs, min_freq=2, max_size=10) == [PAD, UNK, "a", "b"]
    assert build_vocab(docs, min_freq=1, max_size=4) == [PAD, UNK, "a", "b"]  # b beats c, d: higher count
    assert build_vocab(docs, min_freq=1, max_size=10)[4:] == ["c", "d"]  # equal counts: alphabetical


def test_numericalize_truncate_and_encode_map_unknown_words_to_unk():
    index = {PAD: 0, UNK: 1, "good": 2, "film": 3}
    assert numericalize(["good", "bad", "film"], index) == [2, UNK_ID, 3]
    assert truncate([5, 6, 7], 3) == [5, 6, 7]  # short enough: untouched
    # too long: a quarter from the start, the rest from the end (where the verdict usually is)
    assert truncate(list(range(20)), 8) == [0, 1, 14, 15, 16, 17, 18, 19]
    assert truncate(list(range(20)), 8, keep="head") == list(range(8))
    assert truncate(list(range(20)), 8, keep="tail") == list(range(12, 20))
    assert encode("Good<br />film, bad film", index, max_len=3) == [3, UNK_ID, 3]  # "film bad film"


def test_pad_batch_pads_right_and_masks_real_tokens_only():
    ids, mask = pad_batch([[5, 6, 7], [8], []])
    assert ids == [[5, 6, 7], [8, PAD_ID, PAD_ID], [UNK_ID, PAD_ID, PAD_ID]]
    assert mask == [[True] * 3, [True, False, False], [True, False, False]]


def test_attention_gives_padding_zero_weight_and_sums_to_one():
    torch.manual_seed(0)
    model = AttentionLSTM(ModelConfig(vocab_size=20, embed_dim=8, hidden=4)).eval()
    ids, mask = pad_batch([[2, 3, 4, 5], [6, 7]])
    logits, weights = model(torch.tensor(ids), torch.tensor(mask))
    assert logits.shape == (2,)
    assert torch.all(weights[1, 2:] == 0)
    assert torch.allclose(weights.sum(dim=1), torch.ones(2))
