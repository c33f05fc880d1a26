"""How `roadmap grade c4 PATH` checks a learner's interview answers written from scratch (see shared/grading).

The contract is the hand-written functions of `from_scratch.py` and `evaluation.py`, under their own names. The
grader makes its own random data (seed 2026, not the lesson's) and compares each answer with the library that does
the job for real, as `interview.py` and the unit's tests do: scikit-learn for logistic regression, PCA, the
confusion matrix, precision/recall/F1, k-fold and cross-validation; PyTorch (autograd, scaled dot-product
attention) for backpropagation and attention; statsmodels for the A/B-test sample size; SciPy for the sigmoid.
Then it probes what a library comparison on friendly data misses: extreme inputs that overflow, a zero
denominator, a fold that would need more rows than there are, a model scored on rows it was fitted on.
"""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import numpy as np

from shared.grading import Check, Function, Metric, Rubric, SelfCheck, expect

CONTRACT = [
    Function("sigmoid", "sigmoid(z: np.ndarray) -> np.ndarray",
             "1 / (1 + e^(−z)) element-wise, finite for any float z (also ±1000)"),
    Function("logistic_regression_gd",
             "logistic_regression_gd(X, y, *, l2, learning_rate=0.5, epochs=5000) -> (w, b)",
             "minimise mean log-loss + (l2 / 2)·‖w‖² by full-batch gradient descent from zeros; the intercept b "
             "is not penalised (scikit-learn's objective with C = 1 / (n·l2))"),
    Function("pca_svd", "pca_svd(X, k) -> (components, explained_variance_ratio)",
             "the k principal directions (k×d, as rows) and the share of the total variance each explains"),
    Function("two_layer_forward_backward", "two_layer_forward_backward(X, y, W1, b1, W2, b2) -> (loss, grads)",
             "tanh hidden layer, sigmoid output, mean binary cross-entropy; grads = {'W1', 'b1', 'W2', 'b2'} by "
             "the chain rule, each the shape of its parameter"),
    Function("attention", "attention(Q, K, V, causal=False) -> np.ndarray",
             "softmax(QKᵀ/√d)V over the last two axes (any leading batch axes); `causal` hides later keys"),
    Function("confusion_matrix_by_hand", "confusion_matrix_by_hand(y_true, y_pred, labels) -> np.ndarray",
             "counts, row = true class, column = predicted class, in the order of `labels` (any hashable labels)"),
    Function("precision_recall_f1", "precision_recall_f1(y_true, y_pred, positive=1) -> (precision, recall, f1)",
             "for the class `positive`; 0.0 where a denominator is zero (scikit-learn's zero_division=0)"),
    Function("kfold_indices", "kfold_indices(n, k) -> list[(train, valid)]",
             "k contiguous folds of 0..n−1 as scikit-learn's KFold(k) makes them (the first n mod k folds one "
             "row longer); ValueError unless 2 ≤ k ≤ n"),
    Function("cross_validate_by_hand", "cross_validate_by_hand(make_model, X, y, k) -> np.ndarray",
             "for each fold, `make_model()` fitted on the other folds and its accuracy on the held-out fold"),
    Function("ab_sample_size", "ab_sample_size(baseline, lift, *, alpha=0.05, power=0.8) -> float",
             "users per arm to detect a conversion rate moving from `baseline` to `baseline + lift` (two-sided)"),
]  # fmt: skip


class _Reference:
    """The lesson's own functions (from_scratch.py and evaluation.py) under the contract's names, imported only
    when a check asks for one: importing this file must stay instant."""

    def __getattr__(self, name: str):
        from capstones.c4_interview import evaluation, from_scratch

        for module in (from_scratch, evaluation):
            if hasattr(module, name):
                return getattr(module, name)
        raise AttributeError(name)


