"""Transfer learning without internet: pretrain on five CIFAR-10 classes, fine-tune on the other five.

The question a learner should be able to answer: with only ~100 labelled images per class, is a network
that has already learned edges, textures and shapes on *other* classes a better starting point than
random weights? Both runs below get the same few labels, the same steps and the same schedule; only the
starting weights differ. (With internet and torchvision, an ImageNet backbone is the usual starting
point; this course keeps the default offline and torchvision-free.)
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from shared.data.cifar10 import CLASSES, Cifar10
from shared.device import get_device
from shared.plotting import save_figure, subplots
from shared.results import markdown_table
from week10_cnn_cifar.cnn_cifar import channel_stats, class_subset, fit, predict_proba, to_tensor_u8
from week10_cnn_cifar.model import CifarNet

SOURCE = [0, 1, 2, 3, 4]  # airplane, automobile, bird, cat, deer: pretraining classes
TARGET = [5, 6, 7, 8, 9]  # dog, frog, horse, ship, truck: few-label classes
PRETRAIN_BUDGET_S = 90  # planned pretraining time in full mode
LABELS_PER_CLASS = 100


def run_transfer(data: Cifar10, out_dir: Path, *, fast: bool, seed: int, step_s: float) -> dict[str, Any]:
    """Pretrain on SOURCE, then train on few TARGET labels from scratch and from the pretrained weights."""
    device = get_device()
    rng = np.random.default_rng(seed + 1)
    gen = torch.Generator().manual_seed(seed + 1)
    batch = 128 if fast else 256

    # --- pretraining on the five source classes (all their images in full mode)
    src = class_subset(data.y_train, 150 if fast else None, SOURCE, rng)
    x_src, y_src = to_tensor_u8(data.x_train[src]), torch.from_numpy(data.y_train[src])  # labels 0..4
    stats = channel_stats(x_src)
    pre_epochs = 2 if fast else max(1, int(PRETRAIN_BUDGET_S // (step_s * math.ceil(len(src) / batch))))
    torch.manual_seed(seed + 1)
    pretrained = CifarNet(n_classes=len(SOURCE)).to(device, memory_format=torch.channels_last)
    fit(
        pretrained,
        x_src,
        y_src.to(device),
        epochs=pre_epochs,
        batch_size=batch,
        max_lr=0.1,
        stats=stats,
        gen=gen,
        desc="pretrain",
    )

    # --- the same few labels of the target classes for both runs
    per_class = 20 if fast else LABELS_PER_CLASS
    few = class_subset(data.y_train, per_class, TARGET, rng)
    x_few, y_few = to_tensor_u8(data.x_train[few]), torch.from_numpy(data.y_train[few] - TARGET[0])
    test = np.flatnonzero(np.isin(data.y_test, TARGET))  # all 5,000 test images of the target classes
    if fast:
        test = np.sort(rng.choice(test, 500, replace=False))
    x_test, y_test = to_tensor_u8(data.x_test[test]).to(device), data.y_test[test] - TARGET[0]
    curve = slice(0, None, 5)  # every 5th test image for the per-epoch curve; the final number uses all
    epochs = 8 if fast else 30

    def accuracy(m: nn.Module, part: slice = slice(None)) -> float:
        return float((predict_proba(m, x_test[part], stats, tta=False).argmax(1).numpy() == y_test[part]).mean())

    curves, final = {}, {}
    for name in ("scratch", "pretrained"):
        torch.manual_seed(seed + 2)  # same new head for both runs
        model = CifarNet(n_classes=len(TARGET)).to(device, memory_format=torch.channels_last)
        if name == "pretrained":
            model.features.load_state_dict(pretrained.features.state_dict())  # keep features, new 5-way head
        curves[name] = fit(
            model, x_few, y_few.to(device), epochs=epochs, batch_size=50, max_lr=0.05, stats=stats,
            gen=torch.Generator().manual_seed(seed + 3), evaluate=lambda m: accuracy(m, curve), desc=name,
        )  # fmt: skip
        final[name] = accuracy(model)
    _plot(curves, per_class, out_dir)
    return {
        "transfer_labels_per_class": per_class,
        "transfer_pretrain_epochs": pre_epochs,
        "transfer_scratch_acc": final["scratch"],
        "transfer_pretrained_acc": final["pretrained"],
    }


def _plot(curves: dict[str, list[dict[str, float]]], per_class: int, out_dir: Path) -> Path:
    fig, ax = subplots()
    for name, history in curves.items():
        label = "from scratch" if name == "scratch" else "pretrained on the other 5 classes"
        ax.plot([h["epoch"] for h in history], [100 * h["test_accuracy"] for h in history], marker=".", label=label)
    ax.axhline(20, color="grey", ls=":", lw=1, label="chance (5 classes)")
    ax.set(
        xlabel="epoch over the few labelled images",
        ylabel="test accuracy (%)",
        title=f"Few-label training on {', '.join(CLASSES[c] for c in TARGET)} ({per_class} labels/class)",
    )
    ax.legend()
    return save_figure(fig, out_dir, "transfer")


def transfer_table(metrics: dict[str, Any]) -> str:
    return markdown_table(
        [
            {"start from": "random weights (scratch)", "test accuracy": metrics["transfer_scratch_acc"]},
            {
                "start from": f"pretrained on 5 other classes ({metrics['transfer_pretrain_epochs']} epochs)",
                "test accuracy": metrics["transfer_pretrained_acc"],
            },
        ]
    )
