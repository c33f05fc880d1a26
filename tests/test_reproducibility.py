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


def test_republish_renders_the_same_block_from_the_saved_run(tmp_path, monkeypatch):
    """`roadmap publish` re-renders from metrics.json + tables: the context equals the one the run itself used."""
    import shared.runner as runner

    week = find_week("week03")
    seen: list[dict] = []
    monkeypatch.setattr(runner, "publish", lambda week, out_dir, result, context: seen.append(context))
    run_week(week, fast=False, seed=7, out_dir=tmp_path, publish_results=True)
    runner.republish(week, tmp_path)
    first, again = seen
    assert again["m"] == json.loads(json.dumps(first["m"])) and again["run"] == first["run"]
    assert set(again["tables"]) == set(first["tables"])
    for name, frame in first["tables"].items():
        assert again["tables"][name].shape == frame.shape


def test_republish_refuses_fast_runs_and_missing_runs(tmp_path):
    from shared.errors import RoadmapError
    from shared.runner import republish

    week = find_week("week03")
    with pytest.raises(RoadmapError, match="no metrics.json"):
        republish(week, tmp_path / "nothing")
    run_week(week, fast=True, seed=7, out_dir=tmp_path)
    with pytest.raises(RoadmapError, match="only full runs publish"):
        republish(week, tmp_path)


def test_a_figure_saved_in_a_subfolder_is_found_again_by_republish(tmp_path):
    """Units that save figures under `figures/` (week 16) record them relative to the run folder, not by bare name."""
    from shared.metrics_io import read_metrics, write_run
    from shared.result import Result

    (tmp_path / "figures").mkdir()
    inside, outside = tmp_path / "figures" / "a.png", tmp_path.parent / "b.png"
    write_run(tmp_path, Result(metrics={"x": 1}, figures=[inside, outside]), record={})
    assert read_metrics(tmp_path)["figures"] == ["figures/a.png", "b.png"]
