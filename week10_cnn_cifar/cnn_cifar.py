"""Week 10: a CIFAR-10 CNN in plain PyTorch, trained for a fixed 20 epochs on a 2-core CPU.

Read top-down: Config → data (a stratified validation split carved from the training images; uint8 tensors;
augmentation as batched tensor ops) → the model (`model.py`) → the training loop (`fit`, written out: forward,
loss, backward, step), which scores the validation split after every epoch → the one choice made on
validation (flip test-time augmentation or not) → the test set, scored once, with a 95% interval → figures.
Transfer learning from ImageNet weights is `transfer.py`; loading the saved model and predicting is
`inference.py`; the `predict` command is `cli.py`; the process-wide torch settings are `shared.threads`.

No torchvision: the lesson is that loading and augmenting images are a few lines of tensor code. The same code
uses a GPU when one is present (`shared.device.get_device()`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from sklearn.model_selection import train_test_split
from torch import nn

from shared.data.cifar10 import CLASSES, Cifar10, load_cifar10
from shared.device import get_device
from shared.plotting import save_figure, subplots
from shared.result import Result
from shared.stats import proportion_ci
from shared.targets import Target
from shared.threads import training_settings
from shared.torch_io import save_torch
from week10_cnn_cifar.model import WIDTHS, CifarNet

if TYPE_CHECKING:  # imported when used: TensorBoard is reporting, and `predict` should not wait for it
    from week10_cnn_cifar.tb_logging import TrainingLog

TARGETS = [
    Target("test_accuracy", ">=", 0.88, "issue 12: past the peers (a plain CNN reached 87.4% in 14.6 CPU minutes)"),
    Target("train_time_s", "<=", 900, "issue 12: at most 15 minutes of training"),
]
HEADLINE = ("test_accuracy",)
MODEL_FILE = "cnn_cifar.safetensors"


@dataclass(frozen=True, kw_only=True)
class Config:
    """Every knob of the full run. Fixed: no field is computed from a measured time."""

    n_val: int = 5_000  # validation images carved from the 50,000 training images (stratified, seeded)
    n_train_per_class: int | None = None  # training images per class kept after the split; None = all 4,500
    n_test: int | None = None  # test images scored once at the end; None = all 10,000
    widths: tuple[int, ...] = WIDTHS  # channels of the three stages of the network (model.py)
    epochs: int = 20  # passes over the training images, fixed for the 15-minute limit (README: how it was chosen)
    batch_size: int = 256  # images per SGD step
    max_lr: float = 0.1  # peak learning rate of the one-cycle schedule
    warmup: float = 0.25  # share of the steps over which the learning rate rises to its peak
    momentum: float = 0.9  # SGD (Nesterov) momentum
    weight_decay: float = 5e-4  # L2 penalty on the weights, applied by SGD at every step
    label_smoothing: float = 0.1  # share of each one-hot target spread evenly over the ten classes
    translate: int = 4  # augmentation: random shift of up to this many pixels (plus a random left-right flip)
    threads: int = 1  # CPU threads, fixed (shared.threads.training_settings says why)
    transfer: bool = True  # also run the ImageNet transfer-learning experiment (transfer.py)
    tensorboard: bool = True  # log the run to <out_dir>/tensorboard/ (tb_logging.py); changes nothing in training


# The fast mode (tests, notebook): seconds, still far above chance; the transfer experiment has its own test.
FAST = Config(n_val=500, n_train_per_class=200, n_test=1000, epochs=5, batch_size=128, transfer=False)


# ---------------------------------------------------------------- data: a validation split, uint8 in memory
@dataclass(frozen=True)
class Split:
    """Row indices into CIFAR-10's arrays: train and val come from its training images, test from its test set."""

    train: np.ndarray
    val: np.ndarray
    test: np.ndarray


