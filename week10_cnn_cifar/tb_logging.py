"""Extra code (reporting): log week 10's training run to TensorBoard. Not the lesson: delete it and the CNN
trains the same.

`fit` calls `step` after every SGD step and `epoch` after every validation pass; `_run` builds the log and closes
it. What lands in `<out_dir>/tensorboard/` (`tensorboard --logdir outputs/week10_cnn_cifar/tensorboard` shows it):

    train/loss, train/learning_rate   every step (the loss of that batch; the rate the step used)
    train/epoch_loss                   every epoch (the mean the history table reports)
    val/loss, val/accuracy             every epoch (the same numbers as the history table)
    val/predictions                    every epoch: a fixed set of validation images, predicted / true label
    the graph                          the network, traced once (the GRAPHS tab)

Logging must not change training: it draws no random numbers, traces the graph on a copy of the network in eval
mode (tracing the training copy would run a forward pass that updates BatchNorm's running statistics), and
predicts the fixed images in eval mode without gradients, between epochs. A test checks that a run with and
without this log gives identical metrics.

Every method is timed, writer calls and the figure included, and `seconds` adds them up: the run reports it as
`tensorboard_s`, so "logging costs nothing" is a measurement, not a claim.
"""

from __future__ import annotations

import copy
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn
from torch.utils.tensorboard import SummaryWriter

from shared.plotting import subplots


class TrainingLog:
    """A `SummaryWriter` with the few calls the training loop makes, each one timed."""

    def __init__(
        self,
        log_dir: Path,
        *,
        model: nn.Module,
        images: np.ndarray,
        labels: np.ndarray,
        classes: list[str],
        predict: Callable[[nn.Module], torch.Tensor],
    ) -> None:
        """`images` (N, 32, 32, 3) uint8 and `labels` are the fixed validation images shown every epoch;
        `predict(model)` returns their class probabilities (N, 10)."""
        self.seconds = 0.0  # wall time spent in this object's methods
        self.images, self.labels, self.classes, self.predict = images, labels, classes, predict
        self.global_step = 0
        with self._timed():
            self.writer = SummaryWriter(log_dir=str(log_dir))
            self._add_graph(model)

    @contextmanager
    def _timed(self) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds += time.perf_counter() - start

    def _add_graph(self, model: nn.Module) -> None:
        graph_copy = copy.deepcopy(model).eval()
        param = next(model.parameters())
        example = torch.zeros(1, 3, 32, 32, device=param.device).contiguous(memory_format=torch.channels_last)
        with warnings.catch_warnings():  # add_graph traces with torch.jit.trace, which torch now flags as deprecated
            warnings.simplefilter("ignore", DeprecationWarning)
            self.writer.add_graph(graph_copy, example)

    def step(self, loss: float, lr: float) -> None:
        """After one SGD step: that batch's (label-smoothed) loss and the learning rate the step used."""
        with self._timed():
            self.global_step += 1
            self.writer.add_scalar("train/loss", loss, self.global_step)
            self.writer.add_scalar("train/learning_rate", lr, self.global_step)

    def epoch(self, row: dict, model: nn.Module) -> None:
        """After an epoch's validation pass: its history row as scalars, and the fixed images with predictions."""
        with self._timed():
            epoch = row["epoch"]
            self.writer.add_scalar("train/epoch_loss", row["train_loss"], epoch)
            for name in ("val_loss", "val_accuracy"):
                if name in row:
                    self.writer.add_scalar(name.replace("_", "/", 1), row[name], epoch)
            with torch.no_grad():
                proba = self.predict(model).cpu().numpy()
            self.writer.add_figure("val/predictions", self.prediction_grid(proba, epoch), epoch)  # closes it
            self.writer.flush()  # waits for the writer thread: its disk time is counted here too

    def prediction_grid(self, proba: np.ndarray, epoch: int) -> Figure:
        """The fixed images in a grid, each titled "predicted (probability) / true", wrong ones in red."""
        cols = 8
        rows = -(-len(self.images) // cols)
        fig, axes = subplots(rows, cols, figsize=(1.3 * cols, 1.5 * rows), squeeze=False)
        pred = proba.argmax(1)
        for ax, image, p, true, probs in zip(axes.flat, self.images, pred, self.labels, proba, strict=False):
            ax.imshow(image)
            ax.set_title(f"{self.classes[p]} {probs[p]:.0%}\n/ {self.classes[true]}", fontsize=7,
                         color="black" if p == true else "#C44E52")  # fmt: skip
        for ax in axes.flat:
            ax.axis("off")
        fig.suptitle(f"Fixed validation images after epoch {epoch}: predicted (probability) / true", fontsize=8)
        return fig

    def close(self) -> None:
        with self._timed():
            self.writer.close()
