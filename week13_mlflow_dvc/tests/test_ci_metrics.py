"""Week 13 stretch goal, metrics in CI (ci_metrics.py and .github/workflows/metrics.yml): `dvc metrics diff` in a
throw-away git repository with two commits (main, then a branch), the markdown it publishes, and the exit code
that fails the job when a metric misses its target. Offline: no pipeline is run here (the CI job runs it)."""

from __future__ import annotations

import json

import pytest
import yaml

from shared.paths import REPO_ROOT
from shared.testing import run_in_process
from week13_mlflow_dvc import ci_metrics, dvc_project

MAIN = {"val_rmse": 0.70, "val_mae": 0.55, "baseline_val_rmse": 0.875, "n_train": 540, "n_val": 180}  # ratio 0.80
BRANCH = {**MAIN, "val_rmse": 0.665}  # better: ratio 0.76


def _write(project, metrics):
    (project / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A DVC project in git: an empty first commit (tag `empty`), `main` with its metrics, branch `feature`."""
    project = tmp_path_factory.mktemp("ci") / "project"
    ci_metrics.new_repository(project)
    dvc_project.commit(project, "empty")
    dvc_project.sh(project, "git", "tag", "empty")
    dvc_project.sh(project, "dvc", "init", "-q")
    (project / "dvc.yaml").write_text("metrics:\n  - metrics.json\n")  # git-tracked metrics, no stage needed here
    _write(project, MAIN)
    dvc_project.commit(project, "main: metrics")
    dvc_project.sh(project, "git", "checkout", "-q", "-b", "feature")
    _write(project, BRANCH)
    dvc_project.commit(project, "feature: a better model")
    return project


def test_the_summary_has_the_diff_table_and_passes_when_targets_are_met(repo, tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    code, stderr = run_in_process(ci_metrics.main, ["report", "--project", str(repo), "--summary", str(summary)])
    assert code == 0, stderr
    text = summary.read_text()
    assert text.startswith("# earlier step\n")  # appended, as GitHub's job summary expects
    assert "| metric | main | this branch | change |" in text
    assert "| val_rmse | 0.7 | 0.665 | -0.035 |" in text  # the diff: main's value, the branch's, and the change
    assert "| n_train | 540 | 540 | 0 |" in text  # unchanged metrics are listed too (--all)
    assert "| val_rmse_vs_baseline | 0.8 | 0.76 | -0.04 |" in text  # the derived ratio the target is about
    assert "| val_rmse_vs_baseline <= 0.85 | 0.76 | yes |" in text and "All targets met" in text


def test_a_metric_missing_its_target_fails_the_job(repo, tmp_path):
    _write(repo, {**BRANCH, "val_rmse": 0.80})  # uncommitted, as CI leaves the branch's pipeline output
    try:
        summary = tmp_path / "summary.md"
        code, _ = run_in_process(ci_metrics.main, ["report", "--project", str(repo), "--summary", str(summary)])
    finally:
        _write(repo, BRANCH)
    assert code == 1  # the job fails, and its summary is still published, saying why
    markdown = summary.read_text()
    assert "| val_rmse | 0.7 | 0.8 | 0.1 |" in markdown
    assert "| val_rmse_vs_baseline <= 0.85 | 0.9143 | no |" in markdown and "this job fails" in markdown


def test_first_run_shows_the_branch_alone_and_still_checks_targets(repo):
    markdown, passed = ci_metrics.report(repo, "empty", note="no week 13 DVC pipeline on `main` (first run)")
    assert passed is True and "**No baseline:** no week 13 DVC pipeline on `main` (first run)" in markdown
    assert "| val_rmse |  | 0.665 |  |" in markdown  # no old value, no change


def test_report_on_a_folder_without_a_dvc_project_is_a_user_error(tmp_path):
    code, stderr = run_in_process(ci_metrics.main, ["report", "--project", str(tmp_path)])
    assert code == 2 and "not a DVC project" in stderr and "Traceback" not in stderr


def test_the_workflow_fetches_main_and_publishes_the_summary():
    """The schema check of every workflow is tests/test_shared.py; this checks the job does what the README says."""
    workflow = yaml.safe_load((REPO_ROOT / ".github/workflows/metrics.yml").read_text())
    steps = workflow["jobs"]["dvc-metrics"]["steps"]
    commands = "\n".join(step.get("run", "") for step in steps)
    assert "git fetch --depth=1 origin main" in commands
    assert "python -m week13_mlflow_dvc.ci_metrics run" in commands and '--summary "$GITHUB_STEP_SUMMARY"' in commands
    assert "week13_mlflow_dvc/**" in workflow[True]["pull_request"]["paths"]  # YAML 1.1 reads the key `on` as True


@pytest.mark.slow  # runs the fast pipeline twice (about a minute); the CI job `dvc-metrics` runs it on every PR
def test_run_builds_main_and_the_branch_and_diffs_them(tmp_path):
    summary = tmp_path / "summary.md"
    argv = ["run", "--main", str(REPO_ROOT), "--work", str(tmp_path), "--summary", str(summary)]
    code, stderr = run_in_process(ci_metrics.main, argv)  # this checkout as `main` too: nothing may change
    assert code == 0, stderr
    text = summary.read_text()
    assert "| n_train | 540 | 540 | 0 |" in text and "| val_rmse_vs_baseline <= 0.85 |" in text
    assert "No baseline" not in text and "| val_rmse | " in text
    log = dvc_project.sh(tmp_path / "project", "git", "log", "--format=%s")
    assert log.splitlines() == ["main: dvc.lock after dvc repro", "main: the DVC project"]
