"""Capstone 4: every hand-written solution agrees with its library on many inputs (Hypothesis), each check FAILS
when the solution is wrong, the index names real files and every task, and one fast run passes every check.

Tiers: pure functions against the library; the checks catch planted bugs; the index; one fast run and its
template; bad input → exit 2.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics import confusion_matrix, f1_score, precision_score, recall_score
from sklearn.model_selection import KFold
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

from capstones.c4_interview import deep_learning, evaluation, experiments, from_scratch
from capstones.c4_interview import interview as iv
from shared.paths import REPO_ROOT
from shared.templates import render
from shared.testing import assert_user_error, run_cli
from shared.threads import torch_threads

TEMPLATE = Path(iv.__file__).parent / "templates" / "results.md"
labels = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=1, max_size=60)


# --- the hand-written solutions against the library, on many inputs -------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(labels)
def test_confusion_matrix_and_prf_equal_sklearn_on_any_labels(pairs):
    y_true, y_pred = map(np.array, zip(*pairs, strict=True))
    assert (
        evaluation.confusion_matrix_by_hand(y_true, y_pred, [0, 1, 2])
        == confusion_matrix(y_true, y_pred, labels=[0, 1, 2])
    ).all()
    t, p = (y_true == 1).astype(int), (y_pred == 1).astype(int)
    expected = [f(t, p, zero_division=0) for f in (precision_score, recall_score, f1_score)]
    assert evaluation.precision_recall_f1(t, p) == pytest.approx(expected)


@given(st.integers(2, 60), st.integers(2, 12))
def test_kfold_indices_are_sklearns_kfold(n, k):
    if k > n:
        with pytest.raises(ValueError, match="k must be between"):
            evaluation.kfold_indices(n, k)
        return
    ours = evaluation.kfold_indices(n, k)
    for (train, valid), (train_sk, valid_sk) in zip(ours, KFold(k).split(np.zeros(n)), strict=True):
        assert train.tolist() == train_sk.tolist() and valid.tolist() == valid_sk.tolist()


@settings(max_examples=40, deadline=None)
@given(st.floats(0.01, 0.9), st.floats(0.005, 0.09), st.sampled_from([0.01, 0.05, 0.1]), st.sampled_from([0.8, 0.9]))
def test_ab_sample_size_is_statsmodels_power_solution(baseline, lift, alpha, power):
    theirs = NormalIndPower().solve_power(proportion_effectsize(baseline + lift, baseline), alpha=alpha, power=power)
    assert evaluation.ab_sample_size(baseline, lift, alpha=alpha, power=power) == pytest.approx(theirs, rel=1e-3)


def test_ab_sample_size_grows_as_the_lift_shrinks():
    sizes = [evaluation.ab_sample_size(0.1, lift) for lift in (0.04, 0.02, 0.01)]
    assert sizes == sorted(sizes) and sizes[-1] / sizes[-2] == pytest.approx(4, rel=0.1)  # half the lift: 4× users


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(1, 9), st.integers(1, 9), st.integers(1, 8), st.booleans(), st.integers(0, 999))
def test_attention_equals_torch_sdpa(batch, queries, keys, dim, causal, seed):
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(batch, queries, dim, generator=g, dtype=torch.float64)
    k, v = (torch.randn(batch, keys, dim, generator=g, dtype=torch.float64) for _ in range(2))
    if causal and queries > keys:  # a query row with every key in its future has no softmax: torch returns NaN
        return
    ours = from_scratch.attention(q.numpy(), k.numpy(), v.numpy(), causal=causal)
    theirs = F.scaled_dot_product_attention(q, k, v, is_causal=causal).numpy()
    np.testing.assert_allclose(ours, theirs, atol=1e-10)


def test_causal_attention_ignores_the_future():
    rng = np.random.default_rng(0)
    q, k, v = (rng.normal(size=(5, 4)) for _ in range(3))
    changed = v.copy()
    changed[3:] += 100.0  # only positions 3 and 4 change
    a, b = from_scratch.attention(q, k, v, causal=True), from_scratch.attention(q, k, changed, causal=True)
    np.testing.assert_allclose(a[:3], b[:3])
    assert not np.allclose(a[3:], b[3:])


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # all-constant draws: sklearn divides 0 by 0
@settings(max_examples=25, deadline=None)
@given(arrays(np.float64, (30, 4), elements=st.floats(-10, 10)))
def test_pca_equals_sklearn_up_to_sign(X):
    from sklearn.decomposition import PCA

    reference = PCA(n_components=2).fit(X)
    if reference.explained_variance_[-1] < 1e-6 or np.isclose(*reference.explained_variance_[:2], rtol=1e-3):
        return  # degenerate or tied directions: no unique answer to compare
    components, ratio = from_scratch.pca_svd(X, 2)
    signs = np.sign(np.sum(components * reference.components_, axis=1))[:, None]
    np.testing.assert_allclose(components * signs, reference.components_, atol=1e-6)
    np.testing.assert_allclose(ratio, reference.explained_variance_ratio_, atol=1e-9)


def test_logistic_regression_gd_matches_sklearn_and_predicts_like_it():
    row = iv.check_logistic_regression(iv.FAST)
    assert row["passed"] and row["difference"] < 2e-3


def test_backprop_matches_autograd_for_several_seeds():
    assert all(iv.check_backprop(seed)["difference"] < 1e-10 for seed in range(5))


def test_residual_stack_keeps_the_gradient_the_plain_stack_loses():
    with torch_threads(1):
        plain, residual = _first_layer_gradients()
    assert plain == sorted(plain, reverse=True) and plain[-1] < 1e-8  # geometric decay with depth
    assert min(residual) > 1e-2


def _first_layer_gradients():
    plain = [deep_learning.gradient_at_first_layer(d, residual=False) for d in (2, 10, 20)]
    residual = [deep_learning.gradient_at_first_layer(d, residual=True) for d in (2, 10, 20)]
    return plain, residual


def test_best_f1_threshold_maximises_f1():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    proba = np.clip(y * 0.3 + rng.uniform(0, 0.7, 300), 0, 1)
    t = experiments.best_f1_threshold(y, proba)
    brute = max(f1_score(y, proba >= c) for c in np.unique(proba))
    assert f1_score(y, proba >= t) == pytest.approx(brute)


# --- a check must fail when the solution is wrong -------------------------------------------------------------------


def test_checks_catch_planted_bugs(monkeypatch):
    monkeypatch.setattr(from_scratch, "attention", lambda q, k, v, causal=False: v.mean(axis=-2, keepdims=True) + 0 * q)
    assert not iv.check_attention(0)["passed"]
    monkeypatch.setattr(evaluation, "precision_recall_f1", lambda t, p: (0.5, 0.5, 0.5))
    assert not iv.check_confusion_and_f1(0)[1]["passed"]
    monkeypatch.setattr(evaluation, "ab_sample_size", lambda b, lift: 1000.0)
    assert not iv.check_ab_test()["passed"]
    monkeypatch.setattr(from_scratch, "pca_svd", lambda X, k: (np.eye(X.shape[1])[:k], np.full(k, 0.2)))
    assert not iv.check_pca()["passed"]
    short = iv.Config(logreg_epochs=50)
    assert not iv.check_logistic_regression(short)["passed"]  # 50 steps are far from the optimum


# --- the index -------------------------------------------------------------------------------------------------------


def test_index_has_25_tasks_and_9_questions_and_every_link_exists():
    tasks = pd.read_csv(iv.TASKS_CSV, dtype=str, keep_default_na=False)
    assert (tasks.kind == "readiness").sum() == 25 and tasks.kind.str.startswith("checkpoint").sum() == 9
    assert tasks.id.is_unique and tasks.task.is_unique
    for path in [*tasks.solution, *tasks.test]:
        assert (REPO_ROOT / path).exists(), f"tasks.csv links a missing file: {path}"


def test_index_refuses_a_check_that_run_does_not_compute():
    checks = pd.DataFrame({"check": ["logreg_vs_sklearn"], "passed": [True]})
    with pytest.raises(ValueError, match="does not compute"):
        iv.index_table(checks)


# --- one fast run ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("c4")
    return out, iv.run(out, fast=True, seed=0)


def test_fast_run_passes_every_check_and_links_every_task(fast_run):
    out, result = fast_run
    checks, index = result.tables["checks"], result.tables["index"]
    assert checks.passed.all(), checks.loc[~checks.passed, "check"].tolist()
    assert result.metrics["checks_failed"] == 0 and result.metrics["tasks_indexed"] == 34
    assert set(index.check) - {""} == set(checks.check)  # every check belongs to a task, every task's check ran
    assert (index.verdict == "pass").sum() == len(checks) and (index.verdict == "linked").sum() == 34 - len(checks)
    assert all(p.parent == out / "figures" and p.stat().st_size > 10_000 for p in result.figures)


def test_experiments_show_their_point(fast_run):
    _, result = fast_run
    m, bv = result.metrics, result.tables["bias_variance"]
    assert 2 < m["best_degree"] < 9  # sin(2πx) needs a cubic-ish fit; neither extreme
    assert m["residual_first_layer_grad"] > 1000 * m["plain_first_layer_grad"]
    assert m["ab_users_per_arm"] == 14745  # the textbook number for 10% → 11%, α = 0.05, power 0.8
    imbalance = result.tables["imbalance"].set_index("remedy")
    assert imbalance.recall.iloc[0] < imbalance.recall.iloc[1]  # class weights raise recall
    assert m["imbalance_best_f1_ci_low"] <= m["imbalance_best_f1"] <= m["imbalance_best_f1_ci_high"]
    assert (bv.measured_mse >= bv.noise2).all()  # no model beats the noise floor


def test_readme_template_renders(fast_run):
    _, result = fast_run
    text = render(TEMPLATE, m=result.metrics, tables=result.tables, run={})
    assert "12 of 12 cross-checks pass" in text and "14745 users" in text
    assert text.count("| readiness |") == 25
    assert "[`week14_fastapi_docker/Dockerfile`](../../week14_fastapi_docker/Dockerfile)" in text  # README-relative
    assert "{{" not in text and not re.search(r"\bnan\b", text)


# --- the CLI ------------------------------------------------------------------------------------------------------


def test_missing_data_exits_2_with_a_message_not_a_traceback(tmp_path):
    (tmp_path / "wine_quality").mkdir()
    (tmp_path / "wine_quality" / "winequality-white.csv").write_text("fixed acidity;quality\n7.0;6\n")
    result = run_cli(
        "capstones.c4_interview", "--fast", "--out", str(tmp_path / "o"), env={"ROADMAP_DATA_DIR": str(tmp_path)}
    )
    assert_user_error(result, "does not match the registry")


def test_cli_guard_on_bad_arguments():
    from shared.cli import week_main
    from shared.testing import assert_cli_guard

    bad = st.sampled_from(
        [["--seed", "x"], ["--bogus"], ["run", "--seed", "-1"], ["nope"], ["run", "--fast", "--seed"]]
    )
    assert_cli_guard(lambda argv: week_main("c4", argv), bad, max_examples=10)


def test_same_seed_same_experiments_other_seed_other_sample(fast_run):
    _, result = fast_run
    _, again = iv.check_imbalance(0)
    pd.testing.assert_frame_equal(again, result.tables["imbalance"])
    _, table = iv.check_bias_variance(iv.FAST, 0)
    pd.testing.assert_frame_equal(table, result.tables["bias_variance"])
    _, other = iv.check_bias_variance(iv.FAST, 1)
    assert not np.allclose(other.variance, table.variance)
