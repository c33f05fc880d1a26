"""The grading framework (shared/grading): isolation, limits, loading notebooks and packages, the CLI.

Week 3's grader is the test bed (its checks need no data and take milliseconds), with the framework fixtures in
week03_gradients/tests/grading_fixtures/: a solution that hangs, one that crashes the process, one that
allocates without bound, one whose own helper raises, one that fails at import, and notebooks and a package.
"""

from __future__ import annotations

import json
import sys

import pytest

from shared.cli import main
from shared.grading.grader import grade
from shared.grading.loader import only_displays
from shared.paths import REPO_ROOT
from shared.testing import assert_user_error, run_cli, run_in_process

FIXTURES = REPO_ROOT / "week03_gradients" / "tests" / "grading_fixtures"
DESCENT = {"descent_converges", "descent_update_rule"}


def test_a_hang_fails_its_own_checks_and_the_others_still_run():
    checks = ["analytic_matches", "descent_converges", "descent_update_rule"]  # a quick one, then two that hang
    report = grade("week03", FIXTURES / "hangs.py", metrics=False, max_timeout_s=1.5, checks=checks)
    assert report.failed == DESCENT  # the second hang ran in a fresh worker, after the first was stopped
    stopped = next(c for c in report.checks if c.name == "descent_converges")
    assert "did not finish within 1.5 s" in stopped.message and "endless loop" in stopped.message
    assert [c.name for c in report.checks if c.passed] == ["load", "analytic_matches"]


def test_a_crash_is_a_failed_check_naming_the_signal():
    report = grade("week03", FIXTURES / "crashes.py", metrics=False)
    assert report.failed == {"analytic_matches"}
    crashed = next(c for c in report.checks if not c.passed)
    assert "worker process died" in crashed.message and "SIGSEGV" in crashed.message


def test_unbounded_allocation_hits_the_memory_cap():
    report = grade("week03", FIXTURES / "memory_bomb.py", metrics=False)
    assert report.failed == DESCENT
    assert all("ran out of memory" in c.message for c in report.checks if not c.passed)


def test_the_traceback_shows_the_learners_frames_only():
    report = grade("week03", FIXTURES / "raises.py", metrics=False)
    assert report.failed == DESCENT
    failed = next(c for c in report.checks if not c.passed)
    assert "NameError" in failed.message
    assert failed.detail.count("raises.py") == 2  # gradient_descent → _step, most recent last
    assert "shared/grading" not in failed.detail and "worker.py" not in failed.detail  # no grader frames
    assert "must" not in failed.hint and failed.hint  # the check's own hint comes with it


def test_a_solution_that_fails_at_import_fails_load_and_nothing_else_runs():
    report = grade("week03", FIXTURES / "import_fails.py", metrics=False)
    assert "load" in report.failed and report.failed == {c.name for c in report.checks}
    load = report.checks[0]
    assert "ValueError" in load.message and "import_fails.py" in load.detail


def test_a_notebook_loads_skipping_cells_that_only_display():
    assert grade("week03", FIXTURES / "notebook_solution.ipynb", metrics=False).passed


def test_a_notebook_cell_that_computes_and_fails_fails_the_load_pointing_at_the_cell():
    report = grade("week03", FIXTURES / "notebook_broken.ipynb", metrics=False)
    load = report.checks[0]
    assert not load.passed and "n_steps" in load.message
    assert "notebook_broken.ipynb#cell2" in load.detail


def test_a_package_folder_is_searched_module_by_module():
    assert grade("week03", FIXTURES / "package_solution", metrics=False).passed


@pytest.mark.slow  # over ~10 s on a busy 2-core CPU: `make test-slow`
def test_in_process_grading_of_named_checks_for_fast_fixture_tests():
    report = grade("week03", FIXTURES / "h_too_large.py", metrics=False, isolate=False,
                   checks=["accurate_on_non_polynomial", "analytic_matches"])  # fmt: skip
    assert [c.name for c in report.checks] == ["load", "analytic_matches", "accurate_on_non_polynomial"]
    assert report.failed == {"accurate_on_non_polynomial"}
    assert grade("week03", FIXTURES / "sign_error.py", metrics=False, isolate=False).failed == {
        "numerical_matches_analytic", "accurate_on_non_polynomial", "works_in_n_dimensions"}  # fmt: skip


@pytest.mark.parametrize(
    ("source", "displays"),
    [
        ("plt.plot(x, y)\nplt.show()", True),
        ("fig, ax = plt.subplots()\nax.hist(x)", True),
        ("display(df.head())\ndf.describe()", True),
        ("import seaborn as sns\nsns.histplot(df)", True),
        ("df", True),
        ("model = fit(X, y)", False),
        ("plt.plot(x)\nresult = compute(x)", False),
        ("for v in values:\n    print(v)", False),
        ("train(model)", False),
    ],
)
def test_only_displays_tells_drawing_from_computing(source, displays):
    assert only_displays(source) is displays


