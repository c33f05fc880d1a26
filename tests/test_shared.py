"""Unit tests of the shared building blocks: seeding, results files, README blocks, templates, model cards,
model files, the text-input contract, CSV safety, targets and the CLI boundary."""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from shared.atomic import atomic_write_bytes, atomic_write_text
from shared.csv_safe import neutralise, write_csv_safely
from shared.errors import DataError, RoadmapError
from shared.markdown import markdown_table, replace_block
from shared.metrics_io import read_table, write_run
from shared.model_card import SECTIONS, missing_sections, render_model_card
from shared.paths import REPO_ROOT
from shared.result import Result
from shared.seed import seed_everything
from shared.stats import proportion_ci
from shared.targets import Target
from shared.templates import render
from shared.testing import assert_user_error, run_cli
from shared.text_input import check_texts


def test_seed_everything_repeats_every_source():
    import torch

    def draw():
        rng = seed_everything(3)
        legacy = np.random.rand()  # noqa: NPY002 - the legacy global state must be seeded too
        return random.random(), legacy, rng.random(), torch.rand(1).item()

    assert draw() == draw()
    with pytest.raises(ValueError):
        seed_everything(-1)


def test_metrics_json_is_valid_json_even_with_nan_and_tables_are_csv(tmp_path):
    result = Result(metrics={"acc": np.float32(0.5), "bad": math.nan}, tables={"t": pd.DataFrame({"a": [1, 2]})})
    write_run(tmp_path, result, record={"week": "w", "seed": 1, "mode": "fast"})
    record = json.loads((tmp_path / "metrics.json").read_text())
    assert record["metrics"] == {"acc": 0.5, "bad": None} and record["tables"] == ["t"]
    assert record["mode"] == "fast" and record["hardware"] and record["versions"]["python"]
    assert read_table(tmp_path, "t")["a"].tolist() == [1, 2]


def test_result_refuses_rows_in_metrics():
    with pytest.raises(TypeError, match="Result.tables"):
        Result(metrics={"per_class": [0.1, 0.2]})
    with pytest.raises(TypeError, match="DataFrame"):
        Result(metrics={}, tables={"t": {"a": 1}})


def test_atomic_write_leaves_no_partial_file_on_error(tmp_path):
    target = tmp_path / "f.txt"
    atomic_write_text(target, "old")

    with pytest.raises(TypeError):
        atomic_write_bytes(target, 123)  # type: ignore[arg-type]  # fails half-way through the write
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


def test_markdown_table_from_a_dataframe():
    table = markdown_table(pd.DataFrame({"model": ["lr"], "acc": [0.83123]}))
    assert table.splitlines()[-1] == "| lr | 0.8312 |"


def test_templates_fill_numbers_and_refuse_missing_ones(tmp_path):
    template = tmp_path / "results.md"
    template.write_text("Accuracy {{ m.acc | pct }}, {{ ci(m, 'acc') }}\n\n{{ tables.t | table }}\n")
    m = {"acc": 0.8514, "acc_ci_low": 0.844, "acc_ci_high": 0.858}
    text = render(template, m=m, tables={"t": pd.DataFrame({"a": [1]})})
    assert text.startswith("Accuracy 85.1%, 85.1% (95% CI 84.4–85.8%)") and "| a |" in text
    with pytest.raises(KeyError, match="accuracy"):
        template.write_text("{{ m.accuracy }}")
        render(template, m=m, tables={})


def test_model_card_requires_every_section(tmp_path):
    full = "# Card\n" + "".join(f"## {name}\n\ntext {{{{ m.acc }}}}\n\n" for name in SECTIONS)
    template = tmp_path / "MODEL_CARD.md"
    template.write_text(full)
    path = render_model_card(template, tmp_path / "out.md", m={"acc": 0.9})
    assert "## Ethical considerations\n\ntext 0.9" in path.read_text()
    template.write_text(
        full.replace("## Caveats and recommendations\n\ntext {{ m.acc }}", "## Caveats and recommendations\n")
    )
    with pytest.raises(ValueError, match="Caveats"):
        render_model_card(template, tmp_path / "out2.md", m={"acc": 0.9})
    assert missing_sections("## Model details\nx\n") == SECTIONS[1:]


def test_every_model_card_template_has_every_section():
    from shared.weeks import WEEKS

    for week in WEEKS:
        template = week.folder / "templates" / "MODEL_CARD.md"
        if template.is_file():
            text = template.read_text()
            assert not [s for s in SECTIONS if f"## {s}" not in text], template


