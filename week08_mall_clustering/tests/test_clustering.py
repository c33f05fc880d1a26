"""Week 8: K-Means finds known structure and not imaginary structure, the run's checks can fail, and `predict`."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits

from shared.errors import DataError, RoadmapError
from shared.runner import run_week
from shared.templates import render
from shared.testing import assert_user_error, run_cli
from shared.weeks import find_week
from week08_mall_clustering import clustering as cl
from week08_mall_clustering.inference import OutOfRangeWarning, load_model, predict


@pytest.fixture(autouse=True)
def one_thread():
    """As in `run()`: K-Means on 200 rows is much faster on one thread of a busy 2-core CPU."""
    with threadpool_limits(limits=1):
        yield


SMALL = cl.Config(k_values=(2, 3, 4, 5, 6), n_init=2, stability_seeds=3, n_bootstrap=5, n_shuffles=1)


@pytest.fixture(scope="module")
def blobs():
    """Four well-separated groups of 50 in three features: structure we know."""
    X, truth = make_blobs(n_samples=200, centers=4, n_features=3, cluster_std=1.0, center_box=(-10, 10), random_state=3)
    return pd.DataFrame(X, columns=cl.FEATURES), truth


# --- the procedure on data whose answer we know ------------------------------------------------------


def test_finds_the_known_groups_and_the_same_ones_for_every_seed(blobs):
    X, truth = blobs
    scan, models = cl.scan_k(X, SMALL, seed=0)
    k = cl.choose_k(scan)
    assert k == 4
    assert adjusted_rand_score(truth, models[k][-1].labels_) > 0.95
    assert cl.seed_stability(X, k, SMALL, seed=0)["ari_vs_first"].min() > 0.95


def test_bootstrap_is_sure_of_clear_structure(blobs):
    X, truth = blobs
    boot = cl.bootstrap(X, truth, 4, SMALL, seed=0)
    assert (boot["chosen_k"] == 4).all() and boot["ari_vs_full_data"].min() > 0.95
    assert boot.equals(cl.bootstrap(X, truth, 4, SMALL, seed=0))  # same seed, same resamples


def test_shuffled_columns_destroy_the_structure(blobs):
    X, _ = blobs
    shuffled = cl.shuffled_reference(X, SMALL, seed=0)
    real = cl.scan_k(X, SMALL, seed=0)[0]["silhouette"].max()
    assert shuffled["silhouette"].max() < real - 0.2


def test_choose_k_takes_highest_silhouette():
    scan = pd.DataFrame({"k": [2, 3, 4], "silhouette": [0.3, 0.5, 0.4], "inertia": [9, 5, 4]})
    assert cl.choose_k(scan) == 3


def test_profiles_describe_numbers_not_people():
    customers = pd.DataFrame(
        {
            "age": [20, 22, 60, 62],
            "income_k": [30, 32, 90, 92],
            "spending_score": [49, 51, 49, 51],
            "gender": ["Female", "Male", "Female", "Female"],
        }
    )
    profiles = cl.describe_clusters(customers, np.array([0, 0, 1, 1]))
    assert profiles.loc[0, "in_words"] == "age below average; income below average; spending score near average"
    assert profiles.loc[1, "share_women"] == 1.0


# --- the fast run on the mall customers ---------------------------------------------------------------


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("week08")
    return out, run_week(find_week("week08"), fast=True, seed=42, out_dir=out)["metrics"]


def test_segments_are_clearly_better_than_no_structure_and_stable(fast_run):
    _, m = fast_run
    assert m["silhouette"] >= 0.35 > m["shuffled_silhouette_max"]  # the target would fail on data without groups
    assert m["silhouette_ci_low"] > m["shuffled_silhouette_max"]
    assert m["stability_ari_min"] > 0.9 > m["shuffled_stability_ari_min"]


def test_segments_include_the_four_income_spending_corners(fast_run):
    """The well-known structure of this data: high/low income crossed with high/low spending."""
    out, _ = fast_run
    words = pd.read_csv(out / "tables" / "profiles.csv")["in_words"].tolist()
    corners = [
        ("income well above", "spending score well below"),
        ("income above", "spending score well above"),  # that corner's mean income is 0.9 sd above the mean
        ("income well below", "spending score well above"),
        ("income well below", "spending score well below"),
    ]
    for income, spending in corners:
        assert any(income in w and spending in w for w in words), (income, spending, words)


def test_saved_pipeline_reproduces_the_reported_segments(fast_run):
    out, m = fast_run
    model = load_model(out / "model.skops")
    customers, X = cl.load_customers()
    segments = predict(model, customers)
    sizes = pd.read_csv(out / "tables" / "profiles.csv")["customers"].tolist()
    assert np.bincount(segments).tolist() == sizes and len(sizes) == m["n_clusters"]
    single = predict(model, customers.iloc[[7]])
    assert single[0] == segments[7]  # one customer alone gets the segment it gets in a batch


def test_a_typical_customer_lands_in_the_matching_segment(fast_run):
    out, _ = fast_run
    model = load_model(out / "model.skops")
    profiles = pd.read_csv(out / "tables" / "profiles.csv")
    for row in profiles.itertuples():
        typical = pd.DataFrame([{"age": row.mean_age, "income_k": row.mean_income_k,
                                 "spending_score": row.mean_spending_score}])  # fmt: skip
        assert predict(model, typical)[0] == row.cluster


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"age": [30], "income_k": [50]}), "missing column"),
        (pd.DataFrame({"age": ["thirty"], "income_k": [50], "spending_score": [40]}), "numeric"),
        (pd.DataFrame({"age": [30], "income_k": [np.inf], "spending_score": [40]}), "finite"),
        (pd.DataFrame({"age": [30], "income_k": [None], "spending_score": [40]}), "missing value"),
    ],
)
def test_predict_refuses_unusable_rows(fast_run, frame, message):
    model = load_model(fast_run[0] / "model.skops")
    with pytest.raises(DataError, match=message):
        predict(model, frame)


def test_predict_warns_far_outside_the_customers(fast_run):
    model = load_model(fast_run[0] / "model.skops")
    with pytest.warns(OutOfRangeWarning, match="income_k"):
        predict(model, pd.DataFrame({"age": [30], "income_k": [900], "spending_score": [40]}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        predict(model, pd.DataFrame({"age": [30], "income_k": [60], "spending_score": [40]}))


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(RoadmapError, match="not found"):
        load_model(tmp_path / "model.skops")


def test_templates_render_from_the_run(fast_run):
    out, m = fast_run
    tables = {p.stem: pd.read_csv(p) for p in (out / "tables").glob("*.csv")}
    text = render(cl.Path(cl.__file__).parent / "templates" / "results.md", m=m, tables=tables,
                  run={"seed": 42, "mode": "fast", "hardware": "test", "wall_time_s": 1.0})  # fmt: skip
    assert f"**{m['n_clusters']} segments**" in text and "(chosen)" in text
    assert (out / "MODEL_CARD.md").is_file()
    assert {p.name for p in out.glob("*.png")} == {"k_selection.png", "clusters.png", "silhouette.png",
                                                   "uncertainty.png"}  # fmt: skip


# --- the command line ---------------------------------------------------------------------------------


def test_cli_assigns_segments_and_refuses_bad_files(fast_run, tmp_path):
    model = str(fast_run[0] / "model.skops")
    good = tmp_path / "customers.csv"
    pd.DataFrame({"age": [25, 45], "income_k": [25, 90], "spending_score": [80, 15]}).to_csv(good, index=False)
    result = run_cli(
        "week08_mall_clustering", "predict", str(good), "--model", model, "--output", str(tmp_path / "o.csv")
    )
    assert result.returncode == 0, result.stderr
    out = pd.read_csv(tmp_path / "o.csv")
    assert out["segment_in_words"].str.contains("spending score well above").iloc[0]
    assert out["segment_in_words"].str.contains("spending score well below").iloc[1]

    bad = tmp_path / "bad.csv"
    bad.write_text("age,income_k,spending_score\n30,=cmd|' /C calc'!A0,40\n")
    assert_user_error(run_cli("week08_mall_clustering", "predict", str(bad), "--model", model), "income_k")
