"""How `roadmap grade week10 PATH` checks a learner's CIFAR-10 CNN (see shared/grading).

The contract is the lesson's three parts: a network (`build_model`), a training loop (`train`) and a prediction
function (`predict`). The grader owns the data: 50 training images per class (passed in class order, as many data
sets are stored), 300 held-out test images, and a fixed budget of 5 epochs on one thread, so a grade takes about
a minute on a 2-core laptop. The same budget trains the reference (the adapter `Reference` below).

The budget is tiny on purpose: the checks test behaviour a wrong loop gets wrong at any budget (batch-dependent
predictions, one class for everything, irreproducible training, scores that are not probabilities), and the
accuracy bar is twice chance, not the lesson's 88%.
"""

from __future__ import annotations

import functools
import random
from types import SimpleNamespace

import numpy as np

from shared.grading import Check, Function, Metric, Rubric, SelfCheck, expect

CONTRACT = [
    Function("build_model", "build_model() -> torch.nn.Module",
             "a fresh, untrained network for 32×32 RGB images and 10 classes (the grader seeds torch just before)"),
    Function("train", "train(model, images, labels, *, epochs, seed) -> None",
             "train `model` in place for exactly `epochs` passes: images are uint8 (N, 32, 32, 3), labels int64 (N,) "
             "in 0-9, given in class order; normalising, augmenting and shuffling are yours, every random choice "
             "from `seed`"),
    Function("predict", "predict(model, images) -> np.ndarray",
             "class probabilities, shape (N, 10), for uint8 images (N, 32, 32, 3): rows ≥ 0 that sum to 1"),
]  # fmt: skip
REFERENCE = "week10_cnn_cifar.grading:Reference"
MEMORY_MB = 6000  # torch's import maps ~3 GB of address space; CIFAR-10 itself is 180 MB

PER_CLASS = 50  # training images per class the grader passes (500 in all)
EPOCHS = 5  # the budget every solution gets (80 steps of 32 images)
N_TEST = 300  # held-out images from CIFAR-10's test set
GRADER_SEED = 2026
CHANCE = 0.1
ACCURACY_BAR = 2 * CHANCE  # the reference reaches ~32% in this budget (at 1/4 of its width, see Reference)
ONE_CLASS_BAR = 0.5  # no class may take half of the predictions on balanced held-out images (reference: 24%)
TRAIN_TIMEOUT_S = 240.0  # a check that trains: ~15 s on a quiet laptop, a few minutes on a very busy 2-core CPU
REF_WIDTHS = (16, 32, 64)  # a quarter of the lesson's widths: the lesson's network needs ~4× the time
REF_BATCH_SIZE = 32  # 16 steps per epoch on 500 images (the lesson's 128 would give 4)
REF_MAX_LR = 0.02  # chosen on 500 other training images after this budget: 0.1 → 29.2%, 0.05 → 27.0%, 0.02 → 31.2%


class Reference:
    """The lesson's CifarNet, `fit` (one-cycle SGD, label smoothing, flip + shift) and `predict_proba`, sized for
    the grader's budget (REF_WIDTHS, REF_BATCH_SIZE, REF_MAX_LR); normalisation statistics from the training images."""

    @staticmethod
    def build_model():
        import torch

        from week10_cnn_cifar.model import CifarNet

        model = CifarNet(widths=REF_WIDTHS).to(memory_format=torch.channels_last)
        model.stats = ([0.5] * 3, [0.25] * 3)  # replaced by the training images' statistics in train()
        return model

    @staticmethod
    def train(model, images, labels, *, epochs: int, seed: int) -> None:
        import torch

        from week10_cnn_cifar import cnn_cifar

        x = cnn_cifar.to_tensor_u8(images)
        model.stats = cnn_cifar.channel_stats(x)
        cfg = cnn_cifar.Config(epochs=epochs, batch_size=REF_BATCH_SIZE, max_lr=REF_MAX_LR, widths=REF_WIDTHS)
        cnn_cifar.fit(model, x, torch.from_numpy(labels), cfg, stats=model.stats,
                      gen=torch.Generator().manual_seed(seed))  # fmt: skip

    @staticmethod
    def predict(model, images) -> np.ndarray:
        from week10_cnn_cifar import cnn_cifar

        return cnn_cifar.predict_proba(model, cnn_cifar.to_tensor_u8(images), model.stats, tta=False).numpy()