def test_text_input_contract_names_the_bad_text():
    assert check_texts("good", max_chars=10) == ["good"]
    for bad, message in [(None, "got NoneType"), (5, "got int"), ([], "no texts"), (["ok", " "], "text 2 is empty"),
                         (["ok", 3], "text 2 is a int"), (["x" * 11], "text 1 has 11 characters"),
                         (["caf\udce9"], "text 1 is not valid UTF-8")]:  # fmt: skip
        with pytest.raises(DataError, match=message):
            check_texts(bad, max_chars=10)
    with pytest.raises(DataError, match="at most 2"):
        check_texts(["a", "b", "c"], max_chars=10, max_texts=2)


def test_csv_cells_that_spreadsheets_would_run_are_neutralised(tmp_path):
    assert [neutralise(v) for v in ["=1+1", "+SUM(A1)", "@x", "\tcmd", "-2+3", "ok", -5]] == [
        "'=1+1", "'+SUM(A1)", "'@x", "'\tcmd", "'-2+3", "ok", -5,
    ]  # fmt: skip
    path = write_csv_safely(pd.DataFrame({"d": ["=cmd|' /C calc'!A0"], "n": [-3]}), tmp_path / "x.csv")
    assert path.read_text().splitlines()[1] == "'=cmd|' /C calc'!A0,-3"


def test_torch_model_files_round_trip_and_refuse_damage(tmp_path):
    import torch

    from shared.torch_io import load_torch, save_torch

    def build(config):
        return torch.nn.Linear(config["n_in"], 1)

    model = build({"n_in": 3})
    path = save_torch(model, tmp_path / "m.safetensors", config={"n_in": 3}, seed=5, datasets=["titanic"])
    loaded, meta = load_torch(path, build)
    assert torch.equal(loaded.weight, model.weight) and meta["seed"] == 5 and meta["data_sha256"]["titanic"]
    with pytest.raises(RoadmapError, match="do not match"):
        load_torch(path, lambda config: torch.nn.Linear(4, 1))
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(RoadmapError, match="not a readable safetensors"):
        load_torch(path, build)
    (tmp_path / "m.json").write_text("{not json")
    with pytest.raises(RoadmapError, match="not valid JSON"):
        load_torch(path, build)


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
    assert_user_error(run_cli("shared", "run", "week99"), "unknown week 'week99'")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "week03", "--fast", "--seed", "-1"], "out of range"),
        (["run", "week03", "--fast", "--seed", "99999999999999999999"], "out of range"),
        (["reproduce", "--weeks"], "expected at least one argument"),
    ],
)
def test_cli_rejects_bad_arguments_cleanly(args, message):
    assert_user_error(run_cli("shared", *args), message)


def test_cli_turns_file_system_errors_into_messages(tmp_path):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert_user_error(run_cli("shared", "run", "week03", "--fast", "--out", str(a_file)), "is a file")
    # /proc refuses new folders even for root: the error must name the path, not end in a traceback.
    assert_user_error(run_cli("shared", "run", "week03", "--fast", "--out", "/proc/roadmap-out/x"), "/proc/roadmap-out")


def test_misspelled_data_dir_is_named(tmp_path):
    env = {"ROADMAP_DATA_DIR": str(tmp_path / "typo")}
    assert_user_error(run_cli("shared", "data", "verify", env=env), "typo does not exist")


def test_ci_script_runs_the_readme_test_command():
    ci = (REPO_ROOT / ".ci/run").read_text()
    readme = (REPO_ROOT / "README.md").read_text()
    assert "make test" in ci and "make test" in readme


def test_time_targets_are_reported_but_never_gate():
    assert Target("acc", ">=", 0.8).gating and not Target("train_time_s", "<=", 900).gating


def test_atomic_writes_keep_the_mode_of_the_file_they_replace(tmp_path):
    target = tmp_path / "README.md"
    atomic_write_text(target, "new")
    assert target.stat().st_mode & 0o777 == 0o666 & ~_current_umask()
    target.chmod(0o640)
    atomic_write_text(target, "again")
    assert target.stat().st_mode & 0o777 == 0o640


def _current_umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_load_sampler_reads_the_load_through_the_block_not_once_at_the_end():
    import os
    import time

    from shared.timing import load_sampler

    with load_sampler(every_s=0.01) as load:
        time.sleep(0.1)
    assert load["samples"] >= 3  # sampled through the block, not once
    assert load["max"] >= load["mean"] > 0 or os.getloadavg()[0] == 0
