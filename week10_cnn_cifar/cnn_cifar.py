"""Week 10: a CIFAR-10 CNN in plain PyTorch, sized to train on a 2-core CPU within 15 minutes.

Reading order: data (uint8 tensors, augmentation as batched tensor ops) → model (`model.py`) →
the training loop (`fit`, written out: forward, loss, backward, step) → evaluation → save → report.
Transfer learning (pretrain on five classes, fine-tune on the other five) lives in `transfer.py`.

The same code uses the GPU when one is present (`shared.device.get_device()`); no torchvision: the
lesson is that data loading and augmentation are a few lines of tensor code.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from tqdm import tqdm

from shared.data.cifar10 import CLASSES, load_cifar10
from shared.device import get_device, hardware_summary
from shared.model_card import render_model_card
from shared.plotting import save_figure, subplots
from shared.results import markdown_table
from shared.targets import Target
from shared.threads import torch_threads
from week10_cnn_cifar.model import CifarNet, save_model

TARGETS = [
    Target("test_accuracy", ">=", 0.85, "issue"),
    Target("train_time_s", "<=", 900, "issue: 15 min"),
    Target("test_accuracy", ">", 0.50, "curriculum"),
]
HEADLINE = "test_accuracy"
WEIGHTS_NAME = "cnn_cifar.safetensors"

TRAIN_BUDGET_S = 15 * 60  # the limit for the training loop
PLAN_FRACTION = 0.85  # plan for 85% of it: the machine may get busier after the step time is measured


@dataclass(frozen=True)
class Config:
    """Everything that differs between fast (tests) and full (published numbers) mode."""

    n_train_per_class: int | None  # None = all 5,000 per class
    n_test: int | None  # None = all 10,000
    batch_size: int
    epochs: int | None  # None = chosen from the measured step time so the run fits TRAIN_BUDGET_S
    max_lr: float = 0.1
    weight_decay: float = 5e-4
    label_smoothing: float = 0.1


FULL = Config(n_train_per_class=None, n_test=None, batch_size=256, epochs=None)
FAST = Config(n_train_per_class=200, n_test=1000, batch_size=128, epochs=5, max_lr=0.08)


# ---------------------------------------------------------------- data: uint8 in memory, float per batch
def to_tensor_u8(images: np.ndarray) -> torch.Tensor:
    """(N, H, W, 3) uint8 → (N, 3, H, W) uint8 view. Its memory is already NHWC, i.e. `channels_last`."""
    return torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2)


def channel_stats(x_u8: torch.Tensor) -> tuple[list[float], list[float]]:
    """Per-channel mean and std of the training images in [0, 1] (computed, not copied from a paper)."""
    x = x_u8.float().div_(255)
    return x.mean(dim=(0, 2, 3)).tolist(), x.std(dim=(0, 2, 3)).tolist()


def normalise(x_u8: torch.Tensor, mean: list[float], std: list[float]) -> torch.Tensor:
    """uint8 batch → float, zero mean and unit variance per channel, in channels_last layout."""
    m = torch.tensor(mean, device=x_u8.device).view(1, 3, 1, 1)
    s = torch.tensor(std, device=x_u8.device).view(1, 3, 1, 1)
    x = (x_u8.float() / 255 - m) / s
    return x.contiguous(memory_format=torch.channels_last)


def random_crop(x: torch.Tensor, pad: int, gen: torch.Generator) -> torch.Tensor:
    """Shift every image by up to `pad` pixels (zero = mean colour after normalising): pad, then crop.

    Two `gather`s crop the whole batch at once, each image with its own row and column offsets
    (plain gathers stay fast when the runner switches on deterministic algorithms).
    """
    n, c, h, w = x.shape
    padded = F.pad(x, (pad, pad, pad, pad))
    dy = torch.randint(0, 2 * pad + 1, (n, 1), generator=gen).to(x.device)
    dx = torch.randint(0, 2 * pad + 1, (n, 1), generator=gen).to(x.device)
    rows = (dy + torch.arange(h, device=x.device)).view(n, 1, h, 1).expand(n, c, h, w + 2 * pad)
    cols = (dx + torch.arange(w, device=x.device)).view(n, 1, 1, w).expand(n, c, h, w)
    return padded.gather(2, rows).gather(3, cols)


def random_flip(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Mirror a random half of the batch left-right (CIFAR-10 classes are symmetric; up-down is not)."""
    flip = (torch.rand(x.shape[0], generator=gen) < 0.5).to(x.device).view(-1, 1, 1, 1)
    return torch.where(flip, x.flip(3), x)


def augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    return random_flip(random_crop(x, 4, gen), gen).contiguous(memory_format=torch.channels_last)


def class_subset(
    y: np.ndarray, per_class: int | None, classes: range | list[int], rng: np.random.Generator
) -> np.ndarray:
    """Indices of `per_class` random examples of each class in `classes` (all of them when None), sorted."""
    picked = []
    for c in classes:
        idx = np.flatnonzero(y == c)
        picked.append(idx if per_class is None else rng.choice(idx, size=min(per_class, len(idx)), replace=False))
    return np.sort(np.concatenate(picked))


# ---------------------------------------------------------------- the training loop, written out
def fit(
    model: nn.Module,
    x_u8: torch.Tensor,
    y: torch.Tensor,
    *,
    epochs: int,
    batch_size: int,
    max_lr: float,
    stats: tuple[list[float], list[float]],
    gen: torch.Generator,
    weight_decay: float = 5e-4,
    label_smoothing: float = 0.1,
    evaluate: Callable[[nn.Module], float] | None = None,
    desc: str = "train",
) -> list[dict[str, float]]:
    """Train with SGD + Nesterov momentum, a one-cycle LR schedule and label smoothing.

    One-cycle warms the LR up then anneals it to ~0, which is what makes a short budget reach a good
    accuracy. Label smoothing stops the network from pushing logits to infinity on 10 hard labels.
    `evaluate(model) -> accuracy` is called after each epoch (its time is not counted as training).
    Returns one record per epoch: train loss, cumulative training seconds, and the evaluation.
    """
    device = next(model.parameters()).device
    steps_per_epoch = math.ceil(len(y) / batch_size)
    optimiser = torch.optim.SGD(model.parameters(), lr=max_lr, momentum=0.9, nesterov=True, weight_decay=weight_decay)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, max_lr=max_lr, epochs=epochs, steps_per_epoch=steps_per_epoch, pct_start=0.25
    )
    loss_fn = nn.CrossEntropyLoss(label_smoothing=label_smoothing)
    history, train_s = [], 0.0
    for epoch in range(1, epochs + 1):
        model.train()
        start, total_loss = time.perf_counter(), 0.0
        order = torch.randperm(len(y), generator=gen)
        for i in tqdm(range(steps_per_epoch), desc=f"{desc} epoch {epoch}/{epochs}", leave=False, mininterval=5):
            idx = order[i * batch_size : (i + 1) * batch_size]
            xb = augment(normalise(x_u8[idx].to(device), *stats), gen)
            yb = y[idx].to(device)
            loss = loss_fn(model(xb), yb)  # forward
            optimiser.zero_grad(set_to_none=True)
            loss.backward()  # backward: gradients of the loss w.r.t. every weight
            optimiser.step()  # step: move the weights against the gradient
            schedule.step()  # one-cycle changes the LR every batch
            total_loss += loss.item() * len(idx)
        train_s += time.perf_counter() - start
        record = {"epoch": epoch, "train_loss": total_loss / len(y), "train_s": train_s}
        if evaluate is not None:
            record["test_accuracy"] = evaluate(model)
        history.append(record)
    return history


def measure_step_s(
    batch_size: int, stats: tuple[list[float], list[float]], x_u8: torch.Tensor, y: torch.Tensor, n_steps: int = 12
) -> float:
    """Seconds per training step of a throwaway model, to size the epoch budget to this machine.

    Timed over one `fit` of `n_steps` batches after a short warm-up `fit`, so `fit`'s one-off set-up
    (optimiser, schedule, progress bar) is spread over many steps as in a real epoch. The estimate is taken
    before training on a machine that may get busier or quieter, hence `PLAN_FRACTION`.
    """
    device = get_device()
    model = CifarNet().to(device, memory_format=torch.channels_last)
    with torch.random.fork_rng(devices=[]):  # keep the seeded global RNG untouched by the measurement
        gen = torch.Generator().manual_seed(0)
        common = {"epochs": 1, "batch_size": batch_size, "max_lr": 0.01, "stats": stats, "gen": gen}
        fit(model, x_u8[: 2 * batch_size], y[: 2 * batch_size], **common)  # warm-up: allocation, kernel choice
        start = time.perf_counter()
        fit(model, x_u8[: n_steps * batch_size], y[: n_steps * batch_size], **common)
    return (time.perf_counter() - start) / n_steps