def test_cli_exit_codes_and_json(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "week15_monitoring_ci.grading", None)  # import fails: as if it had no grader
    code, _ = run_in_process(main, ["grade", "week03", str(FIXTURES / "h_too_large.py"), "--no-metrics"])
    assert code == 1
    not_a_notebook = tmp_path / "solution.ipynb"
    not_a_notebook.write_text("{not json")
    for argv, message in [
        (["grade", "week03", str(tmp_path / "missing.py")], "no such file"),
        (["grade", "week99", str(FIXTURES / "hangs.py")], "unknown week"),
        (["grade", "week03"], "--reference"),
        (["grade", "week03", str(FIXTURES / "hangs.py"), "--reference"], "not both"),
        (["grade", "week03", str(not_a_notebook)], "not a readable Jupyter notebook"),
        (["grade", "week03", str(tmp_path)], "without .py files"),
        (["grade", "week03", ""], "path is empty"),
        (["grade", "week15", str(FIXTURES / "hangs.py")], "has no grader yet"),
    ]:
        code, stderr = run_in_process(main, argv)
        assert code == 2 and message in stderr, (argv, stderr)


def test_the_real_command_prints_json_and_exits_1_on_a_wrong_solution():
    result = run_cli("shared", "grade", "week03", str(FIXTURES / "forward_difference.py"), "--json", "--no-metrics")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["passed"] is False and report["week"] == "week03"
    assert {c["name"] for c in report["checks"] if not c["passed"]} >= {"numerical_matches_analytic"}
    assert report["score"] < report["score_available"]
    assert_user_error(run_cli("shared", "grade", "week03", "no/such/solution.py"), "no such file")


def test_grade_command_guard_exits_2_on_bad_input_and_never_tracebacks(tmp_path):
    """Whatever is typed after `grade` (short of a real solution), one message and exit 2, never a traceback."""
    from hypothesis import strategies as st

    from shared.testing import assert_cli_guard

    (tmp_path / "notes.txt").write_text("not a solution")
    words = st.sampled_from(["week03", "week99", "c9", "--json", "--no-metrics", "--bogus", str(tmp_path),
                             str(tmp_path / "notes.txt"), str(tmp_path / "missing.py"), "", "ünï"])  # fmt: skip
    argvs = st.lists(words, max_size=4).map(lambda argv: ["grade", *argv])
    assert_cli_guard(main, argvs, max_examples=25)


def test_every_registered_unit_ships_a_grader_with_fixtures_and_a_readme_section():
    """Issue 18's "done when": `roadmap grade` covers every unit that has landed, each with its wrong solutions
    and a "Check your own solution" section (a new unit without them fails here, not in a learner's hands)."""
    import importlib.util

    from shared.weeks import WEEKS

    for week in WEEKS:
        assert importlib.util.find_spec(f"{week.package}.grading") is not None, f"{week.key}: no grading.py"
        fixtures = [p for p in (week.folder / "tests" / "grading_fixtures").glob("*") if not p.name.startswith("_")]
        assert len(fixtures) >= 3, f"{week.key}: {len(fixtures)} wrong-solution fixtures, the pattern asks for 3+"
        assert "Check your own solution" in (week.folder / "README.md").read_text(encoding="utf-8"), week.key


def test_every_self_assessment_link_points_at_a_real_file_and_heading():
    """The report sends a learner to the reference's write-up for what no check can judge; a renamed file or
    heading would be a dead link in every report. Anchors are GitHub's heading slugs: lower case, punctuation
    dropped, spaces to hyphens."""
    import importlib
    import re

    from shared.weeks import WEEKS

    for week in WEEKS:
        for item in importlib.import_module(f"{week.package}.grading").RUBRIC.self_assessment:
            path, _, anchor = item.reference.partition("#")
            assert (REPO_ROOT / path).is_file(), f"{week.key}: {item.reference}"
            if anchor:
                headings = [line.lstrip("#").strip().lower()
                            for line in (REPO_ROOT / path).read_text(encoding="utf-8").splitlines()
                            if line.startswith("#")]  # fmt: skip
                slugs = {re.sub(r"[^\w\- ]", "", h).replace(" ", "-") for h in headings}
                assert anchor in slugs, f"{week.key}: {item.reference}"


def test_classifier_probes_take_sklearns_shapes_and_name_any_other():
    """`predictions` and `positive_proba` (weeks 6, 7, c2): one answer per row, a column vector flattened; a
    probability table of shape (rows, 2). A single column, or too few answers, fails with the shape in words."""
    from types import SimpleNamespace

    import numpy as np
    import pandas as pd

    from shared.grading.probes import positive_proba, predictions
    from shared.grading.spec import CheckFailed

    X = pd.DataFrame({"x": [0.0, 1.0, 2.0]})
    right = SimpleNamespace(predict=lambda X: np.array([[0], [1], [1]]),
                            predict_proba=lambda X: np.array([[0.9, 0.1], [0.4, 0.6], [0.2, 0.8]]))  # fmt: skip
    assert predictions(right, X, "rows").tolist() == [0, 1, 1]
    assert positive_proba(right, X).tolist() == [0.1, 0.6, 0.8]
    wrong = SimpleNamespace(predict=lambda X: np.array([1, 1]), predict_proba=lambda X: np.array([0.1, 0.6, 0.8]))
    with pytest.raises(CheckFailed, match="returned 2 answers for 3 passengers"):
        predictions(wrong, X, "passengers")
    with pytest.raises(CheckFailed, match=r"returned shape \(3,\), expected \(3, 2\)"):
        positive_proba(wrong, X)