def split_data(data: Cifar10, cfg: Config, seed: int) -> Split:
    """Carve a stratified validation split from the training images; optionally subsample (fast mode).

    Stratified: each class keeps its share (10%) in both parts. Seeded: the same seed gives the same split.
    The test set is never split or looked at here; fast mode only takes a seeded random subset of it.
    """
    train, val = train_test_split(
        np.arange(len(data.y_train)), test_size=cfg.n_val, stratify=data.y_train, random_state=seed
    )
    rng = np.random.default_rng(seed)
    if cfg.n_train_per_class is not None:
        train = np.concatenate(
            [rng.choice(train[data.y_train[train] == c], cfg.n_train_per_class, replace=False) for c in range(10)]
        )
    test = np.arange(len(data.y_test))
    if cfg.n_test is not None:
        test = rng.choice(test, cfg.n_test, replace=False)
    return Split(train=np.sort(train), val=np.sort(val), test=np.sort(test))


def to_tensor_u8(images: np.ndarray) -> torch.Tensor:
    """(N, H, W, 3) uint8 → (N, 3, H, W) uint8 view. Its memory is already NHWC, i.e. `channels_last`."""
    return torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2)


def channel_stats(x_u8: torch.Tensor) -> tuple[list[float], list[float]]:
    """Per-channel mean and std of the training images in [0, 1] (computed from them, not copied from a paper)."""
    x = x_u8.float().div_(255)
    return x.mean(dim=(0, 2, 3)).tolist(), x.std(dim=(0, 2, 3)).tolist()


def normalise(x_u8: torch.Tensor, mean: list[float], std: list[float]) -> torch.Tensor:
    """uint8 batch → float, zero mean and unit variance per channel, in channels_last layout."""
    m = torch.tensor(mean, device=x_u8.device).view(1, 3, 1, 1)
    s = torch.tensor(std, device=x_u8.device).view(1, 3, 1, 1)
    x = (x_u8.float() / 255 - m) / s
    return x.contiguous(memory_format=torch.channels_last)


# ---------------------------------------------------------------- augmentation as batched tensor ops
def random_crop(x: torch.Tensor, pad: int, gen: torch.Generator) -> torch.Tensor:
    """Shift every image by up to `pad` pixels (zero = mean colour after normalising): pad, then crop.

    Two `gather`s crop the whole batch at once, each image with its own row and column offsets.
    """
    n, c, h, w = x.shape
    padded = F.pad(x, (pad, pad, pad, pad))
    dy = torch.randint(0, 2 * pad + 1, (n, 1), generator=gen).to(x.device)
    dx = torch.randint(0, 2 * pad + 1, (n, 1), generator=gen).to(x.device)
    rows = (dy + torch.arange(h, device=x.device)).view(n, 1, h, 1).expand(n, c, h, w + 2 * pad)
    cols = (dx + torch.arange(w, device=x.device)).view(n, 1, 1, w).expand(n, c, h, w)
    return padded.gather(2, rows).gather(3, cols)