def choose_epochs(step_s: float, steps_per_epoch: int, budget_s: float = TRAIN_BUDGET_S * PLAN_FRACTION) -> int:
    """As many whole epochs as fit the planned budget (at least 1, at most 40)."""
    return int(min(40, max(1, budget_s // (step_s * steps_per_epoch))))


# ---------------------------------------------------------------- evaluation
@torch.no_grad()
def predict_proba(
    model: nn.Module,
    x_u8: torch.Tensor,
    stats: tuple[list[float], list[float]],
    *,
    tta: bool = True,
    batch_size: int = 500,
) -> torch.Tensor:
    """Class probabilities; with `tta`, averaged over the image and its mirror (cheap, ~+0.5-1 point)."""
    model.eval()
    device = next(model.parameters()).device
    out = []
    for i in range(0, len(x_u8), batch_size):
        x = normalise(x_u8[i : i + batch_size].to(device), *stats)
        p = model(x).softmax(1)
        if tta:
            p = (p + model(x.flip(3).contiguous(memory_format=torch.channels_last)).softmax(1)) / 2
        out.append(p.cpu())
    return torch.cat(out)


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """Rows = true class, columns = predicted class (counts)."""
    return np.bincount(y_true * n_classes + y_pred, minlength=n_classes**2).reshape(n_classes, n_classes)


# ---------------------------------------------------------------- figures
def plot_curve(history: list[dict[str, float]], out_dir: Path) -> Path:
    fig, ax = subplots()
    minutes = [h["train_s"] / 60 for h in history]
    ax.plot(minutes, [100 * h["test_accuracy"] for h in history], marker="o", label="test accuracy (no TTA)")
    ax.axhline(85, color="grey", ls="--", lw=1, label="85% target")
    ax.set(xlabel="training wall time (minutes)", ylabel="test accuracy (%)", title="Accuracy vs training time")
    ax2 = ax.twinx()
    ax2.plot(minutes, [h["train_loss"] for h in history], color="#DD8452", alpha=0.6, label="train loss")
    ax2.set_ylabel("train loss (label-smoothed)")
    ax2.grid(False)
    fig.legend(loc="center right", bbox_to_anchor=(0.85, 0.5))
    return save_figure(fig, out_dir, "accuracy_vs_time")


def plot_confusion(cm: np.ndarray, out_dir: Path) -> Path:
    fig, ax = subplots(figsize=(7, 6))
    rates = cm / cm.sum(axis=1, keepdims=True)
    ax.imshow(rates, cmap="Blues", vmin=0, vmax=1)
    for (i, j), v in np.ndenumerate(rates):
        ax.text(j, i, f"{100 * v:.0f}", ha="center", va="center", fontsize=7, color="white" if v > 0.5 else "black")
    ax.set_xticks(range(len(CLASSES)), CLASSES, rotation=45, ha="right")
    ax.set_yticks(range(len(CLASSES)), CLASSES)
    ax.set(xlabel="predicted", ylabel="true", title="Confusion matrix (% of each true class)")
    ax.grid(False)
    return save_figure(fig, out_dir, "confusion_matrix")


def plot_misclassified(x_u8: np.ndarray, y_true: np.ndarray, proba: np.ndarray, out_dir: Path, n: int = 24) -> Path:
    """The most confidently wrong test images: where to look for label noise and real confusions."""
    pred = proba.argmax(1)
    wrong = np.flatnonzero(pred != y_true)
    wrong = wrong[np.argsort(-proba[wrong, pred[wrong]])][:n]
    fig, axes = subplots(4, 6, figsize=(9, 6.5))
    for ax, i in zip(axes.flat, wrong, strict=False):  # fewer mistakes than panels is fine
        ax.imshow(x_u8[i])
        ax.set_title(f"{CLASSES[pred[i]]} {proba[i, pred[i]]:.0%}\n(true: {CLASSES[y_true[i]]})", fontsize=7)
    for ax in axes.flat:
        ax.axis("off")
    fig.suptitle("Most confident mistakes: predicted (probability) / true")
    return save_figure(fig, out_dir, "misclassified")


# ---------------------------------------------------------------- the run
def run(out_dir: Path, fast: bool = False, seed: int = 42) -> dict[str, Any]:
    """Train, evaluate, save safetensors weights, draw figures, run the transfer experiment, write the model card."""
    with torch_threads():  # the run may pick its own thread count; the caller's is restored afterwards
        return _run(Path(out_dir), fast, seed)


def _run(out_dir: Path, fast: bool, seed: int) -> dict[str, Any]:
    from week10_cnn_cifar.transfer import run_transfer

    cfg = FAST if fast else FULL
    # The runner turns on deterministic algorithms; their side effect of pre-filling every new tensor
    # with NaN (a debugging aid) took about a quarter of a CPU training step here and changes no result.
    torch.utils.deterministic.fill_uninitialized_memory = False
    device = get_device()
    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(seed)

    # --- data: decoded once (cached), held as uint8; float conversion happens per batch
    data = load_cifar10()
    train_idx = class_subset(data.y_train, cfg.n_train_per_class, range(10), rng)
    test_idx = (
        np.sort(rng.choice(len(data.y_test), cfg.n_test, replace=False)) if cfg.n_test else np.arange(len(data.y_test))
    )
    x_train, y_train = to_tensor_u8(data.x_train[train_idx]), torch.from_numpy(data.y_train[train_idx])
    x_test, y_test = to_tensor_u8(data.x_test[test_idx]), data.y_test[test_idx]
    stats = channel_stats(x_train)
    if device.type == "cuda":  # the whole dataset fits on any GPU: no per-batch host→device copies
        x_train, y_train = x_train.to(device), y_train.to(device)

    # --- epoch budget: from a measured step time, so the run fits the limit on this machine
    steps_per_epoch = math.ceil(len(y_train) / cfg.batch_size)
    # and with the faster thread count: on a busy 2-core machine one thread can beat two several times over.
    if cfg.epochs is None:
        timings = {}
        for n in sorted({1, torch.get_num_threads()}):
            torch.set_num_threads(n)
            timings[n] = measure_step_s(cfg.batch_size, stats, x_train, y_train)
        threads = min(timings, key=timings.get)
        measured_s, epochs = timings[threads], choose_epochs(timings[threads], steps_per_epoch)
        print(
            f"{device}: s per step of {cfg.batch_size} by thread count {timings} → {threads} thread(s), {epochs} epochs"
        )
    else:  # fast mode: fixed, so tests are reproducible; one thread is the robust choice on a shared CPU
        threads, measured_s, epochs = 1, None, cfg.epochs
    torch.set_num_threads(threads)

    # --- model + training loop
    torch.manual_seed(seed)
    model = CifarNet().to(device, memory_format=torch.channels_last)
    x_test_dev = x_test.to(device)

    def test_accuracy(m: nn.Module) -> float:
        return float((predict_proba(m, x_test_dev, stats, tta=False).argmax(1).numpy() == y_test).mean())

    history = fit(
        model,
        x_train,
        y_train,
        epochs=epochs,
        batch_size=cfg.batch_size,
        max_lr=cfg.max_lr,
        stats=stats,
        gen=gen,
        weight_decay=cfg.weight_decay,
        label_smoothing=cfg.label_smoothing,
        evaluate=test_accuracy,
    )

    # --- evaluate: flip test-time augmentation, per-class accuracy, confusion matrix
    proba = predict_proba(model, x_test_dev, stats, tta=True).numpy()
    pred = proba.argmax(1)
    cm = confusion_matrix(y_test, pred, len(CLASSES))
    per_class = cm.diagonal() / cm.sum(axis=1)

    # --- save weights (safetensors) and figures
    save_model(model.cpu(), out_dir / WEIGHTS_NAME, classes=CLASSES, mean=stats[0], std=stats[1])
    plot_curve(history, out_dir)
    plot_confusion(cm, out_dir)
    plot_misclassified(data.x_test[test_idx], y_test, proba, out_dir)

    # --- transfer learning: pretrain on 5 classes, fine-tune on the other 5 with few labels
    step_s = history[-1]["train_s"] / (epochs * steps_per_epoch)  # the real average, not the estimate
    transfer = run_transfer(data, out_dir, fast=fast, seed=seed, step_s=measured_s or step_s)

    metrics: dict[str, Any] = {
        "test_accuracy": float((pred == y_test).mean()),
        "test_accuracy_no_tta": history[-1]["test_accuracy"],
        "train_time_s": history[-1]["train_s"],
        "step_time_s": step_s,
        "epochs": epochs,
        "batch_size": cfg.batch_size,
        "n_train": len(train_idx),
        "n_test": len(test_idx),
        "data_form": data.form,
        "device": device.type,
        "torch_threads": threads,
        **{f"acc_{c}": float(a) for c, a in zip(CLASSES, per_class, strict=True)},
        **transfer,
    }
    _write_model_card(out_dir, metrics, history)
    return metrics


def _write_model_card(out_dir: Path, metrics: dict[str, Any], history: list[dict[str, float]]) -> None:
    per_class = markdown_table([{"class": c, "accuracy": metrics[f"acc_{c}"]} for c in CLASSES])
    render_model_card(
        out_dir,
        title="CIFAR-10 CNN (week 10)",
        hardware=hardware_summary(),
        metrics=(
            f"Test accuracy {metrics['test_accuracy']:.2%} with flip test-time augmentation "
            f"({metrics['test_accuracy_no_tta']:.2%} without) on {metrics['n_test']} test images, after "
            f"{metrics['epochs']} epochs in {metrics['train_time_s'] / 60:.1f} minutes of training "
            f"({metrics['device']}).\n\n{per_class}"
        ),
        model_details=(
            "A 4-stage CNN (conv 3×3 → BatchNorm → GELU blocks, widths 32-64-128-256, max-pooling after the "
            "first three, global average pooling, linear head; about 0.4 M parameters), "
            "trained from scratch in plain PyTorch with SGD + Nesterov momentum, a one-cycle learning-rate "
            f"schedule, label smoothing 0.1, random translation (±4 px) and horizontal flips. Weights: "
            f"`{WEIGHTS_NAME}` (safetensors; the metadata holds the class names and normalisation)."
        ),
        intended_use=(
            "Teaching: how a small CNN, its training loop and its evaluation fit together. Classifies 32×32 "
            "photos into the ten CIFAR-10 classes. Not for any decision about people, property or safety."
        ),
        factors=(
            "Accuracy differs strongly by class (see the table): animals (cat, dog, bird) are confused with each "
            "other far more than vehicles. Any image that is not one of the ten classes is still forced into one."
        ),
        evaluation_data=(
            f"The CIFAR-10 test set (10,000 images, 1,000 per class), from `{metrics['data_form']}` "
            "(`cifar10_jpeg` is the same images as the official release, lightly JPEG-compressed)."
        ),
        training_data=(
            f"{metrics['n_train']} CIFAR-10 training images (Krizhevsky 2009): small, low-resolution photos "
            "collected from the web (80 Million Tiny Images) and labelled by students in 2008-2009."
        ),
        ethical_considerations=(
            "CIFAR-10 contains no people classes, but its source collection (80 Million Tiny Images) was withdrawn "
            "in 2020 for offensive labels and non-consensual images; this subset was re-labelled by hand. The "
            "photos reflect the web of the late 2000s (mostly North American and European vehicles and pets). "
            "Do not adapt this code for facial recognition or any identification of people without consent."
        ),
        caveats=(
            "Low resolution (32×32): a phone photo is shrunk to 32×32 before prediction, which loses detail. "
            "Probabilities are not calibrated (label smoothing makes them deliberately less confident). "
            "The epoch count is chosen from the measured step time, so a slower machine trains fewer epochs."
        ),
    )


def report(metrics: dict[str, Any]) -> str:
    """The README's results block: headline, per-class accuracy, transfer table, data form and device."""
    from week10_cnn_cifar.transfer import transfer_table

    met = metrics["test_accuracy"] >= 0.85 and metrics["train_time_s"] <= TRAIN_BUDGET_S
    gpu_note = (
        "No GPU run: no GPU was lent to this task, so only the CPU result is reported."
        if metrics["device"] == "cpu"
        else f"Trained on {metrics['device']}."
    )
    lines = [
        f"**Test accuracy: {metrics['test_accuracy']:.2%}** (flip TTA; {metrics['test_accuracy_no_tta']:.2%} without) "
        f"after {metrics['epochs']} epochs, **{metrics['train_time_s'] / 60:.1f} minutes** of training "
        f"({metrics['step_time_s']:.2f} s per batch of {metrics['batch_size']}), on `{metrics['data_form']}`. "
        f"Target ≥ 85% in ≤ 15 min: **{'met' if met else 'missed'}**. " + gpu_note,
        "",
        markdown_table([{"class": c, "accuracy": metrics[f"acc_{c}"]} for c in CLASSES]),
        "",
        "Transfer learning (pretrain on airplane…deer, fine-tune on dog…truck with "
        f"{metrics['transfer_labels_per_class']} labels per class; accuracy on the test images of those classes):",
        "",
        transfer_table(metrics),
    ]
    return "\n".join(lines)
