"""IMDB sentiment: a TF-IDF baseline first, then a bi-LSTM with attention whose embeddings start from Word2Vec.

Reads top-down: settings → data → preprocessing → baseline → Word2Vec → model + training loop (written by
hand: it is the lesson) → choose on validation → test once → figures, saved model, model card, report.
"""

from __future__ import annotations

import copy
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from shared.data.fetch import get as dataset_info
from shared.device import get_device, hardware_summary
from shared.model_card import render_model_card
from shared.plotting import save_figure, subplots
from shared.results import atomic_write_text, markdown_table, outputs_dir
from shared.stats import proportion_ci
from shared.targets import Target
from week11_lstm_imdb.data import length_bucketed_batches, load_imdb, split_train_val, subsample
from week11_lstm_imdb.model import AttentionLSTM, ModelConfig
from week11_lstm_imdb.text import (
    PAD_ID,
    build_vocab,
    clean_text,
    numericalize,
    pad_batch,
    save_vocab,
    tokenize,
    truncate,
)

TARGETS = [
    Target("test_accuracy", ">=", 0.90, "issue (curriculum: > 0.80)"),
    Target("lstm_train_time_s", "<=", 600, "issue: at most 10 minutes of training on a 2-core CPU"),
]
HEADLINE = "test_accuracy"
WEEK = "week11_lstm_imdb"
LABELS = ("negative", "positive")
EXAMPLES_FILE = "examples.json"

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


@dataclass(frozen=True)
class Settings:
    """Everything that differs between fast mode (tests, notebook) and full mode (published numbers)."""

    train_size: int | None  # None: all 25,000 (of which `val_fraction` becomes validation)
    test_size: int | None
    val_fraction: float
    max_len: int
    vocab_size: int
    min_freq: int
    embed_dim: int
    hidden: int
    batch_size: int
    max_epochs: int  # an upper bound: the epoch actually kept is the best one on validation
    time_budget_s: float  # per LSTM: no epoch starts that would end past it, and a running one stops there
    lr: float
    w2v_epochs: int


FULL = Settings(None, None, 0.1, 400, 30_000, 2, 100, 128, 64, 6, 480.0, 2e-3, 5)
FAST = Settings(
    2_000, 1_000, 0.2, 120, 8_000, 2, 50, 32, 32, 3, 600.0, 4e-3, 3
)  # 600 s: the guard never cuts fast mode short


# --- data and preprocessing -----------------------------------------------------------------------
def load_splits(settings: Settings, seed: int) -> dict[str, tuple[list[str], np.ndarray]]:
    """train / val / test (reviews, labels); validation is carved from train, test stays untouched."""
    import os

    raw = load_imdb(os.environ.get("ROADMAP_IMDB_SOURCE", "mirror"))
    (train_x, train_y), (test_x, test_y) = raw["train"], raw["test"]
    if settings.train_size:
        keep = subsample(len(train_x), settings.train_size, seed)
        train_x, train_y = [train_x[i] for i in keep], train_y[keep]
    if settings.test_size:
        keep = subsample(len(test_x), settings.test_size, seed + 1)
        test_x, test_y = [test_x[i] for i in keep], test_y[keep]
    fit_idx, val_idx = split_train_val(len(train_x), settings.val_fraction, seed, train_y)
    return {
        "train": ([train_x[i] for i in fit_idx], train_y[fit_idx]),
        "val": ([train_x[i] for i in val_idx], train_y[val_idx]),
        "test": (test_x, test_y),
    }


def to_ids(token_lists: list[list[str]], vocab: list[str], max_len: int) -> list[list[int]]:
    index = {token: i for i, token in enumerate(vocab)}
    return [truncate(numericalize(tokens, index), max_len) for tokens in token_lists]