Reference = _Reference()
REFERENCE = "capstones.c4_interview.grading:Reference"
MEMORY_MB = 6000  # importing torch maps ~3 GB of address space before any tensor exists
GRADER_SEED = 2026  # the grader's data differ from the lesson's (seed 42) and the unit's tests' (Hypothesis)
LOGREG_EPOCHS = 2000  # on the grader's standardised, well-conditioned data gradient descent reaches lbfgs to ~1e-8
LOGREG_TOLERANCE = 1e-4  # tighter than the lesson's 2e-3 on the breast-cancer data (ill-conditioned, 30 features)
EXACT = 1e-10  # closed forms in float64 (backprop, attention, PCA): agreement to rounding


def rng(offset: int = 0) -> np.random.Generator:
    return np.random.default_rng(GRADER_SEED + offset)


def quietly(call, *args, **kwargs):
    """Call a learner's function with NumPy's overflow/invalid warnings silenced: the check judges the values."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return call(*args, **kwargs)


def largest(*differences) -> float:
    """The largest |difference| over arrays and numbers; NaN if any is NaN (Python's max() would skip it)."""
    return float(np.max(np.concatenate([np.abs(np.ravel(d)) for d in differences])))


# --- the grader's data ----------------------------------------------------------------------------------------------


def logistic_data(seed_offset: int = 0, n: int = 300, d: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Standardised features and labels drawn from a logistic model (intercept 0.3): both classes, no separation."""
    from scipy.special import expit

    g = rng(seed_offset)
    X = g.normal(size=(n, d))
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = (g.random(n) < expit(X @ g.normal(size=d) + 0.3)).astype(float)
    return X, y


def sklearn_logistic(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, tol=1e-10, max_iter=10_000).fit(X, y)  # C = 1 / (n · l2) with l2 = 1/n
    return model.coef_.ravel(), float(model.intercept_[0])


def logistic_difference(sol, seed_offset: int = 0) -> float:
    X, y = logistic_data(seed_offset)
    w, b = quietly(sol.logistic_regression_gd, X.copy(), y.copy(), l2=1 / len(X), learning_rate=0.5,
                   epochs=LOGREG_EPOCHS)  # fmt: skip
    w = np.asarray(w, dtype=float).ravel()
    expect(w.shape == (X.shape[1],), f"the weights have shape {w.shape}, expected ({X.shape[1]},)")
    w_sk, b_sk = sklearn_logistic(X, y)
    return largest(w - w_sk, float(np.squeeze(b)) - b_sk)


def network(seed_offset: int) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    g = rng(seed_offset)
    X, y = g.normal(size=(32, 4)), g.integers(0, 2, 32).astype(float)
    params = {"W1": g.normal(size=(4, 8)), "b1": g.normal(size=8), "W2": g.normal(size=(8, 1)),
              "b2": g.normal(size=1)}  # fmt: skip
    return X, y, params


def autograd(X: np.ndarray, y: np.ndarray, params: dict[str, np.ndarray]) -> tuple[float, dict[str, np.ndarray]]:
    """The same network and loss in PyTorch (float64): autograd's loss and gradients."""
    import torch
    import torch.nn.functional as F

    tensors = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    h = torch.tanh(torch.tensor(X) @ tensors["W1"] + tensors["b1"])
    loss = F.binary_cross_entropy_with_logits((h @ tensors["W2"] + tensors["b2"]).squeeze(1), torch.tensor(y))
    loss.backward()
    return loss.item(), {k: t.grad.numpy() for k, t in tensors.items()}


def backprop_difference(sol, seed_offset: int = 0) -> float:
    X, y, params = network(seed_offset)
    loss, grads = quietly(sol.two_layer_forward_backward, X, y, **{k: v.copy() for k, v in params.items()})
    torch_loss, torch_grads = autograd(X, y, params)
    expect(set(grads) >= set(params), f"the gradients are named {sorted(grads)}, expected {sorted(params)}")
    differences = [float(loss) - torch_loss]
    for name, theirs in torch_grads.items():
        ours = np.asarray(grads[name], dtype=float)
        expect(ours.size == theirs.size, f"grads['{name}'] has shape {ours.shape}, {name} has shape {theirs.shape}")
        differences.append(ours.reshape(theirs.shape) - theirs)
    return largest(*differences)


def sdpa(q: np.ndarray, k: np.ndarray, v: np.ndarray, causal: bool) -> np.ndarray:
    import torch
    import torch.nn.functional as F

    tensors = (torch.from_numpy(q), torch.from_numpy(k), torch.from_numpy(v))
    return F.scaled_dot_product_attention(*tensors, is_causal=causal).numpy()


def attention_inputs(seed_offset: int, queries: int = 7, keys: int = 7, scale: float = 1.0):
    g = rng(seed_offset)
    q = g.normal(size=(2, 3, queries, 16)) * scale
    k = g.normal(size=(2, 3, keys, 16)) * scale
    return q, k, g.normal(size=(2, 3, keys, 16))


def attention_difference(sol, seed_offset: int = 0) -> float:
    differences = []
    for queries, keys, causal in ((7, 7, False), (7, 7, True), (5, 9, False)):
        q, k, v = attention_inputs(seed_offset, queries, keys)
        ours = np.asarray(quietly(sol.attention, q.copy(), k.copy(), v.copy(), causal=causal), dtype=float)
        expect(ours.shape == v.shape[:-2] + (queries, 16),
               f"attention of {queries} queries over {keys} keys returned shape {ours.shape}, expected "
               f"{v.shape[:-2] + (queries, 16)}")  # fmt: skip
        differences.append(ours - sdpa(q, k, v, causal))
    return largest(*differences)


# --- checks: each takes the learner's solution and raises when the property does not hold ---------------------------


def check_sigmoid(sol) -> None:
    from scipy.special import expit

    z = np.concatenate([np.linspace(-1000, 1000, 201), rng().normal(0, 5, 100), [-40.0, 0.0, 40.0]])
    ours = np.asarray(quietly(sol.sigmoid, z.copy()), dtype=float)
    expect(ours.shape == z.shape, f"sigmoid of {z.size} numbers returned shape {ours.shape}")
    bad = ~np.isfinite(ours)
    expect(not bad.any(), f"sigmoid is not finite at z = {z[bad][:4].tolist()} (gave {ours[bad][:4].tolist()})")
    worst = int(np.argmax(np.abs(ours - expit(z))))
    expect(np.allclose(ours, expit(z), rtol=1e-12, atol=1e-300),
           f"sigmoid({z[worst]:g}) = {ours[worst]:.17g}, scipy.special.expit says {expit(z[worst]):.17g}")  # fmt: skip


def check_logistic_regression(sol) -> None:
    diff = logistic_difference(sol)
    expect(diff <= LOGREG_TOLERANCE,
           f"after {LOGREG_EPOCHS} steps at learning rate 0.5 with l2 = 1/n, the weights differ from scikit-learn's "
           f"LogisticRegression(C=1) by up to {diff:.3g} (tolerance {LOGREG_TOLERANCE:g}) on 300 standardised "
           "rows")  # fmt: skip


def check_pca(sol) -> None:
    from scipy.stats import ortho_group
    from sklearn.decomposition import PCA

    g = rng(1)
    rotation = ortho_group.rvs(6, random_state=GRADER_SEED)
    X = g.normal(size=(80, 6)) * [5, 4, 3, 2, 1, 0.5] @ rotation + [10, -3, 7, 0, 2, 100]  # not centred, not aligned
    components, ratio = quietly(sol.pca_svd, X.copy(), 3)
    components, ratio = np.asarray(components, dtype=float), np.asarray(ratio, dtype=float).ravel()
    expect(components.shape == (3, 6), f"pca_svd(X of 80×6, k=3) returned components of shape {components.shape}, "
                                       "expected (3, 6): one direction per row")  # fmt: skip
    reference = PCA(n_components=3).fit(X)
    signs = np.sign(np.sum(components * reference.components_, axis=1))[:, None]  # eigenvectors: ± the same
    diff = float(np.abs(components * signs - reference.components_).max())
    expect(diff <= 1e-8, f"the components differ from sklearn's PCA by up to {diff:.3g} (up to sign)")
    expect(ratio.shape == (3,) and np.allclose(ratio, reference.explained_variance_ratio_, atol=1e-10),
           f"explained-variance ratio {np.round(ratio, 4).tolist()}, sklearn's "
           f"{np.round(reference.explained_variance_ratio_, 4).tolist()}")  # fmt: skip


def check_backprop(sol) -> None:
    for seed_offset in range(3):
        diff = backprop_difference(sol, seed_offset)
        expect(diff <= EXACT, f"loss or gradients differ from torch autograd (float64) by up to {diff:.3g} on a "
                              "batch of 32 (tolerance 1e-10)")  # fmt: skip


def check_attention(sol) -> None:
    diff = attention_difference(sol)
    expect(diff <= EXACT, f"differs from F.scaled_dot_product_attention by up to {diff:.3g} (tolerance 1e-10; "
                          "checked with and without the causal mask, and for 5 queries over 9 keys)")  # fmt: skip


def check_attention_large_scores(sol) -> None:
    q, k, v = attention_inputs(2, scale=30.0)  # scores in the hundreds: e^score overflows float64 past ~709
    for causal in (False, True):
        ours = np.asarray(quietly(sol.attention, q.copy(), k.copy(), v.copy(), causal=causal), dtype=float)
        expect(np.isfinite(ours).all(), f"with scores up to {np.abs(q @ np.swapaxes(k, -1, -2)).max() / 4:.0f} "
                                        f"(causal={causal}) the output has {(~np.isfinite(ours)).sum()} NaN/inf "
                                        "values")  # fmt: skip
        diff = float(np.abs(ours - sdpa(q, k, v, causal)).max())
        expect(diff <= 1e-8, f"with large scores (causal={causal}) it differs from PyTorch by up to {diff:.3g}")


def check_confusion_matrix(sol) -> None:
    from sklearn.metrics import confusion_matrix

    g = rng(3)
    y_true, y_pred = g.choice(["cat", "dog", "bird"], 500, p=[0.5, 0.3, 0.2]), g.choice(["cat", "dog", "bird"], 500)
    labels = ["dog", "bird", "cat", "fish"]  # not sorted, and one label that never occurs
    ours = np.asarray(sol.confusion_matrix_by_hand(list(y_true), list(y_pred), labels))
    theirs = confusion_matrix(y_true, y_pred, labels=labels)
    expect(ours.shape == theirs.shape, f"shape {ours.shape} for {len(labels)} labels, expected {theirs.shape}")
    expect(
        np.array_equal(ours, theirs),
        f"labels {labels}: got {ours.tolist()}, sklearn.metrics.confusion_matrix gives {theirs.tolist()}",
    )


def prf_data() -> tuple[np.ndarray, np.ndarray]:
    """A classifier that over-predicts the positive class: recall ≈ 0.85, precision ≈ 0.45 (a swap shows)."""
    g = rng(4)
    y_true = (g.random(600) < 0.3).astype(int)
    y_pred = np.where(y_true == 1, g.random(600) < 0.85, g.random(600) < 0.45).astype(int)
    return y_true, y_pred


def check_precision_recall_f1(sol) -> None:
    from sklearn.metrics import f1_score, precision_score, recall_score

    y_true, y_pred = prf_data()
    names = np.array(["ham", "spam"])
    for t, p, positive in ((y_true, y_pred, 1), (names[y_true], names[y_pred], "spam"),
                           (1 - y_true, 1 - y_pred, 1)):  # fmt: skip
        ours = np.asarray(quietly(sol.precision_recall_f1, t, p, positive=positive), dtype=float)
        theirs = [f(t, p, pos_label=positive) for f in (precision_score, recall_score, f1_score)]
        expect(np.allclose(ours, theirs, rtol=0, atol=1e-12),
               f"(precision, recall, F1) for positive={positive!r}: got {np.round(ours, 4).tolist()}, scikit-learn "
               f"gives {np.round(theirs, 4).tolist()}")  # fmt: skip


def check_zero_division(sol) -> None:
    y_true, _ = prf_data()
    cases = {"nothing predicted positive": (y_true, np.zeros_like(y_true)),
             "no positive in y_true, nothing predicted positive": (np.zeros(50, int), np.zeros(50, int))}  # fmt: skip
    for case, (t, p) in cases.items():
        ours = np.asarray(quietly(sol.precision_recall_f1, t, p), dtype=float)
        expect(np.array_equal(ours, [0.0, 0.0, 0.0]), f"{case}: got {ours.tolist()}, expected (0.0, 0.0, 0.0)")


def check_kfold(sol) -> None:
    from sklearn.model_selection import KFold

    for n, k in ((10, 3), (11, 4), (50, 5), (7, 7), (2, 2), (23, 6)):
        folds = sol.kfold_indices(n, k)
        expect(len(folds) == k, f"kfold_indices({n}, {k}) returned {len(folds)} folds")
        pairs = zip(folds, KFold(k).split(np.zeros(n)), strict=True)
        for number, ((train, valid), (train_sk, valid_sk)) in enumerate(pairs, start=1):
            train, valid = np.sort(np.asarray(train, dtype=int)), np.sort(np.asarray(valid, dtype=int))
            expect(np.array_equal(valid, valid_sk) and np.array_equal(train, train_sk),
                   f"kfold_indices({n}, {k}), fold {number}: validation rows {valid.tolist()}, KFold({k}) gives "
                   f"{valid_sk.tolist()} (train: {len(train)} rows, KFold: {len(train_sk)})")  # fmt: skip


def check_kfold_refuses(sol) -> None:
    for n, k in ((5, 6), (10, 1), (10, 0)):
        try:
            folds = sol.kfold_indices(n, k)
        except ValueError:
            continue
        sizes = [len(v) for _, v in folds]
        raise AssertionError(f"kfold_indices({n}, {k}) returned {len(folds)} folds of sizes {sizes} instead of "
                             "raising ValueError")  # fmt: skip


class RecordingTree:
    """A decision tree that records which rows (by their first feature, unique here) it was fitted on and asked."""

    log: list[tuple[str, frozenset]] = []

    def __init__(self) -> None:
        from sklearn.tree import DecisionTreeClassifier

        self.model = DecisionTreeClassifier(max_depth=3, random_state=0)

    def fit(self, X, y):
        RecordingTree.log.append(("fit", frozenset(np.asarray(X)[:, 0].tolist())))
        self.model.fit(X, y)
        return self

    def predict(self, X):
        RecordingTree.log.append(("predict", frozenset(np.asarray(X)[:, 0].tolist())))
        return self.model.predict(X)


def check_cross_validation(sol) -> None:
    from sklearn.model_selection import KFold, cross_val_score
    from sklearn.tree import DecisionTreeClassifier

    g = rng(5)
    X = g.normal(size=(123, 4))
    y = (X[:, 0] + X[:, 1] ** 2 + g.normal(0, 0.7, 123) > 1).astype(int)
    RecordingTree.log = []
    ours = np.asarray(sol.cross_validate_by_hand(RecordingTree, X.copy(), y.copy(), 5), dtype=float).ravel()
    log = list(RecordingTree.log)
    fitted = frozenset()
    for event, rows in log:
        if event == "fit":
            fitted = rows
        else:
            expect(not rows & fitted, f"{len(rows & fitted)} of the {len(rows)} rows a model was scored on were "
                                      "among the rows it was fitted on")  # fmt: skip
    fits = [rows for event, rows in log if event == "fit"]
    expect(len(fits) == 5 and all(len(rows) < len(X) for rows in fits),
           f"5 folds: expected 5 fits, each without its held-out fold; saw {len(fits)} fit(s) of "
           f"{sorted({len(r) for r in fits})} rows out of {len(X)}")  # fmt: skip
    theirs = cross_val_score(DecisionTreeClassifier(max_depth=3, random_state=0), X, y, cv=KFold(5), scoring="accuracy")
    expect(ours.shape == (5,) and np.allclose(ours, theirs, atol=1e-12),
           f"fold accuracies {np.round(ours, 4).tolist()}, cross_val_score(KFold(5)) gives "
           f"{np.round(theirs, 4).tolist()}")  # fmt: skip


def check_ab_sample_size(sol) -> None:
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    for baseline, lift, alpha, power in ((0.10, 0.01, 0.05, 0.8), (0.30, 0.05, 0.01, 0.9), (0.02, 0.004, 0.1, 0.8)):
        ours = float(sol.ab_sample_size(baseline, lift, alpha=alpha, power=power))
        theirs = NormalIndPower().solve_power(proportion_effectsize(baseline + lift, baseline), alpha=alpha,
                                              power=power, ratio=1.0)  # fmt: skip
        expect(abs(ours - theirs) <= 1e-3 * theirs,
               f"{baseline:.0%} → {baseline + lift:.1%} at α = {alpha}, power {power}: {ours:,.1f} users per arm; "
               f"statsmodels' NormalIndPower says {theirs:,.1f}")  # fmt: skip


CHECKS = [
    Check("sigmoid_is_stable", "machine learning from scratch", check_sigmoid,
          "exp(z) / (1 + exp(z)) is inf/inf = NaN for large z: write 1 / (1 + exp(−z)), which tends to 0 or 1 "
          "(or use scipy.special.expit)"),
    Check("logistic_regression_matches_sklearn", "machine learning from scratch", check_logistic_regression,
          "the gradient of the MEAN log-loss is Xᵀ(p − y) / n: without the 1/n each step is n times too long and "
          "descent diverges; add l2·w to the weights' gradient only (the intercept is not penalised)"),
    Check("pca_matches_sklearn", "machine learning from scratch", check_pca,
          "centre the data (X − mean) before the SVD, take the rows of Vᵀ as the directions, and divide each "
          "variance by the total of ALL components (not of the k kept)"),
    Check("backprop_matches_autograd", "deep learning by hand", check_backprop,
          "start from dL/dz2 = (p − y) / n (the mean over the batch), then tanh' = 1 − h²; every parameter's "
          "gradient has that parameter's shape"),
    Check("attention_matches_pytorch", "deep learning by hand", check_attention,
          "scale the scores by √d (the last axis of Q), take the softmax over the keys (the last axis), and mask "
          "the future (key j > query i) with −∞ before the softmax, not after"),
    Check("attention_survives_large_scores", "deep learning by hand", check_attention_large_scores,
          "exp of a score over ~709 is inf in float64: subtract each row's maximum score before the exponential "
          "(the softmax is unchanged)"),
    Check("confusion_matrix_matches_sklearn", "evaluation by hand", check_confusion_matrix,
          "rows are the TRUE class, columns the PREDICTED class, both in the order of `labels` (a transposed "
          "matrix swaps false positives and false negatives)"),
    Check("precision_recall_f1_match_sklearn", "evaluation by hand", check_precision_recall_f1,
          "precision = TP / (TP + FP) (of those predicted positive), recall = TP / (TP + FN) (of those truly "
          "positive); F1 is the same either way, so a swap hides behind a correct F1"),
    Check("zero_division_is_zero", "evaluation by hand", check_zero_division,
          "when nothing is predicted positive, TP + FP = 0: return 0.0 for that ratio (and for F1 when "
          "precision + recall = 0) instead of dividing by zero"),
    Check("kfold_matches_sklearn", "evaluation by hand", check_kfold,
          "give the n mod k leftover rows to the first folds, one each, so every row is validated exactly once "
          "(n // k rows per fold drops them)"),
    Check("kfold_refuses_impossible_k", "evaluation by hand", check_kfold_refuses,
          "raise ValueError unless 2 ≤ k ≤ n: more folds than rows leaves empty validation folds"),
    Check("cross_validation_matches_sklearn", "evaluation by hand", check_cross_validation,
          "fit make_model() on the other k − 1 folds only and score it on the held-out fold: a model fitted on all "
          "rows (or scored on its own training rows) flatters itself"),
    Check("ab_sample_size_matches_statsmodels", "evaluation by hand", check_ab_sample_size,
          "a two-sided test uses z at 1 − α/2; the effect size is Cohen's h = 2·asin(√p₂) − 2·asin(√p₁); "
          "n per arm = 2·((z₁₋α/₂ + z_power) / h)²"),
]  # fmt: skip


# --- metrics: how far from the library, beside the reference and a simpler method ----------------------------------


def _intercept_only(X, y, **kwargs):
    p = float(np.mean(y))
    return np.zeros(X.shape[1]), float(np.log(p / (1 - p)))


def _finite_differences(X, y, W1, b1, W2, b2, h: float = 1e-6):
    """The baseline for backprop: the exact loss, and gradients by central differences (two passes per weight)."""
    from scipy.special import expit

    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}

    def loss() -> float:
        p = expit(np.tanh(X @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]).ravel()
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))

    grads = {}
    for name, value in params.items():
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            saved = value[index]
            value[index] = saved + h
            up = loss()
            value[index] = saved - h
            down = loss()
            value[index] = saved
            grad[index] = (up - down) / (2 * h)
        grads[name] = grad
    return loss(), grads