def random_flip(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Mirror a random half of the batch left-right (a mirrored car is still a car; an upside-down one is rare)."""
    flip = (torch.rand(x.shape[0], generator=gen) < 0.5).to(x.device).view(-1, 1, 1, 1)
    return torch.where(flip, x.flip(3), x)


def augment(x: torch.Tensor, translate: int, gen: torch.Generator) -> torch.Tensor:
    return random_flip(random_crop(x, translate, gen), gen).contiguous(memory_format=torch.channels_last)


# ---------------------------------------------------------------- the training loop, written out
def fit(
    model: nn.Module,
    x_u8: torch.Tensor,
    y: torch.Tensor,
    cfg: Config,
    *,
    stats: tuple[list[float], list[float]],
    gen: torch.Generator,
    evaluate: Callable[[nn.Module], dict[str, float]] | None = None,
    log: TrainingLog | None = None,
) -> pd.DataFrame:
    """Train for `cfg.epochs` with SGD + Nesterov momentum, a one-cycle learning rate and label smoothing.

    One-cycle warms the learning rate up, then anneals it to ~0 by the last step, which is what lets a short,
    fixed number of epochs reach a good accuracy; its length must be known up front. Label smoothing stops the
    network from pushing its logits to infinity on ten hard labels. `evaluate(model)` (the validation split,
    never the test set) is called after each epoch; its time is not counted as training. `log` (TensorBoard,
    optional) receives every step's loss and learning rate and every epoch's row.
    Returns one row per epoch: train loss, cumulative training seconds, and what `evaluate` returned.
    """
    device = next(model.parameters()).device
    steps_per_epoch = math.ceil(len(y) / cfg.batch_size)
    if cfg.warmup * cfg.epochs * steps_per_epoch <= 1:  # torch's OneCycleLR divides by zero at exactly 1
        raise ValueError(
            f"one-cycle needs more than 1 warm-up step; {len(y)} images in batches of {cfg.batch_size} for "
            f"{cfg.epochs} epoch(s) give {cfg.epochs * steps_per_epoch} steps, {cfg.warmup:.0%} of them warm-up: "
            "use more images or epochs, or a smaller batch"
        )
    optimiser = torch.optim.SGD(
        model.parameters(), lr=cfg.max_lr, momentum=cfg.momentum, nesterov=True, weight_decay=cfg.weight_decay
    )
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, max_lr=cfg.max_lr, epochs=cfg.epochs, steps_per_epoch=steps_per_epoch, pct_start=cfg.warmup
    )
    loss_fn = nn.CrossEntropyLoss(label_smoothing=cfg.label_smoothing)
    history, train_s = [], 0.0
    for epoch in range(1, cfg.epochs + 1):
        model.train()  # BatchNorm uses batch statistics (and updates its running ones)
        start, total_loss = time.perf_counter(), 0.0
        order = torch.randperm(len(y), generator=gen)  # a new shuffle every epoch
        for i in range(steps_per_epoch):
            idx = order[i * cfg.batch_size : (i + 1) * cfg.batch_size]
            xb = augment(normalise(x_u8[idx].to(device), *stats), cfg.translate, gen)
            yb = y[idx].to(device)
            loss = loss_fn(model(xb), yb)  # forward
            optimiser.zero_grad(set_to_none=True)
            loss.backward()  # backward: the gradient of the loss with respect to every weight
            optimiser.step()  # step: move every weight a little against its gradient
            if log is not None:  # TensorBoard: this batch's loss and the learning rate this step used
                log.step(loss.item(), optimiser.param_groups[0]["lr"])
            schedule.step()  # one-cycle changes the learning rate after every batch
            total_loss += loss.item() * len(idx)
        train_s += time.perf_counter() - start
        row = {"epoch": epoch, "train_loss": total_loss / len(y), "train_s": train_s}
        if evaluate is not None:
            row |= evaluate(model)
        if log is not None:
            log.epoch(row, model)
        history.append(row)
        print(
            f"epoch {epoch}/{cfg.epochs}: " + ", ".join(f"{k} {v:.4g}" for k, v in row.items() if k != "epoch"),
            flush=True,
        )
    return pd.DataFrame(history)


# ---------------------------------------------------------------- evaluation
@torch.no_grad()
def predict_proba(
    model: nn.Module, x_u8: torch.Tensor, stats: tuple[list[float], list[float]], *, tta: bool, batch_size: int = 500
) -> torch.Tensor:
    """Class probabilities (N, 10); with `tta`, averaged over each image and its mirror image."""
    model.eval()  # BatchNorm uses its running statistics: a prediction does not depend on the rest of the batch
    device = next(model.parameters()).device
    out = []
    for i in range(0, len(x_u8), batch_size):
        x = normalise(x_u8[i : i + batch_size].to(device), *stats)
        p = model(x).softmax(1)
        if tta:
            p = (p + model(x.flip(3).contiguous(memory_format=torch.channels_last)).softmax(1)) / 2
        out.append(p.cpu())
    return torch.cat(out)


def validation_scores(
    model: nn.Module, x_u8: torch.Tensor, y: torch.Tensor, stats: tuple[list[float], list[float]]
) -> dict[str, float]:
    """Validation loss (plain cross-entropy) and accuracy without test-time augmentation: the per-epoch monitor."""
    proba = predict_proba(model, x_u8, stats, tta=False)
    return {
        "val_loss": float(F.nll_loss(proba.clamp_min(1e-12).log(), y)),
        "val_accuracy": float((proba.argmax(1) == y).float().mean()),
    }


def choose_tta(model: nn.Module, x_u8: torch.Tensor, y: torch.Tensor, stats: tuple[list[float], list[float]]) -> dict:
    """The one decision taken after training, on validation: use flip test-time augmentation only if it helps."""
    acc = {
        tta: float((predict_proba(model, x_u8, stats, tta=tta).argmax(1) == y).float().mean()) for tta in (False, True)
    }
    return {"tta": acc[1] > acc[0], "val_accuracy_plain": acc[0], "val_accuracy_flip_tta": acc[1]}


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int = len(CLASSES)) -> np.ndarray:
    """Rows = true class, columns = predicted class (counts)."""
    return np.bincount(y_true * n_classes + y_pred, minlength=n_classes**2).reshape(n_classes, n_classes)


def accuracy_with_ci(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    """Accuracy and its 95% Wilson interval: the test set is a sample, and 10,000 images still leave ±0.6 points."""
    correct, n = int((y_true == y_pred).sum()), len(y_true)
    low, high = proportion_ci(correct, n)
    return {"test_accuracy": correct / n, "test_accuracy_ci_low": low, "test_accuracy_ci_high": high}


# ---------------------------------------------------------------- figures (returned, so a notebook shows them)
def plot_history(history: pd.DataFrame) -> Figure:
    fig, (loss_ax, acc_ax) = subplots(1, 2, figsize=(10, 4))
    loss_ax.plot(history["epoch"], history["train_loss"], marker=".", label="train (label-smoothed, augmented)")
    loss_ax.plot(history["epoch"], history["val_loss"], marker=".", label="validation")
    loss_ax.set(xlabel="epoch", ylabel="cross-entropy", title="Loss")
    loss_ax.legend()
    acc_ax.plot(history["epoch"], 100 * history["val_accuracy"], marker=".", color="#55A868")
    acc_ax.set(xlabel="epoch", ylabel="validation accuracy (%)", title="Validation accuracy (no TTA)")
    return fig


def plot_confusion(cm: np.ndarray) -> Figure:
    fig, ax = subplots(figsize=(7, 6))
    rates = cm / cm.sum(axis=1, keepdims=True)
    ax.imshow(rates, cmap="Blues", vmin=0, vmax=1)
    for (i, j), v in np.ndenumerate(rates):
        ax.text(j, i, f"{100 * v:.0f}", ha="center", va="center", fontsize=7, color="white" if v > 0.5 else "black")
    ax.set_xticks(range(len(CLASSES)), CLASSES, rotation=45, ha="right")
    ax.set_yticks(range(len(CLASSES)), CLASSES)
    ax.set(xlabel="predicted", ylabel="true", title="Test confusion matrix (% of each true class)")
    ax.grid(False)
    return fig


def plot_misclassified(images: np.ndarray, y_true: np.ndarray, proba: np.ndarray, n: int = 24) -> Figure:
    """The most confidently wrong test images: where to look for label noise and real confusions."""
    pred = proba.argmax(1)
    wrong = np.flatnonzero(pred != y_true)
    wrong = wrong[np.argsort(-proba[wrong, pred[wrong]], kind="stable")][:n]
    fig, axes = subplots(4, 6, figsize=(9, 6.5))
    for ax, i in zip(axes.flat, wrong, strict=False):  # fewer mistakes than panels is fine
        ax.imshow(images[i])
        ax.set_title(f"{CLASSES[pred[i]]} {proba[i, pred[i]]:.0%}\n(true: {CLASSES[y_true[i]]})", fontsize=7)
    for ax in axes.flat:
        ax.axis("off")
    fig.suptitle("Most confident mistakes: predicted (probability) / true")
    return fig


# ---------------------------------------------------------------- the run: the notebook's steps, in a script
def run(out_dir: Path, fast: bool = False, seed: int = 42) -> Result:
    """Split → train (validation every epoch) → choose TTA on validation → test once → save → figures → transfer."""
    cfg = FAST if fast else Config()
    with training_settings(cfg.threads):
        return _run(Path(out_dir), cfg, seed)


def _run(out_dir: Path, cfg: Config, seed: int) -> Result:
    device = get_device()
    data = load_cifar10()
    split = split_data(data, cfg, seed)
    x_train, y_train = to_tensor_u8(data.x_train[split.train]), torch.from_numpy(data.y_train[split.train])
    x_val, y_val = to_tensor_u8(data.x_train[split.val]), torch.from_numpy(data.y_train[split.val])
    stats = channel_stats(x_train)  # from the training part only

    torch.manual_seed(seed)
    model = CifarNet(widths=cfg.widths).to(device, memory_format=torch.channels_last)
    log = None
    if cfg.tensorboard:  # reporting only (tb_logging.py): the same 16 validation images every epoch
        from week10_cnn_cifar.tb_logging import TrainingLog

        log = TrainingLog(out_dir / "tensorboard", model=model, images=data.x_train[split.val[:16]],
                          labels=data.y_train[split.val[:16]], classes=list(CLASSES),
                          predict=lambda m: predict_proba(m, x_val[:16], stats, tta=False))  # fmt: skip
    history = fit(
        model, x_train, y_train, cfg,
        stats=stats, gen=torch.Generator().manual_seed(seed),
        evaluate=lambda m: validation_scores(m, x_val, y_val, stats), log=log,
    )  # fmt: skip
    if log is not None:
        log.close()
    choice = choose_tta(model, x_val, y_val, stats)

    # --- the test set, touched once, with the setting chosen on validation
    y_test = data.y_test[split.test]
    proba = predict_proba(model, to_tensor_u8(data.x_test[split.test]), stats, tta=choice["tta"]).numpy()
    pred = proba.argmax(1)
    cm = confusion_matrix(y_test, pred)
    n_per_class = cm.sum(axis=1)
    per_class = pd.DataFrame({"class_name": CLASSES, "test_accuracy": cm.diagonal() / n_per_class, "n": n_per_class})

    model_config = {"widths": list(cfg.widths), "classes": list(CLASSES), "mean": stats[0], "std": stats[1],
                    "tta": choice["tta"]}  # fmt: skip
    metrics = {
        **accuracy_with_ci(y_test, pred),
        "val_accuracy": max(choice["val_accuracy_plain"], choice["val_accuracy_flip_tta"]),
        **choice,
        "epochs": cfg.epochs,
        "batch_size": cfg.batch_size,
        "n_train": len(split.train),
        "n_val": len(split.val),
        "n_test": len(split.test),
        "n_parameters": sum(p.numel() for p in model.parameters()),
        "train_time_s": float(history["train_s"].iloc[-1]),
        "epoch_time_s": float(history["train_s"].iloc[-1]) / cfg.epochs,
        "tensorboard_s": log.seconds if log is not None else 0.0,  # every logging call (per-step ones: in train_s)
        "threads": cfg.threads,
        "device": device.type,
        "data_form": data.form,
    }
    save_torch(model.cpu(), out_dir / MODEL_FILE, config=model_config, seed=seed, datasets=[data.form],
               training=asdict(cfg), metrics=metrics)  # fmt: skip
    figures = [
        save_figure(plot_history(history), out_dir, "training_curves"),
        save_figure(plot_confusion(cm), out_dir, "confusion_matrix"),
        save_figure(plot_misclassified(data.x_test[split.test], y_test, proba), out_dir, "misclassified"),
    ]
    tables = {"history": history, "per_class": per_class}
    if cfg.transfer:
        from week10_cnn_cifar.transfer import TransferConfig, run_transfer

        transfer = run_transfer(data, split, TransferConfig(), seed=seed)
        metrics |= transfer.metrics
        tables |= transfer.tables
        figures += [save_figure(fig, out_dir, name) for name, fig in transfer.figures.items()]
    return Result(metrics=metrics, tables=tables, figures=figures)
