"""Every unit has a teaching notebook, committed without outputs, that runs top to bottom in fast mode.

Executing them takes minutes, so it carries the `notebook` marker: `make notebooks` runs it (CI runs that right
after `make test`); the structural checks run in every `make test`.
"""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from shared.paths import REPO_ROOT
from shared.weeks import WEEKS

NOTEBOOKS = sorted(p for week in WEEKS for p in week.folder.glob("*.ipynb"))


@pytest.mark.parametrize("week", WEEKS, ids=lambda w: w.key)
def test_every_unit_has_a_notebook(week):
    assert list(week.folder.glob("*.ipynb")), f"{week.folder.name} has no notebook (CONTRIBUTING: one per unit)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(REPO_ROOT).as_posix())
def test_notebook_is_committed_without_outputs_and_teaches(path):
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(not cell.get("outputs") and cell.get("execution_count") is None for cell in code), (
        "commit notebooks without outputs (outputs are made by running them)"
    )
    prose = [cell for cell in notebook.cells if cell.cell_type == "markdown"]
    assert len(prose) >= 4 and len(code) >= 4, "a teaching notebook walks the lesson: markdown between small steps"
    assert not any("run(" in cell.source and "def " not in cell.source for cell in code[-1:]), (
        "the notebook should walk the steps, not end by replaying run()"
    )


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(REPO_ROOT).as_posix())
def test_notebook_executes_in_fast_mode(path, tmp_path, monkeypatch):
    monkeypatch.setenv("ROADMAP_FAST", "1")
    monkeypatch.setenv("ROADMAP_OUTPUT_DIR", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    for pool in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # no BLAS spin-waits on 2 cores
        monkeypatch.setenv(pool, "1")
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
