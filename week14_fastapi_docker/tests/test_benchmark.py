"""The benchmark's statistics and its fast mode, end to end (a real uvicorn, a real load generator)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from shared.model_card import render_model_card
from shared.templates import render
from shared.testing import assert_user_error, run_cli
from week14_fastapi_docker import benchmark, loadgen


def test_percentiles_use_nearest_rank_and_errors_count_as_infinitely_slow():
    latencies = np.arange(1, 101) / 1000  # 1..100 ms
    assert loadgen.percentile_ms(latencies, 50) == pytest.approx(50)
    assert loadgen.percentile_ms(latencies, 99) == pytest.approx(99)
    with_errors = latencies.copy()
    with_errors[-2:] = math.inf  # two failed requests out of 100: p99 must not look fine
    assert loadgen.percentile_ms(with_errors, 99) == math.inf
    assert loadgen.percentile_ms(with_errors, 95) == pytest.approx(95)


def test_quantile_interval_brackets_the_true_p99_about_95_percent_of_the_time():
    rng = np.random.default_rng(0)
    true_p99 = 1000 * -np.log(0.01)  # exponential(1 s) in ms
    hits = 0
    for _ in range(400):
        low, high = loadgen.quantile_ci_ms(rng.exponential(1.0, 500), 99)
        hits += low <= true_p99 <= high
    assert 0.90 <= hits / 400 <= 0.99  # a wrong rank choice gives ~0.6 or ~1.0


def test_summary_reads_the_knee_of_each_variant():
    load = pd.DataFrame(
        [
            {
                "variant": "a",
                "workers": 1,
                "step": "10 rps",
                "offered_rps": 10,
                "p99_ms": 20.0,
                "errors": 0,
                "achieved_rps": 10,
            },
            {
                "variant": "a",
                "workers": 1,
                "step": "100 rps",
                "offered_rps": 100,
                "p99_ms": 45.0,
                "errors": 0,
                "achieved_rps": 99,
            },
            {
                "variant": "a",
                "workers": 1,
                "step": "300 rps",
                "offered_rps": 300,
                "p99_ms": 40.0,
                "errors": 3,
                "achieved_rps": 250,
            },
            {
                "variant": "a",
                "workers": 1,
                "step": "saturation",
                "offered_rps": None,
                "p99_ms": 90.0,
                "errors": 0,
                "achieved_rps": 260,
            },
        ]
    )
    [row] = benchmark.summarise(load, (10, 100, 300)).to_dict("records")
    assert row["p99_ms_at_100rps"] == 45.0
    assert row["max_offered_rps_p99_50ms"] == 100  # 300 rps had errors: not held, however low its p99
    assert row["saturation_rps"] == 260


def test_int8_accuracy_check_pairs_the_same_sentences(model_dir):
    dev = pd.DataFrame({"sentence": ["Great.", "Awful.", "Fine, I guess.", "A mess."] * 3, "label": [1, 0, 1, 0] * 3})
    out = benchmark.accuracy_check(model_dir, dev, benchmark.FAST, seed=0)
    assert out["accuracy_rows"] == 12
    assert out["int8_accuracy_drop"] == pytest.approx(out["fp32_dev_accuracy"] - out["int8_dev_accuracy"])
    assert out["int8_accuracy_drop_ci_low"] <= out["int8_accuracy_drop_ci_high"]
    assert out["int8_disagreements"] >= round(abs(out["int8_accuracy_drop"]) * 12)  # a net change needs changed rows


def test_fast_run_load_tests_a_real_server_and_writes_the_tables(tmp_path, model_dir, monkeypatch):
    monkeypatch.setattr(benchmark.demo_model, "trained_model_dir", lambda: model_dir)
    result = benchmark.run(tmp_path, fast=True, seed=0)
    load = result.tables["load"]
    assert list(load["step"]) == ["saturation", "5 rps", "15 rps"]
    assert (load["errors"] == 0).all() and (load["achieved_rps"] > 0).all()
    steps = load[load["step"] != "saturation"]
    assert (steps["achieved_rps"] <= steps["offered_rps"] * 1.05).all()  # never more than was offered
    assert result.metrics["model_source"] == "week 12 full run"  # what trained_model_dir() returned (patched)
    assert result.figures[0].is_file() and (tmp_path / "server_logs").is_dir()
    assert result.tables["cost"]["usd_per_million"].iloc[0] > 0
    # The README block and the model card render from this Result (a missing metric would raise).
    context = {
        "m": result.metrics,
        "tables": result.tables,
        "run": {"seed": 0, "wall_time_s": 1.0, "hardware": "test", "mode": "fast", "week": "week14"},
    }
    block = render(benchmark_folder() / "templates" / "results.md", **context)
    assert "15 rps" in block and "saturation" in block
    card = render_model_card(benchmark_folder() / "templates" / "MODEL_CARD.md", tmp_path / "MODEL_CARD.md", **context)
    assert card.is_file()


def benchmark_folder():
    return Path(benchmark.__file__).parent


def test_cli_refuses_bad_arguments_cleanly(tmp_path):
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    assert_user_error(run_cli("week14_fastapi_docker", "run", "--fast", "--out", str(a_file)), "is a file")
    assert_user_error(run_cli("week14_fastapi_docker", "--seed", "-1"), "out of range")
