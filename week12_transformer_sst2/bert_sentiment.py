"""Week 12: fine-tune a pretrained transformer on SST-2 sentence sentiment, on a CPU.

Reads top-down: configuration → data (train, validation, dev) → two baselines without fine-tuning
(zero-shot, linear probe) → the fine-tuning loop → a learning-rate sweep on validation → the final
fine-tune → one evaluation on dev → attention → INT8 quantisation → counterfactual bias probe → run().

The training loop is written out instead of using `transformers.Trainer`: the loop *is* the lesson
(weeks 9-10 write theirs by hand too), it is thirty lines, and `Trainer` would add `accelerate` as a
dependency for no gain on one CPU. Everything around the loop is the ecosystem's: `AutoTokenizer`,
`AutoModelForSequenceClassification`, `DataCollatorWithPadding` (dynamic padding),
`LengthGroupedSampler` (length-grouped batches), `get_linear_schedule_with_warmup`.

GLUE's SST-2 test labels are not public, so the public *dev* set (872 sentences) is the test set, scored
once at the end; every choice is made on validation sentences carved from *train* (`data.py`).
"""

from __future__ import annotations

import copy
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from tqdm.auto import tqdm

from shared.data import load_sst2
from shared.plotting import save_figure, subplots
from shared.result import Result
from shared.stats import proportion_ci
from shared.targets import Target
from shared.threads import training_settings
from shared.torch_io import save_torch
from week12_transformer_sst2 import baselines, bias_probe
from week12_transformer_sst2.data import encode, make_loader, validation_split
from week12_transformer_sst2.inference import SentimentModel, positive_proba
from week12_transformer_sst2.pretrained import (
    DEFAULT_MODEL,
    LABELS,
    embed,
    load_classifier,
    load_encoder,
    load_tokenizer,
)

TARGETS = [
    Target("dev_accuracy", ">=", 0.905, "issue 12: past the peers (was 89.7%)"),
    Target("training_time_s", "<=", 20 * 60, "curriculum: ≤ 20 min of fine-tuning on a 2-core CPU"),
]
HEADLINE = ("dev_accuracy",)
DATASETS = ("sst2_train", "sst2_dev")
ATTENTION_SENTENCE = "The acting is wooden, but the final twist is genuinely brilliant."


# ---------------------------------------------------------------- configuration
@dataclass(frozen=True, kw_only=True)
class Config:
    """Every knob of the full run. Fixed: no field is computed from a measured time."""

    model_name: str = DEFAULT_MODEL  # offline default; with internet e.g. "distilbert-base-uncased"
    val_size: int = 1000  # whole train sentences held out (with their phrases) to choose the learning rate
    val_min_words: int = 10  # validation sentences look like dev's (dev: median 19 words)
    sweep_lrs: tuple[float, ...] = (5e-5, 1e-4, 2e-4)  # compared on validation; the best one trains the model
    sweep_train_size: int = 16_000  # leak-free rows each sweep candidate trains on (500 steps)
    sweep_epochs: int = 1
    train_size: int | None = None  # the final fine-tune: None = all 67,349 train rows (validation included)
    epochs: int = 2  # fixed (4,210 steps of 32): fits the 20-min budget on 2 quiet cores
    batch_size: int = 32
    weight_decay: float = 0.01  # AdamW, not applied to biases and LayerNorm weights
    warmup_fraction: float = 0.06  # linear warm-up over the first 6% of steps, then linear decay to 0
    probe_train_size: int = 5_000  # linear-probe baseline: embedding all 67k rows costs minutes for ~0.5 points
    latency_repeats: int = 50  # single-sentence calls timed for the fp32/INT8 latency
    threads: int = 1  # CPU threads, fixed: the count changes float sums; one avoids OpenMP stalls on a busy CPU


FAST = Config(
    val_size=200, sweep_lrs=(1e-4, 2e-4), sweep_train_size=640, train_size=2_000, epochs=1,
    probe_train_size=800, latency_repeats=5,
)  # fmt: skip


# ---------------------------------------------------------------- data
def load_data(config: Config, seed: int) -> dict[str, pd.DataFrame]:
    """train (for the final fine-tune), sweep_train + validation (for choosing the LR), dev (the test set)."""
    train = load_sst2("train")
    sweep_train, validation = validation_split(train, size=config.val_size, min_words=config.val_min_words, seed=seed)
    sweep_train = sweep_train.sample(n=min(config.sweep_train_size, len(sweep_train)), random_state=seed)
    if config.train_size is not None:
        train = train.sample(n=config.train_size, random_state=seed)
    return {"train": train, "sweep_train": sweep_train, "validation": validation, "dev": load_sst2("dev")}


