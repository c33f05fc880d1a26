"""Week 10: units (augmentation, split, loop, interval), one fast run through the runner (artefacts, validation
history, accuracy, reproducibility), the saved model (held-out accuracy, batch and mirror invariance), the CLI,
and the run's TensorBoard log (read back with TensorBoard's own reader; a dashboard screenshot)."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pandas as pd
import pytest
import torch
from PIL import Image

from shared.data.cifar10 import CLASSES, Cifar10, load_cifar10
from shared.errors import DataError, RoadmapError
from shared.model_card import missing_sections
from shared.runner import run_week
from shared.testing import assert_user_error, run_cli
from shared.threads import torch_threads, training_settings
from shared.weeks import find_week
from week10_cnn_cifar import cnn_cifar
from week10_cnn_cifar.inference import check_images, load_image, load_model, predict
from week10_cnn_cifar.model import CifarNet

STATS = ([0.5, 0.5, 0.5], [0.25, 0.25, 0.25])


# ---------------------------------------------------------------- units
def test_random_crop_shifts_each_image_and_pads_with_zeros():
    x = torch.arange(2 * 3 * 8 * 8, dtype=torch.float32).view(2, 3, 8, 8) + 1
    out = cnn_cifar.random_crop(x, 2, torch.Generator().manual_seed(0))
    assert out.shape == x.shape
    for i in range(2):  # every output is the input shifted by exactly one (dy, dx) in [-2, 2], zero-filled
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


def _tiny_cifar(n_per_class: int = 60) -> Cifar10:
    y = np.repeat(np.arange(10), n_per_class)
    x = np.zeros((len(y), 32, 32, 3), dtype=np.uint8)
    return Cifar10(x_train=x, y_train=y, x_test=x[:200], y_test=y[:200], form="synthetic")


def test_validation_split_is_stratified_disjoint_and_seeded():
    data = _tiny_cifar()
    cfg = cnn_cifar.Config(n_val=100)
    split = cnn_cifar.split_data(data, cfg, seed=1)
    assert len(split.val) == 100 and len(split.train) == 500 and not set(split.train) & set(split.val)
    assert np.bincount(data.y_train[split.val]).tolist() == [10] * 10  # every class keeps its share
    assert np.array_equal(split.val, cnn_cifar.split_data(data, cfg, seed=1).val)
    assert not np.array_equal(split.val, cnn_cifar.split_data(data, cfg, seed=2).val)
    assert np.array_equal(split.test, np.arange(200))  # the full run never subsamples or splits the test set


def test_fast_mode_subsamples_train_per_class_from_the_training_part_only():
    data = _tiny_cifar()
    split = cnn_cifar.split_data(data, cnn_cifar.Config(n_val=100, n_train_per_class=20, n_test=50), seed=0)
    assert np.bincount(data.y_train[split.train]).tolist() == [20] * 10
    assert not set(split.train) & set(split.val) and len(split.test) == 50


def test_confusion_matrix_counts_true_rows_and_predicted_columns():
    cm = cnn_cifar.confusion_matrix(np.array([0, 0, 1, 2]), np.array([0, 1, 1, 1]), 3)
    assert cm.tolist() == [[1, 1, 0], [0, 1, 0], [0, 1, 0]]


def test_accuracy_interval_is_the_wilson_interval():
    y = np.zeros(100, dtype=int)
    result = cnn_cifar.accuracy_with_ci(y, np.r_[np.zeros(80, dtype=int), np.ones(20, dtype=int)])
    assert result["test_accuracy"] == 0.8
    assert result["test_accuracy_ci_low"] == pytest.approx(0.7111, abs=1e-4)
    assert result["test_accuracy_ci_high"] == pytest.approx(0.8666, abs=1e-4)


def test_the_training_loop_is_reproducible_and_lowers_the_loss():
    y = torch.arange(64) % 10  # a learnable toy task: the class sets the brightness, plus noise
    noise = torch.randint(0, 20, (64, 3, 32, 32), generator=torch.Generator().manual_seed(0))
    x = ((y * 25).view(-1, 1, 1, 1) + noise).to(torch.uint8)
    cfg = cnn_cifar.Config(epochs=4, batch_size=32, max_lr=0.02)

    def train_once():
        torch.manual_seed(0)
        model = CifarNet()
        history = cnn_cifar.fit(model, x, y, cfg, stats=STATS, gen=torch.Generator().manual_seed(1))
        return history, model.state_dict()

    with torch_threads(1):
        (h1, w1), (h2, w2) = train_once(), train_once()
    assert h1["train_loss"].tolist() == h2["train_loss"].tolist()
    assert all(torch.equal(w1[k], w2[k]) for k in w1)
    assert h1["train_loss"].iloc[-1] < h1["train_loss"].iloc[0]


@pytest.mark.parametrize(("n", "epochs"), [(64, 1), (64, 2)])  # 2 and 4 steps (4: torch divides by zero)
def test_a_schedule_too_short_for_one_cycle_is_a_clear_error(n, epochs):
    x, y = torch.zeros((n, 3, 32, 32), dtype=torch.uint8), torch.arange(n) % 10
    cfg = cnn_cifar.Config(epochs=epochs, batch_size=32)
    with pytest.raises(ValueError, match="more than 1 warm-up step.*smaller batch"):
        cnn_cifar.fit(CifarNet(), x, y, cfg, stats=STATS, gen=torch.Generator().manual_seed(0))


def test_training_settings_restore_the_global_torch_flags_even_after_an_error():
    fill, threads = torch.utils.deterministic.fill_uninitialized_memory, torch.get_num_threads()
    with pytest.raises(RuntimeError), training_settings(1):
        assert torch.utils.deterministic.fill_uninitialized_memory is False and torch.get_num_threads() == 1
        raise RuntimeError("boom")
    assert torch.utils.deterministic.fill_uninitialized_memory == fill and torch.get_num_threads() == threads


def test_tta_is_chosen_only_when_it_helps_on_validation():
    class LeftHalf(torch.nn.Module):  # predicts class 1 when the left half is brighter, else class 0
        def __init__(self):
            super().__init__()
            self.dummy = torch.nn.Parameter(torch.zeros(1))

        def forward(self, x):
            left, right = x[..., :16].mean(dim=(1, 2, 3)), x[..., 16:].mean(dim=(1, 2, 3))
            return torch.stack([right - left, left - right], 1) * 10 + self.dummy

    x = torch.zeros(20, 3, 32, 32, dtype=torch.uint8)
    x[:10, :, :, :16] = 200  # bright left half: class 1
    x[10:, :, :, 16:] = 200  # bright right half: class 0
    y = torch.tensor([1] * 10 + [0] * 10)
    choice = cnn_cifar.choose_tta(LeftHalf(), x, y, STATS)  # mirroring swaps the halves: averaging destroys the cue
    assert choice["val_accuracy_plain"] == 1.0 and choice["val_accuracy_flip_tta"] < 1.0 and choice["tta"] is False


# ---------------------------------------------------------------- one fast run through the runner
@pytest.fixture(scope="module")
def fast_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("week10")
    summary = run_week(find_week("week10"), fast=True, seed=42, out_dir=out)
    return out, summary["metrics"]


@pytest.fixture(scope="module")
def data():
    return load_cifar10(verbose=False)


def test_fast_run_writes_figures_tables_model_and_card(fast_run):
    out, metrics = fast_run
    for name in ("training_curves.png", "confusion_matrix.png", "misclassified.png", cnn_cifar.MODEL_FILE):
        assert (out / name).is_file(), name
    assert missing_sections((out / "MODEL_CARD.md").read_text()) == []
    record = json.loads((out / "metrics.json").read_text())
    assert record["headline"] == ["test_accuracy"] and record["tables"] == ["history", "per_class"]
    sidecar = json.loads((out / "cnn_cifar.json").read_text())
    assert sidecar["seed"] == 42 and sidecar["versions"]["torch"] and sidecar["data_sha256"][metrics["data_form"]]
    assert sidecar["config"]["classes"] == list(CLASSES) and sidecar["training"]["epochs"] == cnn_cifar.FAST.epochs


def test_validation_is_scored_every_epoch_and_improves(fast_run):
    out, _ = fast_run
    history = json.loads((out / "metrics.json").read_text())  # the run record names its tables
    assert "history" in history["tables"]
    import pandas as pd

    table = pd.read_csv(out / "tables" / "history.csv")
    assert table["epoch"].tolist() == list(range(1, cnn_cifar.FAST.epochs + 1))
    assert table["val_accuracy"].iloc[-1] > table["val_accuracy"].iloc[0] + 0.1
    assert table["train_loss"].iloc[-1] < table["train_loss"].iloc[0]


def test_fast_run_is_far_above_chance_with_an_interval(fast_run):
    _, metrics = fast_run
    assert metrics["n_test"] == 1000 and metrics["n_val"] == 500 and metrics["n_train"] == 2000
    assert metrics["test_accuracy"] >= 0.30  # chance is 0.10; 2,000 images × 5 epochs reach ~0.40
    assert metrics["test_accuracy_ci_low"] < metrics["test_accuracy"] < metrics["test_accuracy_ci_high"]
    assert metrics["test_accuracy_ci_high"] - metrics["test_accuracy_ci_low"] < 0.065  # n = 1,000


def test_same_seed_same_metrics_with_tensorboard_on_or_off(fast_run, tmp_path, monkeypatch):
    _, first = fast_run  # logged to TensorBoard (FAST.tensorboard is on); the second run is not
    assert cnn_cifar.FAST.tensorboard and first["tensorboard_s"] > 0
    monkeypatch.setattr(cnn_cifar, "FAST", dataclasses.replace(cnn_cifar.FAST, tensorboard=False))
    second = run_week(find_week("week10"), fast=True, seed=42, out_dir=tmp_path)["metrics"]
    assert not (tmp_path / "tensorboard").exists() and second["tensorboard_s"] == 0
    assert {k: v for k, v in first.items() if not k.endswith("_s")} == {
        k: v for k, v in second.items() if not k.endswith("_s")
    }


# ---------------------------------------------------------------- the saved model, through inference.py
def test_predictions_on_the_held_out_test_images_reproduce_the_reported_accuracy(fast_run, data):
    out, metrics = fast_run
    model = load_model(out / cnn_cifar.MODEL_FILE)
    split = cnn_cifar.split_data(data, cnn_cifar.FAST, seed=42)
    proba = predict(model, data.x_test[split.test])
    assert proba.shape == (1000, 10) and np.allclose(proba.sum(1), 1, atol=1e-5)
    assert (proba.argmax(1) == data.y_test[split.test]).mean() == metrics["test_accuracy"]


def test_a_prediction_does_not_depend_on_the_rest_of_the_batch(fast_run, data):
    out, _ = fast_run
    model = load_model(out / cnn_cifar.MODEL_FILE)
    images = data.x_test[:16]
    together = predict(model, images)
    alone = np.concatenate([predict(model, images[i : i + 1]) for i in range(16)])
    np.testing.assert_allclose(together, alone, atol=1e-5)


def test_flip_tta_makes_a_prediction_mirror_invariant(fast_run, data):
    out, _ = fast_run
    model = load_model(out / cnn_cifar.MODEL_FILE)
    config = model.metadata["config"]
    x = cnn_cifar.to_tensor_u8(data.x_test[:32])
    stats = (config["mean"], config["std"])
    with_tta = [cnn_cifar.predict_proba(model.net, v, stats, tta=True) for v in (x, x.flip(3))]
    torch.testing.assert_close(with_tta[0], with_tta[1], atol=1e-6, rtol=0)
    without = [cnn_cifar.predict_proba(model.net, v, stats, tta=False) for v in (x, x.flip(3))]
    assert not torch.allclose(without[0], without[1], atol=1e-3)  # the network alone is not mirror-symmetric


def test_predict_rejects_wrong_shapes_and_types(fast_run):
    out, _ = fast_run
    model = load_model(out / cnn_cifar.MODEL_FILE)
    with pytest.raises(DataError, match="one image"):
        predict(model, np.zeros((32, 32, 3), dtype=np.uint8))
    with pytest.raises(DataError, match=r"\(N, 32, 32, 3\)"):
        predict(model, np.zeros((2, 64, 64, 3), dtype=np.uint8))
    with pytest.raises(DataError, match="uint8"):
        check_images(np.zeros((2, 32, 32, 3), dtype=np.float32))


# ---------------------------------------------------------------- the CLI (scaffolding)
def test_predict_cli_prints_the_top3_for_images_of_any_size(fast_run, tmp_path):
    out, _ = fast_run
    image = tmp_path / "photo.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (48, 64, 3), dtype=np.uint8)).save(image)
    result = run_cli("week10_cnn_cifar", "predict", str(image), "--model", str(out / cnn_cifar.MODEL_FILE))
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip()
    assert line.startswith(str(image)) and line.count("%") == 3


def test_predict_cli_errors_are_one_message_and_exit_2(fast_run, tmp_path):
    out, _ = fast_run
    bad = tmp_path / "not_an_image.jpg"
    bad.write_text("hello")
    model = str(out / cnn_cifar.MODEL_FILE)
    assert_user_error(run_cli("week10_cnn_cifar", "predict", str(bad), "--model", model), "not a readable image")
    assert_user_error(run_cli("week10_cnn_cifar", "predict", str(tmp_path / "nope.png"), "--model", model),
                      "no such image file")  # fmt: skip
    assert_user_error(run_cli("week10_cnn_cifar", "predict", str(bad), "--model", str(tmp_path / "x.safetensors")),
                      "no model weights")  # fmt: skip


def test_a_damaged_model_file_is_a_clear_error(fast_run, tmp_path):
    out, _ = fast_run
    fake = tmp_path / "cnn_cifar.safetensors"
    fake.write_bytes(b"\x00" * 16)
    (tmp_path / "cnn_cifar.json").write_text((out / "cnn_cifar.json").read_text())
    with pytest.raises(RoadmapError, match="not a readable safetensors file"):
        load_model(fake)


def test_load_image_resizes_any_mode_to_32x32_rgb(tmp_path):
    path = tmp_path / "grey.png"
    Image.new("L", (100, 40), 128).save(path)
    assert load_image(path).shape == (32, 32, 3)


# ---------------------------------------------------------------- templates (a full run renders them only at its end)
def test_the_results_and_model_card_templates_render_a_full_run_with_transfer():
    import pandas as pd

    from shared.templates import render
    from week10_cnn_cifar import transfer

    folder = cnn_cifar.Path(cnn_cifar.__file__).parent / "templates"
    m = {"test_accuracy": 0.9, "test_accuracy_ci_low": 0.894, "test_accuracy_ci_high": 0.906, "n_test": 10000,
         "n_train": 45000, "n_val": 5000, "epochs": 20, "batch_size": 256, "train_time_s": 700.0,
         "epoch_time_s": 25.0, "threads": 1,
         "data_form": "cifar10_jpeg", "tta": True, "val_accuracy_plain": 0.89, "val_accuracy_flip_tta": 0.9,
         "n_parameters": 491754, "device": "cpu", "transfer_labels_per_class": 100, "transfer_n_test": 2000,
         "transfer_resolution": 96, "transfer_probe_c": 0.1, "tensorboard_s": 7.0}  # fmt: skip
    tables = {
        "per_class": pd.DataFrame({"class_name": CLASSES, "test_accuracy": [0.9] * 10, "n": [1000] * 10}),
        "history": pd.DataFrame(
            {
                "epoch": [1, 2],
                "train_loss": [2.0, 1.0],
                "train_s": [25.0, 50.0],
                "val_loss": [1.5, 0.5],
                "val_accuracy": [0.5, 0.9],
            }
        ),  # fmt: skip
        "transfer": pd.DataFrame(
            [
                {
                    "method": "from scratch (this week's CNN)",
                    "test_accuracy": 0.4,
                    "ci_low": 0.38,
                    "ci_high": 0.42,
                    "trained_weights": 491754,
                    "train_s": 60.0,
                }
            ]
        ),  # fmt: skip
    }
    run = {"seed": 42, "hardware": "test CPU", "mode": "full", "week": "week10", "wall_time_s": 900.0}
    block = render(folder / "results.md", m=m, tables=tables, run=run)
    assert "90.0% (95% CI 89.4–90.6%)" in block and "**used**" in block and "| cat | 90.0% |" in block
    assert "100 labelled images per class" in block and "from scratch (this week's CNN) | 40.0% (38.0–42.0%)" in block
    assert "about 23 minutes of training instead of 12" in " ".join(block.split())  # half as fast: time doubles
    assert "time goal is missed" not in block  # 700 s ≤ 15 min
    slow = " ".join(render(folder / "results.md", m=m | {"train_time_s": 3600.0, "epoch_time_s": 176.0},
                           tables=tables, run=run).split())  # fmt: skip
    assert "1.00 s per batch of 256" in slow and "epochs take 60 minutes" in slow and "about 4× less" in slow
    card = render(folder / "MODEL_CARD.md", m=m, tables=tables, run=run)
    assert missing_sections(card) == [] and "491,754 weights" in card
    assert transfer.TransferConfig().labels_per_class == m["transfer_labels_per_class"]


# ---------------------------------------------------------------- the TensorBoard log (tb_logging.py, reporting)
def _event_accumulator(logdir):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    return EventAccumulator(str(logdir), size_guidance={"scalars": 0, "images": 0}).Reload()  # keep every point


def test_tensorboard_scalars_are_the_runs_history_and_metrics(fast_run):
    out, metrics = fast_run
    events = _event_accumulator(out / "tensorboard")
    history = pd.read_csv(out / "tables" / "history.csv")
    epochs = cnn_cifar.FAST.epochs

    def values(tag):
        return [e.value for e in events.Scalars(tag)]

    for tag, column in [("val/accuracy", "val_accuracy"), ("val/loss", "val_loss"), ("train/epoch_loss", "train_loss")]:
        assert [e.step for e in events.Scalars(tag)] == list(range(1, epochs + 1)), tag
        np.testing.assert_allclose(values(tag), history[column], rtol=1e-6, err_msg=tag)  # stored as float32
    assert values("val/accuracy")[-1] == pytest.approx(metrics["val_accuracy_plain"], rel=1e-6)

    # Per step: every SGD step once; the batch losses average (weighted by batch size) to each epoch's train loss.
    steps_per_epoch = math.ceil(metrics["n_train"] / cnn_cifar.FAST.batch_size)
    losses, rates = np.array(values("train/loss")), np.array(values("train/learning_rate"))
    assert len(losses) == len(rates) == epochs * steps_per_epoch
    sizes = np.diff(np.minimum(np.arange(steps_per_epoch + 1) * cnn_cifar.FAST.batch_size, metrics["n_train"]))
    per_epoch = losses.reshape(epochs, steps_per_epoch) @ sizes / metrics["n_train"]
    np.testing.assert_allclose(per_epoch, history["train_loss"], rtol=1e-5)
    # One-cycle: starts at max_lr / 25, peaks at max_lr after the warm-up, ends near zero.
    assert rates[0] == pytest.approx(cnn_cifar.FAST.max_lr / 25, rel=1e-5)
    assert rates.max() == pytest.approx(cnn_cifar.FAST.max_lr, rel=1e-3) and rates[-1] < rates[0] / 100
    assert abs(int(rates.argmax()) - cnn_cifar.FAST.warmup * len(rates)) <= 2

    # The fixed validation images with predictions, once per epoch, and the model graph.
    assert [e.step for e in events.Images("val/predictions")] == list(range(1, epochs + 1))
    assert events.Tags()["graph"] and any("Conv" in node.op or "conv" in node.op for node in events.Graph().node)
    assert 0 < metrics["tensorboard_s"] < metrics["train_time_s"]


def test_tensorboard_dashboard_screenshot_shows_the_scalars(fast_run, tmp_path):
    from shared.browser import find_browser
    from week10_cnn_cifar.tb_screenshot import screenshot

    if find_browser() is None:
        print("SKIPPED: no Chromium for the TensorBoard screenshot (apt install chromium)")
        pytest.skip("no Chromium: the TensorBoard screenshot needs a headless browser")
    out, _ = fast_run
    png = screenshot(out / "tensorboard", tmp_path / "tensorboard.png", timeout_s=90)
    with Image.open(png) as image:
        assert image.size == (1400, 1140)
        pixels = np.asarray(image.convert("RGB")).reshape(-1, 3)
    orange = (pixels[:, 0] > 200) & (pixels[:, 1] > 80) & (pixels[:, 1] < 140) & (pixels[:, 2] < 80)
    assert orange.mean() > 0.04  # TensorBoard's orange header bar and the orange curves were drawn
    assert not list(tmp_path.glob(".*"))  # no partial picture, no server log left behind


def test_tensorboard_screenshot_without_a_log_is_a_clear_error(tmp_path):
    from week10_cnn_cifar.tb_screenshot import screenshot

    with pytest.raises(RoadmapError, match="no TensorBoard event files"):
        screenshot(tmp_path, tmp_path / "x.png")
