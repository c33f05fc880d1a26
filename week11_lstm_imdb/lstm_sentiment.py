"""IMDB sentiment: a bi-LSTM with attention whose embeddings start from Word2Vec, against strong linear models.

Reads top-down: Config → data (validation by film) → linear models → Word2Vec → the LSTM and its training
loop (written by hand: it is the lesson) → the ensemble weight, chosen on validation → the test set, once →
figures → saved model → run(). `lstm_sentiment.ipynb` walks the same steps one cell at a time.
"""

from __future__ import annotations

import copy
import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from scipy import sparse
from torch import nn
from tqdm.auto import tqdm

from shared.data import load_imdb
from shared.plotting import save_figure, subplots
from shared.result import Result
from shared.stats import proportion_ci
from shared.targets import Target
from shared.threads import torch_threads
from shared.torch_io import save_torch
from week11_lstm_imdb import linear
from week11_lstm_imdb.data import length_bucketed_batches, neighbour_overlap, subsample, validation_mask
from week11_lstm_imdb.model import AttentionLSTM, ModelConfig, SentimentEnsemble
from week11_lstm_imdb.text import PAD_ID, build_vocab, clean_text, numericalize, pad_batch, tokenize, truncate

TARGETS = [
    Target("test_accuracy", ">=", 0.91, "issue 12, past the peers (TF-IDF + logistic regression: 90.5%)"),
    Target("train_time_s", "<=", 600, "issue 12: at most 10 minutes of training on a 2-core CPU"),
]
HEADLINE = ("test_accuracy",)
TRUNCATIONS = ("head+tail", "head", "tail")  # ways to cut a long review (text.truncate); ties go to the first
LABELS = ("negative", "positive")
DATASETS = ("imdb_train", "imdb_test")

# A hand-written probe set: where bag-of-words and small LSTMs are known to stumble.
PROBES: list[tuple[str, str, str]] = [
    ("negation", "This movie was not bad at all.", "positive"),
    ("negation", "I did not like this film.", "negative"),
    ("negation", "The plot was not good and the acting was not great either.", "negative"),
    ("negation", "I can't say I didn't enjoy it.", "positive"),
    ("sarcasm", "Oh great, another two hours of my life I will never get back.", "negative"),
    ("sarcasm", "What a masterpiece, I only fell asleep three times.", "negative"),
    ("sarcasm", "Brilliant. Just brilliant. If you enjoy watching paint dry.", "negative"),
    ("idiom", "This film is a real gem.", "positive"),
    ("idiom", "The jokes fell flat.", "negative"),
    ("idiom", "It knocked my socks off.", "positive"),
    ("idiom", "The sequel is a train wreck.", "negative"),
    ("plain", "A wonderful, moving film with superb acting.", "positive"),
    ("plain", "Boring, predictable and far too long.", "negative"),
]


@dataclass(frozen=True, kw_only=True)
class Config:
    """Every knob of the full run. Fixed: nothing here is computed from a measured time."""

    # data
    train_size: int | None = None  # None: all 25,000 training reviews (validation is carved from them)
    test_size: int | None = None  # None: all 25,000 test reviews
    val_fraction: float = 0.1  # share of film blocks held out for validation
    film_block: int = 100  # consecutive review numbers per film block (data.film_blocks)
    # text → ids
    max_len: int = 256  # tokens kept per review (text.truncate); LSTM training cost grows with it
    vocab_size: int = 30_000  # most frequent training words kept, <pad> and <unk> included
    min_freq: int = 2  # a word seen once in training is <unk>
    # Word2Vec
    embed_dim: int = 100  # size of the word vectors (Word2Vec and the LSTM's embedding layer)
    w2v_epochs: int = 5  # passes of skip-gram over the training reviews
    # LSTM
    hidden: int = 64  # LSTM units per direction
    dropout: float = 0.4  # on embeddings and on the pooled vector
    batch_size: int = 64  # reviews per step
    epochs: int = 2  # fixed (fits the 10-minute budget with both starts); LR decays to 0; best on validation kept
    lr: float = 2e-3  # AdamW peak learning rate
    # linear models
    tfidf_cs: tuple[float, ...] = (1.0, 4.0, 16.0)  # baseline's inverse regularisation, chosen on validation
    ngram_range: tuple[int, int] = (1, 3)  # word 1- to 3-grams for the NB-weighted model
    hash_features: int = 2**22  # columns the n-grams are hashed into (~4.2M; a 16 MB weight vector)
    ngram_cs: tuple[float, ...] = (0.1, 1.0, 4.0)  # NB-weighted model's C, chosen on validation
    # ensemble
    weight_steps: int = 21  # LSTM weights 0, 0.05, ..., 1 tried on validation


