"""Same seed, same machine → identical metrics (timings, keys ending in `_s`, aside)."""

from __future__ import annotations

import json

import pytest

from shared.runner import run_week
from shared.weeks import find_week


def comparable(out_dir) -> dict:
    metrics = json.loads((out_dir / "metrics.json").read_text())["metrics"]
    return {k: v for k, v in metrics.items() if not k.endswith("_s")}


@pytest.mark.parametrize("key", ["week01", "week03", "week06", "week08", "week09"])  # 10-12 test their own
def test_fast_week_twice_gives_identical_metrics(tmp_path, key):
    week = find_week(key)
    run_week(week, fast=True, seed=7, out_dir=tmp_path / "a")
    run_week(week, fast=True, seed=7, out_dir=tmp_path / "b")
    assert comparable(tmp_path / "a") == comparable(tmp_path / "b")
    record = json.loads((tmp_path / "a/metrics.json").read_text())
    assert record["seed"] == 7 and record["mode"] == "fast" and record["versions"]["numpy"]