def batch_tensors(ids: list[list[int]], rows: np.ndarray, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """Padded ids and mask for the reviews at `rows`."""
    padded, mask = pad_batch([ids[i] for i in rows])
    return torch.tensor(padded, device=device), torch.tensor(mask, device=device)


# --- the baseline ---------------------------------------------------------------------------------
def tfidf_baseline(train: tuple[list[str], np.ndarray], val: tuple[list[str], np.ndarray], seed: int):
    """TF-IDF of word 1-2-grams + logistic regression, C chosen on validation: the bar the LSTM must clear."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    vectorizer = TfidfVectorizer(
        preprocessor=lambda text: clean_text(text).lower(), ngram_range=(1, 2), min_df=2, max_df=0.9, sublinear_tf=True
    )
    train_features, val_features = vectorizer.fit_transform(train[0]), vectorizer.transform(val[0])
    best = None
    for c in (1.0, 4.0, 16.0):
        clf = LogisticRegression(C=c, max_iter=2000, solver="liblinear", random_state=seed).fit(
            train_features, train[1]
        )
        acc = float((clf.predict(val_features) == val[1]).mean())
        if best is None or acc > best[0]:
            best = (acc, c, clf)
    val_acc, c, clf = best
    return Pipeline([("tfidf", vectorizer), ("logreg", clf)]), val_acc, c


# --- embeddings -----------------------------------------------------------------------------------
def train_word2vec(token_lists: list[list[str]], settings: Settings, seed: int):
    """Skip-gram Word2Vec on the training reviews only (one worker: multi-threaded gensim is not reproducible)."""
    from gensim.models import Word2Vec

    return Word2Vec(
        sentences=token_lists,
        vector_size=settings.embed_dim,
        window=5,
        min_count=settings.min_freq,
        sg=1,
        negative=5,
        workers=1,
        seed=seed,
        epochs=settings.w2v_epochs,
    )


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


# --- training and evaluation (hand-written: this loop is the lesson) -------------------------------
@torch.no_grad()
def predict_proba(
    model: AttentionLSTM, ids: list[list[int]], device: torch.device, batch_size: int = 256
) -> np.ndarray:
    """P(positive) for every review, in input order (batches are sorted by length, then un-sorted)."""
    model.eval()
    lengths = np.array([len(seq) for seq in ids])
    probs = np.empty(len(ids), dtype=np.float64)
    for rows in length_bucketed_batches(lengths, batch_size):
        logits, _ = model(*batch_tensors(ids, rows, device))
        probs[rows] = torch.sigmoid(logits).double().cpu().numpy()
    return probs


def train_lstm(
    model: AttentionLSTM,
    train: tuple[list[list[int]], np.ndarray],
    val: tuple[list[list[int]], np.ndarray],
    settings: Settings,
    seed: int,
    name: str,
) -> list[dict[str, float]]:
    """AdamW, BCE on one logit, gradient clipping; validate after every epoch and keep the best epoch.

    Returns the history (epoch, cumulative training seconds, train loss, validation accuracy). The model
    is left holding the weights of the best validation epoch: the epoch count is chosen on validation.
    """
    device = next(model.parameters()).device
    ids, labels = train
    lengths = np.array([len(seq) for seq in ids])
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.lr, weight_decay=0.01)
    # Cosine decay of the LR to zero over the planned epochs: with a constant LR the last epochs keep
    # bouncing around a minimum; a decaying one lets them settle into it. (The batch count is the same
    # every epoch, whatever the shuffle.)
    n_batches = len(length_bucketed_batches(lengths, settings.batch_size, np.random.default_rng(0)))
    total_steps = settings.max_epochs * n_batches
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: 0.5 * (1 + math.cos(math.pi * min(step / total_steps, 1.0)))
    )
    loss_fn = nn.BCEWithLogitsLoss()
    rng = np.random.default_rng(seed)
    history: list[dict[str, float]] = []
    best_acc, best_state, elapsed = -1.0, None, 0.0
    for epoch in range(1, settings.max_epochs + 1):
        start = time.perf_counter()
        model.train()
        total, count = 0.0, 0
        batches = length_bucketed_batches(lengths, settings.batch_size, rng)
        for rows in tqdm(batches, desc=f"{name} epoch {epoch}", leave=False, mininterval=5):
            logits, _ = model(*batch_tensors(ids, rows, device))
            loss = loss_fn(logits, torch.tensor(labels[rows], dtype=torch.float32, device=device))
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)  # LSTMs occasionally spike; clipping keeps steps sane
            optimizer.step()
            schedule.step()
            total, count = total + loss.item() * len(rows), count + len(rows)
            if elapsed + time.perf_counter() - start > settings.time_budget_s:
                break  # out of time mid-epoch (other programs slow us down): validate what was learnt
        val_acc = float(((predict_proba(model, val[0], device) > 0.5) == val[1]).mean())
        epoch_s = time.perf_counter() - start
        elapsed += epoch_s
        history.append({"epoch": epoch, "elapsed_s": elapsed, "train_loss": total / count, "val_accuracy": val_acc})
        print(f"  {name}: epoch {epoch} loss {total / count:.4f} val acc {val_acc:.4f} ({elapsed:.0f} s)", flush=True)
        if val_acc > best_acc:
            best_acc, best_state = val_acc, copy.deepcopy(model.state_dict())
        if elapsed + epoch_s > settings.time_budget_s:
            break  # the next epoch would end past the budget
    model.load_state_dict(best_state)
    return history


# --- figures --------------------------------------------------------------------------------------
def plot_learning_curves(histories: dict[str, list[dict[str, float]]], baseline_val: float, out_dir: Path) -> Path:
    fig, ax = subplots()
    for name, history in histories.items():
        ax.plot([h["elapsed_s"] for h in history], [h["val_accuracy"] for h in history], marker="o", label=name)
    ax.axhline(baseline_val, color="grey", linestyle="--", label="TF-IDF + logistic regression")
    ax.set(xlabel="training wall time (s)", ylabel="validation accuracy", title="Word2Vec vs random embeddings")
    ax.legend()
    return save_figure(fig, out_dir, "embeddings_comparison")


def plot_confusion(labels: np.ndarray, predicted: np.ndarray, out_dir: Path) -> Path:
    from sklearn.metrics import ConfusionMatrixDisplay

    fig, ax = subplots(figsize=(4.5, 4))
    ConfusionMatrixDisplay.from_predictions(labels, predicted, display_labels=LABELS, ax=ax, colorbar=False)
    ax.grid(False)
    ax.set_title("LSTM on the IMDB test set")
    return save_figure(fig, out_dir, "confusion_matrix")


def plot_attention(tokens: list[str], weights: np.ndarray, prob: float, out_dir: Path, width: int = 90) -> Path:
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
    ax.set_title(f"Attention over one test review (P(positive) = {prob:.2f}); darker = more weight")
    return save_figure(fig, out_dir, "attention")


# --- saving ---------------------------------------------------------------------------------------
def save_model(model: AttentionLSTM, vocab: list[str], out_dir: Path, extra: dict[str, Any]) -> Path:
    """vocab.json + model.safetensors + config.json: everything `inference.load_model` needs, no pickle."""
    from safetensors.torch import save_file

    model_dir = Path(out_dir) / "model"
    model_dir.mkdir(parents=True, exist_ok=True)
    save_vocab(vocab, model_dir / "vocab.json")
    save_file(
        {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}, model_dir / "model.safetensors"
    )
    config = {"model": model.config.to_dict(), "labels": list(LABELS), **extra}
    atomic_write_text(model_dir / "config.json", json.dumps(config, indent=2) + "\n")
    return model_dir


# --- the run --------------------------------------------------------------------------------------
def run(out_dir: Path, fast: bool = False, seed: int = 42) -> dict[str, float | int | str]:
    """Baseline, Word2Vec, two LSTMs (Word2Vec vs random start), test the one chosen on validation."""
    out_dir = Path(out_dir)
    settings = FAST if fast else FULL
    device = get_device()
    metrics: dict[str, float | int | str] = {}

    # 1. Data: official split; validation carved from train; test is touched once, at the end.
    splits = load_splits(settings, seed)
    tokens = {name: [tokenize(review) for review in reviews] for name, (reviews, _) in splits.items()}
    labels = {name: y for name, (_, y) in splits.items()}
    vocab = build_vocab(tokens["train"], min_freq=settings.min_freq, max_size=settings.vocab_size)
    ids = {name: to_ids(token_lists, vocab, settings.max_len) for name, token_lists in tokens.items()}
    metrics.update(n_train=len(ids["train"]), n_val=len(ids["val"]), n_test=len(ids["test"]), vocab_size=len(vocab))

    # 2. The strong, honest baseline.
    start = time.perf_counter()
    baseline, baseline_val, baseline_c = tfidf_baseline(splits["train"], splits["val"], seed)
    metrics.update(baseline_val_accuracy=baseline_val, baseline_C=baseline_c)
    metrics["baseline_fit_time_s"] = time.perf_counter() - start
    print(f"TF-IDF baseline: val acc {baseline_val:.4f} (C={baseline_c})", flush=True)

    # 3. Word2Vec on the training reviews.
    start = time.perf_counter()
    w2v = train_word2vec(tokens["train"], settings, seed)
    metrics["word2vec_time_s"] = time.perf_counter() - start

    # 4. Two LSTMs that differ only in where the embeddings start.
    config = ModelConfig(len(vocab), settings.embed_dim, settings.hidden, max_len=settings.max_len)
    starts = {"Word2Vec start": embedding_matrix(vocab, w2v.wv, seed), "random start": None}
    models, histories = {}, {}
    for name, matrix in starts.items():
        torch.manual_seed(seed)
        model = AttentionLSTM(config).to(device)
        if matrix is not None:
            model.embedding.weight.data.copy_(matrix)
        histories[name] = train_lstm(
            model, (ids["train"], labels["train"]), (ids["val"], labels["val"]), settings, seed, name
        )
        models[name] = model
    plot_learning_curves(histories, baseline_val, out_dir)
    best_val = {name: max(h["val_accuracy"] for h in hist) for name, hist in histories.items()}
    chosen = max(best_val, key=best_val.get)  # chosen on validation, never on test
    history = histories[chosen]
    best_epoch = max(history, key=lambda h: h["val_accuracy"])
    for name, key in (("Word2Vec start", "w2v"), ("random start", "random")):
        metrics[f"{key}_val_accuracy"] = best_val[name]
        metrics[f"{key}_train_time_s"] = histories[name][-1]["elapsed_s"]
    metrics.update(chosen_start=chosen, best_epoch=int(best_epoch["epoch"]), val_accuracy=best_epoch["val_accuracy"])
    metrics["lstm_train_time_s"] = history[-1]["elapsed_s"]
    metrics["time_to_best_epoch_s"] = best_epoch["elapsed_s"]
    model = models[chosen]

    # 5. The test set, once: the chosen LSTM and the baseline.
    probs = predict_proba(model, ids["test"], device)
    predicted = (probs > 0.5).astype(np.int64)
    n_test, correct = len(predicted), int((predicted == labels["test"]).sum())
    baseline_correct = int((baseline.predict(splits["test"][0]) == labels["test"]).sum())
    low, high = proportion_ci(correct, n_test)
    metrics.update(test_accuracy=correct / n_test, test_accuracy_ci_low=low, test_accuracy_ci_high=high)
    metrics["baseline_test_accuracy"] = baseline_correct / n_test
    metrics["lstm_beats_baseline"] = "yes" if correct > baseline_correct else "no"
    plot_confusion(labels["test"], predicted, out_dir)

    # 6. Looking inside: attention over one short test review, confident mistakes, the probe set.
    short = next(i for i in np.argsort([len(s) for s in ids["test"]]) if len(ids["test"][i]) >= 40)
    with torch.no_grad():
        _, weights = model(*batch_tensors(ids["test"], np.array([short]), device))
    plot_attention(tokens["test"][short][: settings.max_len], weights[0].cpu().numpy(), probs[short], out_dir)
    examples = describe_examples(model, vocab, splits["test"][0], labels["test"], probs, w2v, settings, device)
    metrics["probe_accuracy"] = float(np.mean([p["correct"] for p in examples["probes"]]))
    examples["for"] = {"test_accuracy": metrics["test_accuracy"], "seed": seed, "fast": fast}
    atomic_write_text(out_dir / EXAMPLES_FILE, json.dumps(examples, indent=2, ensure_ascii=False) + "\n")

    # 7. Save the model and write its card.
    data_sha = {name: dataset_info(name).sha256 for name in ("imdb_train", "imdb_test")}
    save_model(model, vocab, out_dir, {"seed": seed, "fast": fast, "data_sha256": data_sha, "metrics": metrics})
    write_model_card(out_dir, metrics, settings)
    return metrics


def describe_examples(model, vocab, reviews, labels, probs, w2v, settings, device) -> dict[str, Any]:
    """The ten most confident test mistakes, the probe answers and Word2Vec neighbours, for the README."""
    wrong = np.flatnonzero((probs > 0.5) != labels)
    confidence = np.abs(probs[wrong] - 0.5)
    mistakes = [
        {
            "review": " ".join(clean_text(reviews[i]).split())[:300],
            "true": LABELS[labels[i]],
            "p_positive": round(float(probs[i]), 4),
        }
        for i in wrong[np.argsort(-confidence, kind="stable")][:10]
    ]
    probe_ids = to_ids([tokenize(text) for _, text, _ in PROBES], vocab, settings.max_len)
    probe_probs = predict_proba(model, probe_ids, device)
    probes = [
        {
            "kind": kind,
            "text": text,
            "expected": want,
            "p_positive": round(float(p), 4),
            "correct": bool((p > 0.5) == (want == "positive")),
        }
        for (kind, text, want), p in zip(PROBES, probe_probs, strict=True)
    ]
    neighbours = {
        word: [w for w, _ in w2v.wv.most_similar(word, topn=6)]
        for word in ("great", "awful", "boring")
        if word in w2v.wv
    }
    return {"mistakes": mistakes, "probes": probes, "neighbours": neighbours}


def write_model_card(out_dir: Path, metrics: dict[str, Any], settings: Settings) -> Path:
    rows = [
        {"model": "bi-LSTM + attention (this card)", "val accuracy": metrics["val_accuracy"],
         "test accuracy": metrics["test_accuracy"]},
        {"model": "TF-IDF 1-2-grams + logistic regression", "val accuracy": metrics["baseline_val_accuracy"],
         "test accuracy": metrics["baseline_test_accuracy"]},
    ]  # fmt: skip
    low, high = metrics["test_accuracy_ci_low"], metrics["test_accuracy_ci_high"]
    ci = f"95% Wilson interval for the LSTM's test accuracy: {low:.4f}-{high:.4f}."
    return render_model_card(
        out_dir,
        title="IMDB sentiment bi-LSTM with attention (week 11)",
        metrics=markdown_table(rows) + f"\n\n{ci} Training time: {metrics['lstm_train_time_s']:.0f} s.",
        hardware=hardware_summary(),
        model_details=(
            f"Embedding ({metrics['vocab_size']} words x {settings.embed_dim}, start: {metrics['chosen_start']}) → "
            f"bidirectional LSTM ({settings.hidden} units per direction) → attention pooling over real tokens → "
            f"linear → sigmoid. Trained with AdamW and binary cross-entropy, epoch {metrics['best_epoch']} kept "
            f"(chosen on validation). Reviews truncated to {settings.max_len} tokens. Files: `model/` "
            "(vocab.json, model.safetensors, config.json); load with `week11_lstm_imdb.inference.load_model()`."
        ),
        intended_use=(
            "Teaching: how recurrent models and word embeddings handle text, and how they compare with a linear "
            "baseline. Classifying the overall polarity of English movie reviews. Not for decisions about "
            "people, not for monitoring employees, citizens or social-media users (surveillance), not for other "
            "domains (product reviews, clinical notes, tweets) without new evaluation."
        ),
        factors=(
            "Review length (reviews past the truncation length lose their end, often where the verdict is), "
            "negation and sarcasm, vocabulary outside the 30k training words, dialect and non-native English."
        ),
        evaluation_data=(
            f"The official IMDB test split (Maas et al. 2011): {metrics['n_test']} reviews, balanced "
            "positive/negative, films disjoint from the training films. Used once, after all choices were made."
        ),
        training_data=(
            f"The official IMDB training split: {metrics['n_train']} reviews for training and {metrics['n_val']} "
            "(stratified, seeded) for validation. Ratings <= 4 are negative, >= 7 positive; neutral reviews "
            "are absent, so the model has never seen a lukewarm review."
        ),
        ethical_considerations=(
            "Sentiment models misread sarcasm and irony and can score dialects (e.g. African-American English) "
            "or identity terms as more negative than the same content in standard written English. The data "
            "set is balanced and has no neutral class: real text is mostly neutral and often skewed, so the "
            "accuracy here overstates what a user will see. Movie-review language does not transfer to other "
            "domains. Do not use it to profile or watch people."
        ),
        caveats=(
            "Probabilities are not calibrated. A strong TF-IDF + logistic regression baseline is about as "
            "accurate and far cheaper; see the README for whether the LSTM beats it. Check the probe set and "
            "the confident mistakes in the README before trusting a prediction."
        ),
    )


def report(metrics: dict[str, Any]) -> str:
    """Markdown for the README: both models, the verdict, accuracy vs time, mistakes and probes."""
    rows = []
    for start, key in (("Word2Vec", "w2v"), ("random", "random")):
        kept = metrics["chosen_start"] == f"{start} start"
        rows.append({
            "model": f"bi-LSTM + attention, {start} start{' (kept)' if kept else ''}",
            "val accuracy": metrics[f"{key}_val_accuracy"],
            "test accuracy": metrics["test_accuracy"] if kept else "not run",
            "training time (s)": round(metrics[f"{key}_train_time_s"]),
        })  # fmt: skip
    rows.append(
        {
            "model": "TF-IDF 1-2-grams + logistic regression",
            "val accuracy": metrics["baseline_val_accuracy"],
            "test accuracy": metrics["baseline_test_accuracy"],
            "training time (s)": round(metrics["baseline_fit_time_s"]),
        }
    )
    beats = metrics["lstm_beats_baseline"] == "yes"
    diff = 100 * (metrics["test_accuracy"] - metrics["baseline_test_accuracy"])
    lines = [
        markdown_table(rows),
        "",
        f"**Does the LSTM beat the TF-IDF baseline? {'Yes' if beats else 'No'}** — on the test set it is "
        f"{abs(diff):.2f} percentage points {'above' if diff >= 0 else 'below'} it "
        f"(LSTM 95% interval {metrics['test_accuracy_ci_low']:.4f}-{metrics['test_accuracy_ci_high']:.4f}, "
        f"n = {metrics['n_test']}). The model kept is the {metrics['chosen_start']} one (better on validation), "
        f"at epoch {metrics['best_epoch']}, reached after {metrics['time_to_best_epoch_s']:.0f} s of training; "
        f"Word2Vec itself took {metrics['word2vec_time_s']:.0f} s. Accuracy against wall time: "
        "`figures/embeddings_comparison.png`. Only the chosen model and the baseline saw the test set.",
    ]
    examples = _read_examples(metrics)
    if examples:
        lines += ["", "Ten most confident mistakes on the test set (first 300 characters):", ""]
        lines.append(
            markdown_table(
                [
                    {"true": m["true"], "P(positive)": m["p_positive"], "review": m["review"]}
                    for m in examples["mistakes"]
                ]
            )
        )
        lines += ["", f"Hand-written probe set ({metrics['probe_accuracy']:.0%} right):", ""]
        lines.append(markdown_table([
            {"kind": p["kind"], "sentence": p["text"], "expected": p["expected"], "P(positive)": p["p_positive"],
             "right?": "yes" if p["correct"] else "**no**"} for p in examples["probes"]
        ]))  # fmt: skip
        if examples["neighbours"]:
            near = "; ".join(f"*{w}*: {', '.join(n)}" for w, n in examples["neighbours"].items())
            lines += ["", f"Word2Vec nearest neighbours (trained on the training reviews): {near}."]
    return "\n".join(lines)


def _read_examples(metrics: dict[str, Any]) -> dict[str, Any] | None:
    """The examples file of the run that produced `metrics` (the runner passes report only the metrics)."""
    path = outputs_dir(WEEK) / EXAMPLES_FILE
    if not path.is_file():
        return None
    examples = json.loads(path.read_text(encoding="utf-8"))
    return examples if examples.get("for", {}).get("test_accuracy") == metrics["test_accuracy"] else None