class MostFrequentClass:
    """The baseline: the training labels' most frequent class, always (a tie goes to the first: 10% here)."""

    @staticmethod
    def build_model():
        return SimpleNamespace(proba=np.full(10, 0.1))

    @staticmethod
    def train(model, images, labels, *, epochs: int, seed: int) -> None:
        model.proba = np.eye(10)[np.bincount(labels, minlength=10).argmax()]

    @staticmethod
    def predict(model, images) -> np.ndarray:
        return np.tile(model.proba, (len(images), 1))


# --- the grader's data and the trained model ---------------------------------------------------------------------


@functools.cache
def data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(train images, train labels in class order, held-out images, held-out labels), fixed by GRADER_SEED."""
    from shared.data.cifar10 import load_cifar10

    cifar = load_cifar10(verbose=False)
    rng = np.random.default_rng(GRADER_SEED)
    train = np.concatenate([np.sort(rng.choice(np.flatnonzero(cifar.y_train == c), PER_CLASS, replace=False))
                            for c in range(10)])  # fmt: skip
    test = np.sort(rng.choice(len(cifar.y_test), N_TEST, replace=False))
    return cifar.x_train[train], cifar.y_train[train], cifar.x_test[test], cifar.y_test[test]


def train_fresh(sol, images, labels, *, epochs: int, disturb: int = 0):
    """Seed torch, build the learner's network, let other code draw `disturb` random numbers, then train it."""
    import torch

    torch.manual_seed(GRADER_SEED)
    model = sol.build_model()
    torch.rand(disturb), np.random.rand(disturb), [random.random() for _ in range(disturb)]  # noqa: NPY002 - other code
    sol.train(model, images.copy(), labels.copy(), epochs=epochs, seed=GRADER_SEED)
    return model


_trained: dict[int, tuple[object, object, np.ndarray]] = {}


def trained(sol) -> tuple[object, np.ndarray]:
    """The learner's model trained once in the grader's budget, and its probabilities for the held-out images."""
    if id(sol) not in _trained:
        x, y, x_test, _ = data()
        model = train_fresh(sol, x, y, epochs=EPOCHS)
        _trained[id(sol)] = (sol, model, np.asarray(sol.predict(model, x_test.copy()), dtype="float64"))
    return _trained[id(sol)][1:]


def accuracy(sol) -> float:
    return float((trained(sol)[1].argmax(1) == data()[3]).mean())


def largest_class_share(sol) -> float:
    return float(np.bincount(trained(sol)[1].argmax(1), minlength=10).max() / N_TEST)


# --- checks -----------------------------------------------------------------------------------------------------


def check_shapes(sol) -> None:
    import torch

    model = sol.build_model()
    expect(isinstance(model, torch.nn.Module), f"build_model() returned {type(model).__name__}, not a torch.nn.Module")
    proba = np.asarray(sol.predict(model, data()[2][:4].copy()))
    expect(proba.shape == (4, 10), f"predict on 4 images returned shape {proba.shape}, expected (4, 10)")


def check_probabilities(sol) -> None:
    proba = trained(sol)[1]
    expect(proba.shape == (N_TEST, 10), f"predict returned shape {proba.shape} for {N_TEST} images")
    sums = proba.sum(1)
    expect(bool((proba >= 0).all()) and np.allclose(sums, 1, atol=1e-4),
           f"rows must be probabilities: smallest value {proba.min():.3g}, row sums {sums.min():.3g} to "
           f"{sums.max():.3g}")  # fmt: skip


def check_batch_independent(sol) -> None:
    model, proba = trained(sol)
    images = data()[2]
    alone = np.concatenate([np.asarray(sol.predict(model, images[i : i + 1].copy()), dtype="float64")
                            for i in range(5)])  # fmt: skip
    again = np.asarray(sol.predict(model, images.copy()), dtype="float64")
    change = float(max(np.abs(alone - proba[:5]).max(), np.abs(again - proba).max()))
    expect(change <= 1e-4, f"an image's probabilities change by up to {change:.3g} with the rest of its batch, or "
                           "between two identical calls")  # fmt: skip


def check_not_one_class(sol) -> None:
    share = largest_class_share(sol)
    expect(
        share <= ONE_CLASS_BAR,
        f"{share:.0%} of {N_TEST} balanced held-out images get the same class (bar {ONE_CLASS_BAR:.0%})",
    )