FAST = Config(
    train_size=2_000, test_size=1_000, val_fraction=0.2, max_len=120, vocab_size=8_000, embed_dim=50,
    w2v_epochs=3, hidden=32, batch_size=32, epochs=3, lr=4e-3, hash_features=2**18,
)  # fmt: skip


# --- 1. data: the official split, validation carved from train by film --------------------------------------
def load_splits(config: Config, seed: int) -> dict[str, pd.DataFrame]:
    """train / val / test frames (review, label, file). Test is the official test set, touched once at the end.

    Validation is whole film blocks: reviews of one film are alike (names, plot), and the official test set
    holds other films, so a random-by-review validation set would flatter every model (measured in `run`).
    """
    raw = {split: load_imdb(split) for split in ("train", "test")}
    train = subsample(raw["train"], config.train_size, seed)
    is_val = validation_mask(train, config.val_fraction, seed, block=config.film_block)
    return {
        "train": train[~is_val].reset_index(drop=True),
        "val": train[is_val].reset_index(drop=True),
        "test": subsample(raw["test"], config.test_size, seed + 1),
    }


def to_ids(token_lists: list[list[str]], vocab: list[str], max_len: int, keep: str = "head+tail") -> list[list[int]]:
    """Token ids with the training vocabulary, long reviews cut to `max_len` (text.truncate)."""
    index = {token: i for i, token in enumerate(vocab)}
    return [truncate(numericalize(tokens, index), max_len, keep) for tokens in token_lists]


def batch_tensors(ids: list[list[int]], rows: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """Padded ids and mask for the reviews at `rows`."""
    padded, mask = pad_batch([ids[i] for i in rows])
    return torch.tensor(padded), torch.tensor(mask)


# --- 2. Word2Vec: embeddings learnt from the training reviews -------------------------------------------------
def train_word2vec(token_lists: list[list[str]], config: Config, seed: int):
    """Skip-gram Word2Vec on the training reviews only (one worker: multi-threaded gensim is not reproducible)."""
    from gensim.models import Word2Vec

    return Word2Vec(
        sentences=token_lists, vector_size=config.embed_dim, window=5, min_count=config.min_freq, sg=1,
        negative=5, workers=1, seed=seed, epochs=config.w2v_epochs,
    )  # fmt: skip


def embedding_matrix(vocab: list[str], vectors, seed: int) -> torch.Tensor:
    """Rows for the vocabulary: the Word2Vec vector where there is one, small noise otherwise, zeros for <pad>."""
    known = np.stack([vectors[t] for t in vocab if t in vectors])
    rng = np.random.default_rng(seed)
    matrix = rng.normal(0.0, known.std(), size=(len(vocab), vectors.vector_size)).astype(np.float32)
    for i, token in enumerate(vocab):
        if token in vectors:
            matrix[i] = vectors[token]
    matrix[PAD_ID] = 0.0
    return torch.from_numpy(matrix)


# --- 3. the LSTM: training loop and prediction (hand-written: this is the lesson) -----------------------------
@torch.no_grad()
def predict_proba(model: AttentionLSTM, ids: list[list[int]], batch_size: int = 256) -> np.ndarray:
    """P(positive) for every review, in input order (batches of equal-length reviews: no padding)."""
    model.eval()
    probs = np.empty(len(ids), dtype=np.float64)
    for rows in length_bucketed_batches(np.array([len(seq) for seq in ids]), batch_size):
        logits, _ = model(*batch_tensors(ids, rows))
        probs[rows] = torch.sigmoid(logits).double().numpy()
    return probs


def train_lstm(model: AttentionLSTM, train, val, config: Config, seed: int, name: str = "LSTM") -> pd.DataFrame:
    """AdamW on binary cross-entropy for `config.epochs` epochs; validate after each; keep the best epoch.

    `train` and `val` are (ids, labels). Returns the history (epoch, train loss, validation accuracy); the
    model is left holding the weights of its best validation epoch. Always the same number of steps:
    how long they take never changes what is learnt.
    """
    ids, labels = train
    lengths = np.array([len(seq) for seq in ids])
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=0.01)
    # Cosine decay of the LR to zero over all steps: with a constant LR the last epochs keep bouncing
    # around a minimum; a decaying one lets them settle into it. (Every epoch has the same batch count.)
    total_steps = config.epochs * len(length_bucketed_batches(lengths, config.batch_size, np.random.default_rng(0)))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: 0.5 * (1 + math.cos(math.pi * step / total_steps))
    )
    loss_fn = nn.BCEWithLogitsLoss()
    history, best_acc, best_state = [], -1.0, None
    for epoch in range(1, config.epochs + 1):
        model.train()
        total = 0.0
        for rows in tqdm(length_bucketed_batches(lengths, config.batch_size, rng), desc=f"{name} epoch {epoch}",
                         leave=False, mininterval=5):  # fmt: skip
            logits, _ = model(*batch_tensors(ids, rows))
            loss = loss_fn(logits, torch.tensor(labels[rows], dtype=torch.float32))
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)  # LSTMs occasionally spike; clipping keeps steps sane
            optimizer.step()
            schedule.step()
            total += loss.item() * len(rows)
        val_acc = float(((predict_proba(model, val[0]) > 0.5) == val[1]).mean())
        history.append({"epoch": epoch, "train loss": total / len(ids), "val accuracy": val_acc})
        print(f"  {name}: epoch {epoch} loss {total / len(ids):.4f} val acc {val_acc:.4f}", flush=True)
        if val_acc > best_acc:
            best_acc, best_state = val_acc, copy.deepcopy(model.state_dict())
    model.load_state_dict(best_state)
    return pd.DataFrame(history)