# ---------------------------------------------------------------- baselines (frozen pretrained model)
def run_baselines(config: Config, train: pd.DataFrame, dev: pd.DataFrame, seed: int) -> dict[str, int]:
    """Dev sentences right (of len(dev)) for zero-shot and a linear probe on frozen embeddings."""
    encoder, tokenizer = load_encoder(config.model_name), load_tokenizer(config.model_name)
    probe_train = train.sample(n=min(config.probe_train_size, len(train)), random_state=seed)
    dev_emb = embed(encoder, tokenizer, dev["sentence"].tolist())
    train_emb = embed(encoder, tokenizer, probe_train["sentence"].tolist())
    y = dev["label"].to_numpy()
    zero_shot = baselines.zero_shot_predict(dev_emb, encoder, tokenizer)
    probe = baselines.linear_probe(train_emb, probe_train["label"].to_numpy(), seed)
    return {"zero-shot": int((zero_shot == y).sum()), "linear probe": int((probe.predict(dev_emb) == y).sum())}


# ---------------------------------------------------------------- the fine-tuning loop
def fine_tune(
    model, tokenizer, features: list[dict], *, lr: float, epochs: int, config: Config, seed: int, on_epoch_end=None
) -> list[float]:
    """Train every weight with AdamW and a linear warm-up/decay schedule; return the loss of each step.

    `on_epoch_end(epoch)`, if given, is called after each epoch (1-based) with the model in training mode
    afterwards: week 16 scores validation there to pick the epoch (this week's budget is fixed instead)."""
    from transformers import get_linear_schedule_with_warmup

    no_decay = ("bias", "LayerNorm", "layer_norm")
    params = list(model.named_parameters())
    optimizer = torch.optim.AdamW(
        [
            {
                "params": [p for n, p in params if not any(k in n for k in no_decay)],
                "weight_decay": config.weight_decay,
            },
            {"params": [p for n, p in params if any(k in n for k in no_decay)], "weight_decay": 0.0},
        ],
        lr=lr,
        fused=True,  # one kernel for the whole update: same maths, fewer passes over 22 M parameters
    )
    total_steps = -(-len(features) // config.batch_size) * epochs
    scheduler = get_linear_schedule_with_warmup(optimizer, int(config.warmup_fraction * total_steps), total_steps)
    losses = []
    model.train()
    for epoch in range(epochs):
        loader = make_loader(features, tokenizer, config.batch_size, seed + epoch)
        for batch in tqdm(loader, desc=f"lr {lr:g}, epoch {epoch + 1}/{epochs}", mininterval=10):
            loss = model(**batch).loss  # cross-entropy on the classification head's logits
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            losses.append(loss.item())
        if on_epoch_end is not None:
            on_epoch_end(epoch + 1)
            model.train()
    return losses


def accuracy(model: SentimentModel, frame: pd.DataFrame) -> int:
    """Number of rows of `frame` classified correctly (threshold 0.5 on P(positive))."""
    predicted = positive_proba(model, frame["sentence"].tolist()) >= 0.5
    return int((predicted == frame["label"].to_numpy()).sum())


def new_classifier(config: Config, seed: int):
    """The pretrained body with a fresh head; the seed fixes the head's initial weights and the dropout."""
    torch.manual_seed(seed)
    return load_classifier(config.model_name)


# ---------------------------------------------------------------- choosing the learning rate
def sweep_learning_rate(tokenizer, sweep_train: pd.DataFrame, validation: pd.DataFrame, config: Config, seed: int):
    """Fine-tune once per candidate LR on the leak-free rows; score each on the validation sentences.

    Every candidate starts from the same weights and sees the same batches (same seed): the only
    difference between rows of the table is the learning rate.
    """
    features = encode(tokenizer, sweep_train)
    rows = []
    for lr in config.sweep_lrs:
        model = new_classifier(config, seed)
        start = time.perf_counter()
        fine_tune(model, tokenizer, features, lr=lr, epochs=config.sweep_epochs, config=config, seed=seed)
        correct = accuracy(SentimentModel(model, tokenizer), validation)
        low, high = proportion_ci(correct, len(validation))
        rows.append({"lr": lr, "val_accuracy": correct / len(validation), "val_ci_low": low, "val_ci_high": high,
                     "time_s": time.perf_counter() - start})  # fmt: skip
    table = pd.DataFrame(rows)
    table["chosen"] = table.index == table["val_accuracy"].idxmax()  # ties: the first (smaller) LR
    return table


# ---------------------------------------------------------------- figures
def plot_training(losses: list[float], sweep: pd.DataFrame):
    fig, (ax1, ax2) = subplots(1, 2, figsize=(10, 3.8))
    losses = np.asarray(losses)
    window = max(1, len(losses) // 50)
    smooth = np.convolve(losses, np.ones(window) / window, mode="valid")
    ax1.plot(losses, alpha=0.25, label="per step")
    ax1.plot(np.arange(len(smooth)) + window - 1, smooth, label=f"mean of {window} steps")
    ax1.set(xlabel="step", ylabel="training loss", title="Final fine-tune: loss")
    ax1.legend()
    err = [sweep["val_accuracy"] - sweep["val_ci_low"], sweep["val_ci_high"] - sweep["val_accuracy"]]
    ax2.errorbar(sweep["lr"], sweep["val_accuracy"], yerr=err, fmt="o-", capsize=4)
    best = sweep[sweep["chosen"]].iloc[0]
    ax2.plot(best["lr"], best["val_accuracy"], "*", markersize=14, label=f"chosen: {best['lr']:g}")
    ax2.set(xscale="log", xlabel="learning rate", ylabel="validation accuracy", title="Learning-rate sweep")
    ax2.legend()
    return fig


def plot_attention(model: SentimentModel, sentence: str, layer: int = -1):
    """Heat map of one layer's attention, averaged over its heads, for one sentence.

    The fast "sdpa" attention kernel does not return weights, so a copy of the network switched to the
    plain ("eager") implementation draws this figure.
    """
    network = copy.deepcopy(model.network).cpu().eval()
    network.set_attn_implementation("eager")
    batch = model.tokenizer(sentence, return_tensors="pt")
    batch.pop("token_type_ids", None)
    with torch.inference_mode():
        attentions = network(**batch, output_attentions=True).attentions
    layer_index = layer % len(attentions)
    weights = attentions[layer_index][0].mean(0).numpy()  # (heads, query, key) -> mean over heads
    tokens = model.tokenizer.convert_ids_to_tokens(batch["input_ids"][0])
    fig, ax = subplots(figsize=(7.5, 6.5))
    image = ax.imshow(weights, cmap="viridis")
    ax.grid(False)
    ax.set_xticks(range(len(tokens)), tokens, rotation=90)
    ax.set_yticks(range(len(tokens)), tokens)
    ax.set(xlabel="attended-to token (key)", ylabel="attending token (query)",
           title=f"Layer {layer_index + 1} attention, mean of {attentions[0].shape[1]} heads")  # fmt: skip
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    return fig


# ---------------------------------------------------------------- serving: INT8 quantisation
def quantise(model: SentimentModel) -> SentimentModel:
    """Dynamic INT8 quantisation of the Linear layers: weights stored as 8-bit integers, CPU-only."""
    with warnings.catch_warnings():
        # torch 2.13 deprecates torch.ao.quantization in favour of the separate `torchao` package; the
        # eager-mode API still works and needs no extra dependency, so the warning is silenced here.
        warnings.filterwarnings("ignore", category=UserWarning)
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        network = torch.ao.quantization.quantize_dynamic(copy.deepcopy(model.network).cpu(), {torch.nn.Linear})
    return SentimentModel(network, model.tokenizer, model.labels)


def latency_s(model: SentimentModel, sentence: str, repeats: int) -> float:
    """Median seconds for one single-sentence call: what a user of week 14's API waits."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        positive_proba(model, [sentence])
        times.append(time.perf_counter() - start)
    return float(np.median(times))


# ---------------------------------------------------------------- run
def with_ci(name: str, correct: int, n: int) -> dict[str, float]:
    low, high = proportion_ci(correct, n)
    return {name: correct / n, f"{name}_ci_low": low, f"{name}_ci_high": high}


def run(out_dir: Path, fast: bool = False, seed: int = 42, config: Config | None = None) -> Result:
    """Baselines, LR sweep on validation, final fine-tune, one dev evaluation, probe, save."""
    config = config or (FAST if fast else Config())
    with training_settings(config.threads):
        return _run(Path(out_dir), config, seed)


def _run(out_dir: Path, config: Config, seed: int) -> Result:
    data = load_data(config, seed)
    dev, n_dev = data["dev"], len(data["dev"])
    baseline_correct = run_baselines(config, data["train"], dev, seed)

    tokenizer = load_tokenizer(config.model_name)
    start = time.perf_counter()
    sweep = sweep_learning_rate(tokenizer, data["sweep_train"], data["validation"], config, seed)
    sweep_time = time.perf_counter() - start
    lr = float(sweep.loc[sweep["chosen"], "lr"].iloc[0])

    network = new_classifier(config, seed)
    start = time.perf_counter()
    losses = fine_tune(network, tokenizer, encode(tokenizer, data["train"]), lr=lr, epochs=config.epochs,
                       config=config, seed=seed)  # fmt: skip
    training_time = time.perf_counter() - start
    model = SentimentModel(network.eval(), tokenizer, LABELS)
    dev_correct = accuracy(model, dev)  # the one evaluation on the test set

    int8 = quantise(model)
    int8_correct = accuracy(int8, dev)
    probe = bias_probe.counterfactual_probe(lambda texts: positive_proba(model, texts))
    groups = bias_probe.by_group(probe)

    metrics = {
        "base_model": config.model_name,
        **with_ci("dev_accuracy", dev_correct, n_dev),
        "dev_size": n_dev,
        **with_ci("zero_shot_accuracy", baseline_correct["zero-shot"], n_dev),
        **with_ci("linear_probe_accuracy", baseline_correct["linear probe"], n_dev),
        **with_ci("int8_dev_accuracy", int8_correct, n_dev),
        "chosen_lr": lr,
        "best_val_accuracy": float(sweep["val_accuracy"].max()),
        "val_size": len(data["validation"]),
        "sweep_train_size": len(data["sweep_train"]),
        "train_size": len(data["train"]),
        "epochs": config.epochs,
        "batch_size": config.batch_size,
        "steps": len(losses),
        "final_loss": float(np.mean(losses[-50:])),
        "probe_train_size": min(config.probe_train_size, len(data["train"])),
        "bias_mean_spread": float(probe["spread"].mean()),
        "bias_worst_spread": float(probe["spread"].max()),
        "bias_flip_rate": float(probe["label_flips"].mean()),
        "bias_sentences": int(sum(len(t) * len(bias_probe.GROUPS[g]) for g, t in bias_probe.TEMPLATES.items())),
        "training_time_s": training_time,
        "sweep_time_s": sweep_time,
        "step_time_s": training_time / len(losses),
        "fp32_latency_s": latency_s(model, ATTENTION_SENTENCE, config.latency_repeats),
        "int8_latency_s": latency_s(int8, ATTENTION_SENTENCE, config.latency_repeats),
    }
    comparison = pd.DataFrame(
        [
            {"model": "zero-shot (embedding vs label descriptions)", "key": "zero_shot_accuracy"},
            {"model": f"linear probe (logistic regression, {metrics['probe_train_size']:,} rows)",
             "key": "linear_probe_accuracy"},
            {"model": f"fine-tuned (lr {lr:g}, {config.epochs} × {len(data['train']):,} rows)",
             "key": "dev_accuracy"},
            {"model": "fine-tuned, dynamic INT8", "key": "int8_dev_accuracy"},
        ]
    )  # fmt: skip
    for column, suffix in (("dev_accuracy", ""), ("ci_low", "_ci_low"), ("ci_high", "_ci_high")):
        comparison[column] = [metrics[key + suffix] for key in comparison["key"]]

    model_dir = out_dir / "model"
    model.tokenizer.save_pretrained(model_dir)
    save_torch(network, model_dir / "model.safetensors", config=network.config.to_dict(), seed=seed,
               datasets=DATASETS, labels=LABELS, base_model=config.model_name, training=asdict(config),
               metrics={k: v for k, v in metrics.items() if not k.endswith("_s")})  # fmt: skip
    figures = [
        save_figure(plot_training(losses, sweep), out_dir, "training_curve"),
        save_figure(plot_attention(model, ATTENTION_SENTENCE), out_dir, "attention_heatmap"),
    ]
    tables = {
        "lr_sweep": sweep,
        "comparison": comparison.drop(columns="key"),
        "bias_probe": probe,
        "bias_by_group": groups,
        "training_loss": pd.DataFrame({"step": np.arange(1, len(losses) + 1), "loss": losses}),
    }
    return Result(metrics=metrics, tables=tables, figures=figures)
