"""Unit tests of the shared building blocks: seeding, results files, README blocks, model cards, targets."""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys

import numpy as np
import pytest

from shared.model_card import render_model_card
from shared.results import REPO_ROOT, atomic_write_text, markdown_table, replace_block, write_metrics
from shared.seed import seed_everything
from shared.stats import proportion_ci
from shared.targets import Target


def test_seed_everything_repeats_every_source():
    import torch

    def draw():
        rng = seed_everything(3)
        legacy = np.random.rand()  # noqa: NPY002 - the legacy global state must be seeded too
        return random.random(), legacy, rng.random(), torch.rand(1).item()

    assert draw() == draw()
    with pytest.raises(ValueError):
        seed_everything(-1)


def test_metrics_json_is_valid_json_even_with_nan(tmp_path):
    write_metrics(tmp_path, {"acc": np.float32(0.5), "bad": math.nan}, week="w", seed=1, fast=True, wall_time_s=1.23)
    record = json.loads((tmp_path / "metrics.json").read_text())
    assert record["metrics"] == {"acc": 0.5, "bad": None}
    assert record["mode"] == "fast" and record["hardware"] and record["versions"]["python"]


def test_atomic_write_leaves_no_partial_file_on_error(tmp_path):
    target = tmp_path / "f.txt"
    atomic_write_text(target, "old")

    with pytest.raises(TypeError):
        atomic_write_text(target, 123)  # type: ignore[arg-type]
    assert target.read_text() == "old" and list(tmp_path.iterdir()) == [target]


def test_replace_block_only_touches_the_block(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# T\n<!-- results:start -->\nold\n<!-- results:end -->\ntail\n")
    replace_block(readme, "results", "| a |\n|---|")
    assert readme.read_text() == "# T\n<!-- results:start -->\n| a |\n|---|\n<!-- results:end -->\ntail\n"
    with pytest.raises(ValueError):
        replace_block(readme, "missing", "x")


def test_markdown_table_formats_and_escapes():
    table = markdown_table([{"m": "a|b", "v": 0.123456}])
    assert table.splitlines() == ["| m | v |", "|---|---|", "| a\\|b | 0.1235 |"]


def test_model_card_requires_every_section(tmp_path):
    sections = dict.fromkeys(
        ["model_details", "intended_use", "factors", "evaluation_data", "training_data", "ethical_considerations"], "x"
    )
    with pytest.raises(ValueError, match="caveats"):
        render_model_card(tmp_path, title="m", metrics={"acc": 0.9}, **sections)
    path = render_model_card(tmp_path, title="m", metrics={"acc": 0.9}, caveats="y", hardware="cpu", **sections)
    text = path.read_text()
    assert "## Ethical considerations" in text and "| acc | 0.9 |" in text and "Measured on: cpu" in text


def test_targets_compare_and_treat_missing_as_missed():
    target = Target("acc", ">=", 0.85)
    assert target.met({"acc": 0.85}) and not target.met({"acc": 0.8}) and not target.met({})
    with pytest.raises(ValueError):
        Target("acc", "=>", 1)


def test_wilson_interval_stays_inside_unit_range():
    low, high = proportion_ci(0, 10)
    assert low == 0 and 0 < high < 0.35
    low, high = proportion_ci(50, 100)
    assert low < 0.5 < high


def test_workflows_match_the_github_schema():
    workflows = sorted((REPO_ROOT / ".github/workflows").glob("*.yml"))
    assert workflows
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", *map(str, workflows)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_cli_unknown_week_is_a_clear_error():
    result = subprocess.run([sys.executable, "-m", "shared", "run", "week99"], capture_output=True, text=True)
    assert result.returncode == 2 and "unknown week 'week99'" in result.stderr and "Traceback" not in result.stderr


def test_ci_script_runs_the_readme_test_command():
    ci = (REPO_ROOT / ".ci/run").read_text()
    readme = (REPO_ROOT / "README.md").read_text()
    assert "make test" in ci and "make test" in readme