# --- 4. how to cut long reviews, and the ensemble weight: both chosen on validation -------------------------
def choose_truncation(model: AttentionLSTM, token_lists, labels: np.ndarray, vocab: list[str], max_len: int):
    """Validation accuracy of the trained LSTM when long reviews keep their head, tail or both; the best cut.

    The LSTM was trained on head+tail cuts, so this asks which part of a long review the trained model reads
    best; training one model per cut would answer more, at three times the cost.
    """
    n_long = sum(len(tokens) > max_len for tokens in token_lists)
    rows = [
        {"cut": keep, "val accuracy": float(((predict_proba(model, to_ids(token_lists, vocab, max_len, keep)) > 0.5)
                                             == labels).mean()), "reviews cut": n_long}
        for keep in TRUNCATIONS
    ]  # fmt: skip
    table = pd.DataFrame(rows)
    return str(table.loc[table["val accuracy"].idxmax(), "cut"]), table


def choose_lstm_weight(p_lstm: np.ndarray, p_ngram: np.ndarray, labels: np.ndarray, steps: int):
    """The LSTM's share w in P = w·P_lstm + (1 − w)·P_ngram with the best validation accuracy.

    Ties (2,400 reviews give accuracy steps of 0.04%) go to the w nearest an even average. Returns
    (w, table of w against validation accuracy).
    """
    weights = np.linspace(0.0, 1.0, steps)
    accuracy = [float((((w * p_lstm + (1 - w) * p_ngram) > 0.5) == labels).mean()) for w in weights]
    table = pd.DataFrame({"LSTM weight": weights, "val accuracy": accuracy})
    best = table[table["val accuracy"] == table["val accuracy"].max()]
    return float(best.loc[(best["LSTM weight"] - 0.5).abs().idxmin(), "LSTM weight"]), table


# --- 5. the test set, once ---------------------------------------------------------------------------------
def accuracy_with_ci(predicted: np.ndarray, labels: np.ndarray, name: str) -> dict[str, float]:
    """`name`, `name_ci_low`, `name_ci_high`: accuracy with its 95% Wilson interval."""
    correct = int((predicted == labels).sum())
    low, high = proportion_ci(correct, len(labels))
    return {name: correct / len(labels), f"{name}_ci_low": low, f"{name}_ci_high": high}