def _uniform_attention(Q, K, V, causal=False):
    return np.broadcast_to(V.mean(axis=-2, keepdims=True), Q.shape[:-1] + V.shape[-1:])


METRICS = [
    Metric("logreg_max_abs_diff", lambda sol: logistic_difference(sol, seed_offset=10), "lower",
           baseline=SimpleNamespace(logistic_regression_gd=_intercept_only), baseline_name="intercept only (w = 0)",
           description=f"largest |difference| from sklearn's LogisticRegression(C=1) weights, 300 grader rows, "
                       f"{LOGREG_EPOCHS} steps"),
    Metric("backprop_max_abs_diff", lambda sol: largest(*(backprop_difference(sol, s) for s in (10, 11, 12))), "lower",
           baseline=SimpleNamespace(two_layer_forward_backward=_finite_differences),
           baseline_name="central differences (h = 1e-6)",
           description="largest |difference| from torch autograd's loss and gradients (float64), 3 grader batches"),
    Metric("attention_max_abs_diff", lambda sol: attention_difference(sol, seed_offset=10), "lower",
           baseline=SimpleNamespace(attention=_uniform_attention), baseline_name="uniform weights (mean of V)",
           description="largest |difference| from F.scaled_dot_product_attention, causal and not"),
]  # fmt: skip

RUBRIC = Rubric.equal(
    "machine learning from scratch",
    "deep learning by hand",
    "evaluation by hand",
    self_assessment=[
        SelfCheck("Can you explain backpropagation, bias–variance, ResNet and attention in a paragraph each, with "
                  "a number you measured?", "capstones/c4_interview/README.md#explain-"),
        SelfCheck("For each linked task (Docker, CI, DVC, MLflow, drift, rate limiting, ...), can you show your "
                  "own working version and the test that proves it?", "capstones/c4_interview/README.md#results"),
        SelfCheck("Do you say what your cross-checks do and do not prove (tolerances, one input vs many)?",
                  "capstones/c4_interview/README.md#what-the-checks-do-and-do-not-prove"),
        SelfCheck("Can you defend the ethics of a model in healthcare (patient-level splits, who is missing, "
                  "what it must not be used for)?", "capstones/c4_interview/README.md#ethics"),
    ],
)  # fmt: skip
