"""Every week the registry lists is complete (README, tests, entry point) and in the README's results table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shared.paths import REPO_ROOT
from shared.weeks import WEEKS, find_week

README_SECTIONS = ["How to run", "Results", "Ethics"]


@pytest.mark.parametrize("week", WEEKS, ids=lambda w: w.key)
def test_week_folder_follows_the_pattern(week):
    folder = week.folder
    assert (folder / "__init__.py").is_file() and (folder / "__main__.py").is_file()
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for section in README_SECTIONS:
        assert re.search(rf"^#+ .*{section}", readme, re.MULTILINE | re.IGNORECASE), f"{week.key}: no '{section}'"
    assert "<!-- results:start -->" in readme and "<!-- results:end -->" in readme
    tests = list((folder / "tests").glob("test_*.py"))
    assert tests, f"{week.key} has no tests"


@pytest.mark.parametrize("week", WEEKS, ids=lambda w: w.key)
def test_entry_module_exposes_the_contract(week):
    module = week.module()
    assert callable(module.run)
    assert isinstance(getattr(module, "TARGETS", None), list)


@pytest.mark.parametrize("week", WEEKS, ids=lambda w: w.key)
def test_published_figures_are_linked_from_the_readme(week):
    """Figures a full run copied into figures/ must be shown (a learner should see them without running)."""
    readme = (week.folder / "README.md").read_text(encoding="utf-8")
    for png in (week.folder / "figures").glob("*.png"):
        assert f"figures/{png.name}" in readme, f"{week.key}: figures/{png.name} is not linked from README.md"


def test_readme_results_table_lists_every_registered_week():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- results:start -->", 1)[1].split("<!-- results:end -->", 1)[0]
    keys = {line.split("|")[1].strip() for line in block.splitlines() if line.startswith("| ") and "---" not in line}
    assert keys - {"week", "unit"} == {w.key for w in WEEKS}


def test_every_week_folder_on_disk_is_registered():
    on_disk = {p.name for p in REPO_ROOT.glob("week[0-9][0-9]_*") if p.is_dir()}
    on_disk |= {f"capstones.{p.name}" for p in (REPO_ROOT / "capstones").glob("c[0-9]_*") if p.is_dir()}
    assert on_disk == {w.package for w in WEEKS}


def test_find_week_accepts_every_spelling():
    assert find_week("week01").package == find_week("week01_expense_tracker").package
    assert find_week("c1") is find_week("c1_melanoma_eda")


def test_no_data_files_or_models_committed():
    import subprocess

    tracked = subprocess.run(["git", "ls-files"], capture_output=True, text=True, cwd=REPO_ROOT).stdout.split()
    forbidden = re.compile(r"\.(csv|tsv|gz|pkz|pkl|pickle|pt|pth|safetensors|skops|npz|npy|joblib)$|(^|/)outputs/")
    source_tables = {"capstones/c4_interview/tasks.csv"}  # hand-written index (source), not data
    assert [f for f in tracked if forbidden.search(f) and f not in source_tables] == []
    assert all((REPO_ROOT / f).stat().st_size < 1_000_000 for f in tracked if (REPO_ROOT / f).is_file())


def test_library_code_never_reads_the_mirror_directly():
    offenders = []
    for path in list(REPO_ROOT.glob("shared/**/*.py")) + list(REPO_ROOT.glob("week*/**/*.py")):
        if "/tests/" in path.as_posix():
            continue
        text = path.read_text(encoding="utf-8")
        if "../shared" in text or "/work/shared" in text:
            offenders.append(str(Path(path).relative_to(REPO_ROOT)))
    assert offenders == []