def check_above_chance(sol) -> None:
    from shared.stats import proportion_ci

    acc = accuracy(sol)
    low, high = proportion_ci(round(acc * N_TEST), N_TEST)
    expect(acc >= ACCURACY_BAR,
           f"held-out accuracy {acc:.1%} (95% CI {low:.1%}–{high:.1%}) after {EPOCHS} epochs on {10 * PER_CLASS} "
           f"images; bar {ACCURACY_BAR:.0%} (chance: 10%)")  # fmt: skip


def check_same_seed(sol) -> None:
    x, y, x_test, _ = data()
    keep = np.arange(len(y)) % PER_CLASS < 20  # 20 images per class, one epoch: seconds
    runs = [np.asarray(sol.predict(train_fresh(sol, x[keep], y[keep], epochs=1, disturb=d), x_test[:20].copy()))
            for d in (7, 11)]  # fmt: skip
    diff = float(np.max(np.abs(runs[0] - runs[1])))
    expect(diff == 0.0, f"two runs of train(..., seed={GRADER_SEED}) from the same initial weights give "
                        f"probabilities that differ by up to {diff:.3g}")  # fmt: skip


CHECKS = [
    Check("output_shape", "network", check_shapes,
          "build_model() must return a torch.nn.Module, and predict(model, images) one row of 10 numbers per image",
          timeout_s=60.0),
    Check("outputs_are_probabilities", "prediction", check_probabilities,
          "predict must return probabilities: apply softmax to the network's scores (logits) over the 10 classes",
          timeout_s=TRAIN_TIMEOUT_S),
    Check("batch_independent", "prediction", check_batch_independent,
          "call model.eval() in predict (and predict under torch.no_grad()): in training mode BatchNorm normalises "
          "with the statistics of the batch being predicted and dropout is random",
          timeout_s=TRAIN_TIMEOUT_S),
    Check("not_one_class", "training loop", check_not_one_class,
          "shuffle the training images every epoch (torch.randperm with your seeded generator): the grader passes "
          "them in class order, and a loop that keeps that order ends every epoch on one class",
          timeout_s=TRAIN_TIMEOUT_S),
    Check("above_chance", "training loop", check_above_chance,
          "the network learns little in this budget: normalise the pixels, zero the gradients every step, and try "
          "SGD with momentum (lr 0.01-0.05) or Adam (1e-3) on mini-batches of 32-64",
          timeout_s=TRAIN_TIMEOUT_S),
    Check("same_seed_same_model", "reproducibility", check_same_seed,
          "train(..., seed) must be reproducible on its own: draw the shuffles and augmentations from "
          "torch.Generator().manual_seed(seed), never from whatever state the global generator is in",
          timeout_s=TRAIN_TIMEOUT_S),
]  # fmt: skip

METRICS = [
    Metric("held_out_accuracy", accuracy, "higher", baseline=MostFrequentClass,
           baseline_name="most frequent training class",
           description=f"{N_TEST} CIFAR-10 test images, after {EPOCHS} epochs on {10 * PER_CLASS} training images "
                       "(the lesson's full run trains on 45,000 for 20 epochs)", timeout_s=TRAIN_TIMEOUT_S),
    Metric("largest_class_share", largest_class_share, "lower", baseline=MostFrequentClass,
           baseline_name="most frequent training class",
           description="share of the held-out predictions taken by the most predicted class (balanced: 10%)",
           timeout_s=TRAIN_TIMEOUT_S),
]  # fmt: skip

RUBRIC = Rubric.equal(
    "network",
    "training loop",
    "prediction",
    "reproducibility",
    self_assessment=[
        SelfCheck("Is every choice (epochs, augmentation, test-time flips) made on a validation split carved from "
                  "the training images, with the test set scored once at the end, with an interval?",
                  "week10_cnn_cifar/README.md#write-up"),
        SelfCheck("Do you compare transfer learning with training from scratch at the same number of labels?",
                  "week10_cnn_cifar/README.md#write-up"),
        SelfCheck("Does your README discuss where the model fails (confusions, confident mistakes) and its limits?",
                  "week10_cnn_cifar/README.md#ethics"),
    ],
)  # fmt: skip