def paired_gain(ours: np.ndarray, theirs: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """Accuracy gain of `ours` over `theirs` on the same reviews, with a 95% interval (normal approximation).

    Paired: each review counts +1, 0 or −1, so the noise that both models share (hard reviews) cancels,
    and the interval is far narrower than comparing two separate accuracy intervals.
    """
    diff = (ours == labels).astype(float) - (theirs == labels).astype(float)
    mean, half = float(diff.mean()), 1.96 * float(diff.std(ddof=1)) / math.sqrt(len(diff))
    return {"gain_over_baseline": mean, "gain_ci_low": mean - half, "gain_ci_high": mean + half}


# --- 6. figures ----------------------------------------------------------------------------------------------
def plot_learning_curves(history: pd.DataFrame, linear_val: dict[str, float]):
    from matplotlib.ticker import MaxNLocator

    fig, ax = subplots()
    for start, rows in history.groupby("start", sort=False):
        ax.plot(rows["epoch"], rows["val accuracy"], marker="o", label=f"bi-LSTM, {start}")
    for (name, value), style in zip(linear_val.items(), ("--", ":"), strict=True):
        ax.axhline(value, color="grey", linestyle=style, label=name)
    ax.set(xlabel="epoch", ylabel="validation accuracy", title="Word2Vec vs random embeddings, against linear models")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend()
    return fig


def plot_ensemble_weight(table: pd.DataFrame, chosen: float):
    fig, ax = subplots()
    ax.plot(table["LSTM weight"], table["val accuracy"], marker=".")
    ax.axvline(chosen, color="grey", linestyle="--", label=f"chosen: {chosen:.2f}")
    ax.set(xlabel="LSTM weight w (0 = n-gram model only, 1 = LSTM only)", ylabel="validation accuracy",
           title="Choosing the ensemble weight on validation")  # fmt: skip
    ax.legend()
    return fig


def plot_confusion(labels: np.ndarray, predicted: np.ndarray):
    from sklearn.metrics import ConfusionMatrixDisplay

    fig, ax = subplots(figsize=(4.5, 4))
    ConfusionMatrixDisplay.from_predictions(labels, predicted, display_labels=LABELS, ax=ax, colorbar=False)
    ax.grid(False)
    ax.set_title("Shipped model on the IMDB test set")
    return fig


def plot_attention(tokens: list[str], weights: np.ndarray, prob: float, width: int = 90):
    """The review's words, wrapped like text (monospace, `width` characters a line), shaded by attention."""
    import matplotlib.pyplot as plt

    positions, line, column = [], 0, 0
    for token in tokens:
        if column and column + len(token) > width:
            line, column = line + 1, 0
        positions.append((column, line))
        column += len(token) + 1
    lines = line + 1
    fig, ax = subplots(figsize=(10, 0.35 * lines + 0.8))
    ax.set(xlim=(0, width), ylim=(lines, -0.5))
    ax.axis("off")
    cmap, top = plt.get_cmap("Reds"), float(weights.max())
    for (column, line), token, weight in zip(positions, tokens, weights, strict=True):
        ax.text(
            column, line, token, family="monospace", fontsize=10, va="center",
            bbox={"facecolor": cmap(0.85 * weight / top), "edgecolor": "none", "pad": 1.5},
        )  # fmt: skip
    ax.set_title(f"LSTM attention over one test review (LSTM P(positive) = {prob:.2f}); darker = more weight")
    return fig


# --- 7. looking at what the model gets wrong -------------------------------------------------------------------
def confident_mistakes(reviews: list[str], labels: np.ndarray, probs: np.ndarray, n: int = 10) -> pd.DataFrame:
    """The `n` test reviews the model is most sure about and gets wrong (first 300 characters)."""
    wrong = np.flatnonzero((probs > 0.5) != labels)
    order = wrong[np.argsort(-np.abs(probs[wrong] - 0.5), kind="stable")][:n]
    return pd.DataFrame({
        "true": [LABELS[labels[i]] for i in order],
        "P(positive)": [round(float(probs[i]), 4) for i in order],
        "review": [" ".join(clean_text(reviews[i]).split())[:300] for i in order],
    })  # fmt: skip


def word_neighbours(vectors, words=("great", "awful", "boring"), n: int = 6) -> pd.DataFrame:
    """Word2Vec's nearest neighbours of a few sentiment words: a sanity check of the embeddings."""
    rows = [
        {"word": w, "nearest": ", ".join(x for x, _ in vectors.most_similar(w, topn=n))} for w in words if w in vectors
    ]
    return pd.DataFrame(rows, columns=["word", "nearest"])


# --- the run: the same steps as the notebook --------------------------------------------------------------------
def run(out_dir: Path, fast: bool = False, seed: int = 42) -> Result:
    """Linear models, Word2Vec, two LSTMs, the ensemble weight; everything chosen on validation, test once."""
    # Extra code (speed tweak, shared.threads): one torch thread. On a shared 2-core CPU an LSTM runs several
    # times faster on one thread than on two, and results no longer depend on the machine's core count.
    with torch_threads(1):
        return steps(Path(out_dir), FAST if fast else Config(), seed)


def steps(out_dir: Path, config: Config, seed: int) -> Result:
    """The steps of `run`, for a given config."""
    metrics: dict[str, float | int | str] = {}
    tables: dict[str, pd.DataFrame] = {}
    times: dict[str, float] = {}

    # 1. Data; validation by film block; text → tokens → ids with the training vocabulary.
    splits = load_splits(config, seed)
    labels = {name: frame["label"].to_numpy() for name, frame in splits.items()}
    texts = {name: frame["review"].tolist() for name, frame in splits.items()}
    tokens = {name: [tokenize(review) for review in reviews] for name, reviews in texts.items()}
    vocab = build_vocab(tokens["train"], min_freq=config.min_freq, max_size=config.vocab_size)
    ids = {name: to_ids(token_lists, vocab, config.max_len) for name, token_lists in tokens.items()}
    metrics.update(n_train=len(ids["train"]), n_val=len(ids["val"]), n_test=len(ids["test"]), vocab_size=len(vocab))
    metrics.update(film_block=config.film_block, epochs=config.epochs, max_len=config.max_len)
    tables["film_order"] = neighbour_overlap(splits["train"], tokens["train"])

    # 2. The baseline to beat, then the NB-weighted n-gram model (C chosen on validation for both).
    start = time.perf_counter()
    baseline, tables["tfidf_search"] = linear.tfidf_baseline(
        texts["train"], labels["train"], texts["val"], labels["val"], cs=config.tfidf_cs, seed=seed
    )
    times["baseline_fit_time_s"] = time.perf_counter() - start
    start = time.perf_counter()
    features = {
        name: linear.ngram_features(reviews, ngram_range=config.ngram_range, n_features=config.hash_features)
        for name, reviews in texts.items()
    }
    ngram_w, ngram_b, tables["ngram_search"] = linear.fit_nb_logreg(
        features["train"], labels["train"], features["val"], labels["val"], cs=config.ngram_cs, seed=seed
    )
    times["ngram_fit_time_s"] = time.perf_counter() - start
    p_ngram = {"val": linear.linear_proba(features["val"], ngram_w, ngram_b)}
    metrics.update(
        baseline_C=float(baseline.named_steps["logreg"].C),
        baseline_val_accuracy=tables["tfidf_search"]["val accuracy"].max(),
        ngram_C=float(tables["ngram_search"].loc[tables["ngram_search"]["val accuracy"].idxmax(), "C"]),
        ngram_val_accuracy=tables["ngram_search"]["val accuracy"].max(),
    )

    # How much a random-by-review validation split would flatter: the same n-gram model, same reviews.
    pooled = pd.concat([splits["train"], splits["val"]], ignore_index=True)
    pooled_features = sparse.vstack([features["train"], features["val"]]).tocsr()
    is_val = validation_mask(pooled, config.val_fraction, seed, block=None)
    _, _, random_table = linear.fit_nb_logreg(
        pooled_features[~is_val], pooled["label"].to_numpy()[~is_val], pooled_features[is_val],
        pooled["label"].to_numpy()[is_val], cs=(metrics["ngram_C"],), seed=seed,
    )  # fmt: skip
    metrics["ngram_val_accuracy_random_split"] = random_table["val accuracy"].iloc[0]
    tables["validation_splits"] = pd.DataFrame([
        {"validation split": "by film block (used)", "reviews": len(ids["val"]),
         "n-gram model val accuracy": metrics["ngram_val_accuracy"]},
        {"validation split": "random reviews (for comparison)", "reviews": int(is_val.sum()),
         "n-gram model val accuracy": metrics["ngram_val_accuracy_random_split"]},
    ])  # fmt: skip

    # 3. Word2Vec on the training reviews.
    start = time.perf_counter()
    w2v = train_word2vec(tokens["train"], config, seed)
    times["word2vec_time_s"] = time.perf_counter() - start
    tables["neighbours"] = word_neighbours(w2v.wv)

    # 4. Two LSTMs that differ only in where the embeddings start; keep the better one on validation.
    model_config = ModelConfig(vocab_size=len(vocab), embed_dim=config.embed_dim, hidden=config.hidden,
                               dropout=config.dropout, max_len=config.max_len)  # fmt: skip
    starts = {"Word2Vec start": embedding_matrix(vocab, w2v.wv, seed), "random start": None}
    models, histories = {}, []
    for name, matrix in starts.items():
        torch.manual_seed(seed)
        model = AttentionLSTM(model_config)
        if matrix is not None:
            model.embedding.weight.data.copy_(matrix)
        start = time.perf_counter()
        history = train_lstm(model, (ids["train"], labels["train"]), (ids["val"], labels["val"]), config, seed, name)
        times[f"{'w2v' if matrix is not None else 'random'}_lstm_train_time_s"] = time.perf_counter() - start
        histories.append(history.assign(start=name))
        models[name] = model
    tables["history"] = pd.concat(histories, ignore_index=True)[["start", "epoch", "train loss", "val accuracy"]]
    best_val = tables["history"].groupby("start", sort=False)["val accuracy"].max()
    chosen = str(best_val.idxmax())  # chosen on validation, never on test
    lstm = models[chosen]
    chosen_rows = tables["history"][tables["history"]["start"] == chosen]
    metrics.update(
        w2v_val_accuracy=best_val["Word2Vec start"],
        random_val_accuracy=best_val["random start"],
        chosen_start=chosen,
        best_epoch=int(chosen_rows.loc[chosen_rows["val accuracy"].idxmax(), "epoch"]),
        lstm_val_accuracy=best_val[chosen],
    )
    linear_val = {"TF-IDF + logistic regression": metrics["baseline_val_accuracy"],
                  "NB-weighted 1-3-grams": metrics["ngram_val_accuracy"]}  # fmt: skip
    figures = [save_figure(plot_learning_curves(tables["history"], linear_val), out_dir, "embeddings_comparison")]

    # 5. How to cut long reviews for the LSTM, then the ensemble weight: both on validation.
    keep, tables["truncation"] = choose_truncation(lstm, tokens["val"], labels["val"], vocab, config.max_len)
    metrics["truncation"] = keep
    p_lstm = {"val": predict_proba(lstm, to_ids(tokens["val"], vocab, config.max_len, keep))}
    weight, tables["ensemble_weights"] = choose_lstm_weight(
        p_lstm["val"], p_ngram["val"], labels["val"], config.weight_steps
    )
    p_val = weight * p_lstm["val"] + (1 - weight) * p_ngram["val"]
    metrics.update(lstm_weight=weight, val_accuracy=float(((p_val > 0.5) == labels["val"]).mean()))
    figures.append(save_figure(plot_ensemble_weight(tables["ensemble_weights"], weight), out_dir, "ensemble_weight"))
    times["train_time_s"] = sum(times.values())

    # 6. The test set, once: every model in the table is scored on it exactly once, after all choices.
    y = labels["test"]
    p_lstm["test"] = predict_proba(lstm, to_ids(tokens["test"], vocab, config.max_len, keep))
    p_ngram["test"] = linear.linear_proba(features["test"], ngram_w, ngram_b)
    p_test = weight * p_lstm["test"] + (1 - weight) * p_ngram["test"]
    predicted = {
        "shipped": (p_test > 0.5).astype(np.int64),
        "lstm": (p_lstm["test"] > 0.5).astype(np.int64),
        "ngram": (p_ngram["test"] > 0.5).astype(np.int64),
        "baseline": np.asarray(baseline.predict(texts["test"]), dtype=np.int64),
    }
    metrics.update(accuracy_with_ci(predicted["shipped"], y, "test_accuracy"))
    for key in ("lstm", "ngram", "baseline"):
        metrics.update(accuracy_with_ci(predicted[key], y, f"{key}_test_accuracy"))
    metrics.update(paired_gain(predicted["shipped"], predicted["baseline"], y))
    tables["models"] = pd.DataFrame([
        {"model": name, "val accuracy": metrics[val_key], "test accuracy": metrics[key],
         "95% CI": f"{metrics[key + '_ci_low']:.4f}-{metrics[key + '_ci_high']:.4f}"}
        for name, val_key, key in (
            (f"shipped: {weight:.2f} × LSTM + {1 - weight:.2f} × n-gram model", "val_accuracy", "test_accuracy"),
            (f"bi-LSTM + attention ({chosen})", "lstm_val_accuracy", "lstm_test_accuracy"),
            ("NB-weighted 1-3-gram logistic regression", "ngram_val_accuracy", "ngram_test_accuracy"),
            ("TF-IDF 1-2-gram logistic regression (baseline)", "baseline_val_accuracy", "baseline_test_accuracy"),
        )
    ])  # fmt: skip
    figures.append(save_figure(plot_confusion(y, predicted["shipped"]), out_dir, "confusion_matrix"))

    # 7. Looking inside: attention over one short test review, confident mistakes, the probe set.
    short = next(i for i in np.argsort([len(s) for s in ids["test"]], kind="stable") if len(ids["test"][i]) >= 40)
    with torch.no_grad():
        _, attention = lstm.eval()(*batch_tensors(ids["test"], np.array([short])))
    fig = plot_attention(tokens["test"][short][: config.max_len], attention[0].numpy(), p_lstm["test"][short])
    figures.append(save_figure(fig, out_dir, "attention"))
    tables["mistakes"] = confident_mistakes(texts["test"], y, p_test)

    # 8. Save the shipped model (one safetensors file + its JSON sidecar) and answer the probes with it.
    ensemble = SentimentEnsemble(model_config, n_features=config.hash_features, lstm_weight=weight)
    ensemble.lstm.load_state_dict(lstm.state_dict())
    ensemble.ngram_weights.copy_(torch.from_numpy(ngram_w.astype(np.float32)))
    ensemble.ngram_bias.fill_(ngram_b)
    model_path = save_torch(
        ensemble, out_dir / "model" / "model.safetensors", seed=seed, datasets=DATASETS,
        config={"lstm": model_config.to_dict(), "n_features": config.hash_features,
                "ngram_range": list(config.ngram_range), "lstm_weight": weight, "truncation": keep},
        vocab=vocab, labels=list(LABELS), training=asdict(config),
        metrics={k: v for k, v in metrics.items() if k.startswith(("test_accuracy", "val_accuracy"))},
    )  # fmt: skip
    tables["probes"] = probe_table(model_path)
    metrics["probe_accuracy"] = float(tables["probes"]["right?"].eq("yes").mean())
    metrics.update(times)
    return Result(metrics=metrics, tables=tables, figures=figures)


def probe_table(model_path: Path) -> pd.DataFrame:
    """The shipped model (loaded back from disk, as a user would) on the hand-written probe sentences."""
    from week11_lstm_imdb.inference import load_model, predict_proba_texts

    model = load_model(model_path)
    probs = predict_proba_texts(model, [text for _, text, _ in PROBES])
    return pd.DataFrame([
        {"kind": kind, "sentence": text, "expected": want, "P(positive)": round(float(p), 4),
         "right?": "yes" if (p > 0.5) == (want == "positive") else "**no**"}
        for (kind, text, want), p in zip(PROBES, probs, strict=True)
    ])  # fmt: skip
