"""Week 6: the threshold rule, intervals, a saved model that behaves on held-out cases, and `predict`'s input rules."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from shared.errors import DataError
from shared.model_card import render_model_card
from shared.templates import render
from shared.testing import assert_user_error, run_cli
from week06_cancer_classifier import cancer_classifier as cc
from week06_cancer_classifier.cli import predict_file
from week06_cancer_classifier.inference import OutOfRangeWarning, check_features, load_model, predict

TEMPLATES = Path(cc.__file__).parent / "templates"
SIZE = [c for c in cc.feature_names() if c.split()[-1] in ("radius", "perimeter", "area")]  # 6 size features


# --- pure functions ------------------------------------------------------------------------------


def test_threshold_for_recall_picks_highest_that_reaches_goal():
    y = np.array([1, 1, 1, 1, 0, 0])
    scores = np.array([0.9, 0.8, 0.6, 0.3, 0.4, 0.1])
    assert cc.threshold_for_recall(y, scores, 0.75) == pytest.approx(0.6)
    assert cc.threshold_for_recall(y, scores, 1.0) == pytest.approx(0.3)


def test_rates_follow_the_confusion_counts():
    y = np.array([1, 1, 1, 1, 0, 0, 0, 0])
    scores = np.array([0.9, 0.8, 0.6, 0.2, 0.7, 0.3, 0.1, 0.1])
    rates = cc.rates_with_ci(y, scores, 0.5)  # TP 3, FN 1, FP 1, TN 3
    assert (rates["recall"], rates["precision"], rates["accuracy"]) == (0.75, 0.75, 0.75)
    assert rates["false_negatives"] == rates["false_positives"] == 1
    assert rates["recall_ci_low"] < 0.5 < 0.95 < rates["recall_ci_high"]  # 4 cases say little


def test_auc_by_definition_matches_scikit_learn_with_ties():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 60)
    scores = np.round(rng.random(60) + 0.3 * y, 1)  # rounded: many ties
    assert cc.auc(scores[y == 1], scores[y == 0]) == pytest.approx(roc_auc_score(y, scores))


def test_malignant_is_the_positive_class():
    X, y = cc.load_data()
    assert y.sum() == 212 and len(y) == 569  # 212 malignant, 357 benign in the Wisconsin data
    assert X.loc[y == 1, "mean radius"].mean() > X.loc[y == 0, "mean radius"].mean() + 3  # malignant are larger


# --- the fast run and its model ------------------------------------------------------------------


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("week06")
    return out, cc.run(out, fast=True, seed=42)


@pytest.fixture(scope="module")
def model(fast_run):
    return load_model(fast_run[0] / "model.skops")


@pytest.fixture(scope="module")
def held_out():
    X, y = cc.load_data()
    _, X_test, _, y_test = cc.split(X, y, cc.FAST, 42)
    return X_test, y_test


def test_run_meets_targets_with_a_recall_first_threshold(fast_run):
    out, result = fast_run
    m = result.metrics
    assert all(t.met(m) for t in cc.TARGETS), m
    assert m["val_recall"] >= m["recall_goal"] and m["threshold"] < 0.5
    assert m["test_auc_ci_low"] > 0.95  # the whole interval, not only the point
    assert len(result.figures) == 2 and all(p.is_file() for p in result.figures)
    sidecar = json.loads((out / "model.json").read_text())
    assert sidecar["threshold"] == m["threshold"] and set(sidecar["training_range"]) == set(cc.feature_names())


def test_held_out_predictions_reproduce_the_reported_metrics(fast_run, model, held_out):
    _, result = fast_run
    X_test, y_test = held_out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutOfRangeWarning)  # one test case has an unusually large compactness error
        labels = predict(model, X_test)
    caught = labels["prediction"].to_numpy()[y_test.to_numpy() == 1] == "malignant"
    assert caught.mean() == pytest.approx(result.metrics["test_recall"])
    assert roc_auc_score(y_test, labels["probability_malignant"]) == pytest.approx(result.metrics["test_auc"])
    at_threshold = labels["probability_malignant"] >= result.metrics["threshold"]
    assert (at_threshold == (labels["prediction"] == "malignant")).all()  # the saved model carries the threshold


def test_predictions_do_not_depend_on_the_batch(model, held_out):
    rows = held_out[0].iloc[:15]  # all within the training range
    together = predict(model, rows)
    alone = pd.concat([predict(model, rows.iloc[[i]]) for i in range(len(rows))])
    pd.testing.assert_frame_equal(alone, together)
    pd.testing.assert_frame_equal(predict(model, rows.iloc[::-1]).iloc[::-1], together)


def test_bigger_tumours_score_as_more_likely_malignant(model, held_out):
    """Direction: the same held-out cases with every size feature (radius, perimeter, area) 20% larger."""
    X_test = held_out[0]
    larger = X_test.assign(**{c: X_test[c] * 1.2 for c in SIZE})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutOfRangeWarning)
        before = predict(model, X_test)["probability_malignant"]
        after = predict(model, larger)["probability_malignant"]
    assert (after >= before).all() and (after > before).mean() > 0.9  # equal only where already ~1


def test_templates_render_from_the_result(fast_run, tmp_path):
    _, result = fast_run
    context = {"m": result.metrics, "tables": result.tables, "run": {"seed": 42, "mode": "fast", "hardware": "test"}}
    block = render(TEMPLATES / "results.md", **context)
    assert "95% CI" in block and "(chosen on validation)" in block and "random forest" in block
    card = render_model_card(TEMPLATES / "MODEL_CARD.md", tmp_path / "MODEL_CARD.md", **context).read_text()
    assert "NOT a diagnostic tool" in card


# --- predict: what it refuses and what it warns about --------------------------------------------


@pytest.mark.parametrize("value", ["inf", "1e309", "", "abc"])
def test_bad_values_are_refused_with_the_column_named(held_out, value):
    frame = held_out[0].iloc[:2].astype(object)
    frame.iloc[1, frame.columns.get_loc("worst area")] = value
    with pytest.raises(DataError, match="'worst area'.*(finite|numeric|missing)"):
        check_features(frame.replace("", np.nan), cc.feature_names())


def test_predict_file_rejects_missing_columns(fast_run, tmp_path):
    pd.DataFrame({"radius": [1.0]}).to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(DataError, match="missing column"):
        predict_file(fast_run[0] / "model.skops", tmp_path / "bad.csv", tmp_path / "out.csv")


def test_predict_cli_labels_held_out_cases_and_warns_far_outside_the_range(fast_run, held_out, tmp_path):
    X_test, y_test = held_out
    rows = X_test.iloc[:10].copy()
    rows.iloc[3, rows.columns.get_loc("mean area")] = 1e6  # a tumour of ~5 m radius: never seen in training
    rows.to_csv(tmp_path / "in.csv", index=False)
    result = run_cli("week06_cancer_classifier", "predict", str(tmp_path / "in.csv"),
                     "--model", str(fast_run[0] / "model.skops"), "--output", str(tmp_path / "out.csv"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "warning: column 'mean area': row(s) 4 lie far outside the training range" in result.stderr
    written = pd.read_csv(tmp_path / "out.csv")
    assert list(written["row"]) == list(range(1, 11))
    ok = np.r_[0:3, 4:10]  # every unchanged held-out case gets the label its diagnosis says
    assert (written["prediction"].to_numpy()[ok] == np.where(y_test.iloc[ok] == 1, "malignant", "benign")).mean() >= 0.8


def test_predict_cli_rejects_infinity_with_exit_2(fast_run, held_out, tmp_path):
    rows = held_out[0].iloc[:2].astype(object)
    rows.iloc[0, rows.columns.get_loc("mean radius")] = "inf"
    rows.to_csv(tmp_path / "bad.csv", index=False)
    result = run_cli("week06_cancer_classifier", "predict", str(tmp_path / "bad.csv"),
                     "--model", str(fast_run[0] / "model.skops"), "--output", str(tmp_path / "out.csv"))  # fmt: skip
    assert_user_error(result, "'mean radius' must be a finite number")
    assert not (tmp_path / "out.csv").exists()


# --- the standing guard (issue 13): whatever the user passes, exit 0 or 2, never a traceback ---------


@pytest.fixture(scope="module")
def hostile_paths(tmp_path_factory, fast_run, held_out):
    root = tmp_path_factory.mktemp("hostile")
    (root / "folder").mkdir()
    held_out[0].iloc[:3].to_csv(root / "good.csv", index=False)
    (root / "garbage.csv").write_bytes(b"\xff\xfe\x00garbage,\n\x00\x01")
    (root / "header-only.csv").write_text(",".join(cc.feature_names()) + "\n")
    (root / "fake.skops").write_text("not a model")
    (root / "dangling").symlink_to(root / "nowhere")
    names = ("good.csv", "garbage.csv", "header-only.csv", "folder", "missing.csv", "dangling")
    inputs = [str(root / n) for n in names]
    inputs += [str(fast_run[0] / "model.json"), ""]
    models = [str(fast_run[0] / "model.skops"), str(root / "fake.skops"), str(root / "folder"), str(root / "good.csv")]
    outputs = [str(root / "out.csv"), str(root / "folder"), str(root / "new" / "deeper" / "out.csv")]
    return inputs, models, outputs


def test_predict_command_guard(hostile_paths):
    from hypothesis import strategies as st

    from shared.cli import week_main
    from shared.testing import assert_cli_guard
    from week06_cancer_classifier.cli import add_commands

    inputs, models, outputs = hostile_paths
    argvs = st.tuples(st.sampled_from(inputs), st.sampled_from(models), st.sampled_from(outputs), st.booleans()).map(
        lambda a: ["predict", a[0], "--model", a[1], "--output", a[2]] + (["--bogus"] if a[3] else [])
    )
    assert_cli_guard(lambda argv: week_main("week06", argv, add_commands=add_commands), argvs)
