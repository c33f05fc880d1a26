"""Week 10: augmentation and loop units, one shared fast run (artefacts, accuracy band, safetensors), predict CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from shared.results import REPO_ROOT
from shared.threads import torch_threads
from week10_cnn_cifar import cnn_cifar
from week10_cnn_cifar.model import CifarNet, load_model
from week10_cnn_cifar.predict import load_image

STATS = ([0.5, 0.5, 0.5], [0.25, 0.25, 0.25])


# ---------------------------------------------------------------- units
def test_random_crop_shifts_each_image_and_pads_with_zeros():
    x = torch.arange(2 * 3 * 8 * 8, dtype=torch.float32).view(2, 3, 8, 8) + 1
    out = cnn_cifar.random_crop(x, 2, torch.Generator().manual_seed(0))
    assert out.shape == x.shape
    for i in range(2):  # every output is the input shifted by (dy, dx) in [-2, 2], zero-filled
        shifts = [
            (dy, dx)
            for dy in range(-2, 3)
            for dx in range(-2, 3)
            if torch.equal(out[i], torch.nn.functional.pad(x[i], (2, 2, 2, 2))[:, 2 + dy : 10 + dy, 2 + dx : 10 + dx])
        ]
        assert len(shifts) == 1


def test_random_crop_with_no_padding_is_the_identity():
    x = torch.randn(4, 3, 8, 8)
    assert torch.equal(cnn_cifar.random_crop(x, 0, torch.Generator().manual_seed(0)), x)


def test_random_flip_mirrors_some_images_and_leaves_the_rest():
    x = torch.randn(64, 3, 8, 8)
    out = cnn_cifar.random_flip(x, torch.Generator().manual_seed(0))
    flipped = [torch.equal(o, xi.flip(2)) for o, xi in zip(out, x, strict=True)]
    kept = [torch.equal(o, xi) for o, xi in zip(out, x, strict=True)]
    assert all(f or k for f, k in zip(flipped, kept, strict=True)) and 10 < sum(flipped) < 54


def test_uint8_images_become_channels_last_tensors():
    x = cnn_cifar.to_tensor_u8(np.zeros((5, 32, 32, 3), dtype=np.uint8))
    assert x.shape == (5, 3, 32, 32) and x.is_contiguous(memory_format=torch.channels_last)


def test_epoch_budget_fits_the_time_limit():
    assert cnn_cifar.choose_epochs(0.2, 196, budget_s=765) == 19  # 19 × 196 × 0.2 s = 745 s ≤ 765 s
    assert cnn_cifar.choose_epochs(10.0, 196, budget_s=765) == 1  # never zero epochs


def test_confusion_matrix_counts_true_rows_and_predicted_columns():
    cm = cnn_cifar.confusion_matrix(np.array([0, 0, 1, 2]), np.array([0, 1, 1, 1]), 3)
    assert cm.tolist() == [[1, 1, 0], [0, 1, 0], [0, 1, 0]]


def test_the_training_loop_is_reproducible_and_lowers_the_loss():
    x = torch.randint(0, 256, (64, 3, 32, 32), dtype=torch.uint8)
    y = torch.arange(64) % 10

    def train_once() -> tuple[list[dict], dict]:
        torch.manual_seed(0)
        model = CifarNet()
        history = cnn_cifar.fit(
            model, x, y, epochs=3, batch_size=32, max_lr=0.05, stats=STATS, gen=torch.Generator().manual_seed(1)
        )
        return history, model.state_dict()

    with torch_threads(1):  # as the run does; two threads on a busy 2-core machine are many times slower
        (h1, w1), (h2, w2) = train_once(), train_once()
    assert [h["train_loss"] for h in h1] == [h["train_loss"] for h in h2]
    assert all(torch.equal(w1[k], w2[k]) for k in w1)
    assert h1[-1]["train_loss"] < h1[0]["train_loss"]


# ---------------------------------------------------------------- one fast run shared by the tests below
@pytest.fixture(scope="module")
def fast_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("week10")
    return out, cnn_cifar.run(out, fast=True, seed=42)


def test_fast_run_writes_every_artefact(fast_run):
    out, metrics = fast_run
    for name in ("accuracy_vs_time.png", "confusion_matrix.png", "misclassified.png", "transfer.png", "MODEL_CARD.md"):
        assert (out / name).is_file(), name
    assert (out / cnn_cifar.WEIGHTS_NAME).is_file()
    assert metrics["data_form"] in ("cifar10_python", "cifar10_jpeg")
    assert all(np.isfinite(v) for v in metrics.values() if isinstance(v, float))


def test_fast_run_clearly_beats_chance(fast_run):
    _, metrics = fast_run
    assert metrics["test_accuracy"] >= 0.40  # chance is 0.10; 2,000 images × 5 epochs reach ~0.49
    assert metrics["transfer_pretrained_acc"] > metrics["transfer_scratch_acc"]  # pretraining helps with 20 labels


def test_saved_safetensors_weights_load_back_into_a_working_model(fast_run):
    out, metrics = fast_run
    model, config = load_model(out / cnn_cifar.WEIGHTS_NAME)
    assert config["classes"][0] == "airplane" and len(config["mean"]) == 3
    from shared.data.cifar10 import load_cifar10

    data = load_cifar10(verbose=False)
    x = cnn_cifar.to_tensor_u8(data.x_test[:500])
    proba = cnn_cifar.predict_proba(model, x, (config["mean"], config["std"]))
    assert (proba.argmax(1).numpy() == data.y_test[:500]).mean() >= 0.35  # random weights would give ~0.10


def _predict(*args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "week10_cnn_cifar", "predict", *args]
    return subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)


def test_predict_cli_prints_top3_for_an_image_of_any_size(fast_run, tmp_path):
    out, _ = fast_run
    image = tmp_path / "photo.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (48, 64, 3), dtype=np.uint8)).save(image)
    result = _predict(str(image), "--weights", str(out / cnn_cifar.WEIGHTS_NAME))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3 and all(line.strip().endswith("%") for line in lines)


def test_predict_cli_rejects_a_corrupt_image_without_a_traceback(fast_run, tmp_path):
    out, _ = fast_run
    bad = tmp_path / "not_an_image.jpg"
    bad.write_text("hello")
    result = _predict(str(bad), "--weights", str(out / cnn_cifar.WEIGHTS_NAME))
    assert result.returncode == 2
    assert "not a readable image" in result.stderr and "Traceback" not in result.stderr


def test_missing_weights_and_missing_files_are_clear_errors(tmp_path):
    from shared.errors import RoadmapError

    with pytest.raises(RoadmapError, match="roadmap run week10"):
        load_model(tmp_path / "nothing.safetensors")
    with pytest.raises(RoadmapError, match="no such image file"):
        load_image(tmp_path / "missing.png")
    (tmp_path / "fake.safetensors").write_bytes(b"\x00" * 16)
    with pytest.raises(RoadmapError, match="not a readable safetensors file"):
        load_model(tmp_path / "fake.safetensors")


def test_load_image_resizes_any_mode_to_32x32_rgb(tmp_path):
    path = tmp_path / "grey.png"
    Image.new("L", (100, 40), 128).save(path)
    assert load_image(Path(path)).shape == (32, 32, 3)
