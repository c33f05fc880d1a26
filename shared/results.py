"""Where a week's results go and how they are written: `outputs/<week>/metrics.json` plus figures.

One writer for every week means one format for `roadmap reproduce` to read, and every file is
written atomically (temp file, then rename) so an interrupted run never leaves half a JSON behind.
"""

from __future__ import annotations

import json
import math
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
_TRACKED_PACKAGES = [
    "numpy", "pandas", "scikit-learn", "xgboost-cpu", "torch", "transformers", "datasets", "gensim", "matplotlib",
]  # fmt: skip


def outputs_dir(week: str, *, fast: bool = False) -> Path:
    """`outputs/<week>/` (or `<week>-fast/`) under `$ROADMAP_OUTPUT_DIR`, else the repository root."""
    root = Path(os.environ.get("ROADMAP_OUTPUT_DIR", REPO_ROOT / "outputs"))
    return root / (f"{week}-fast" if fast else week)


def atomic_write_text(path: Path, text: str) -> Path:
    """Write the whole file or nothing: readers never see a partial file, even after a crash."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _TRACKED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def _clean(value: Any) -> Any:
    """Make NumPy scalars and NaN JSON-safe (NaN becomes null, not the invalid token NaN)."""
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def write_metrics(
    out_dir: Path, metrics: dict[str, Any], *, week: str, seed: int, fast: bool, wall_time_s: float
) -> Path:
    """Write `metrics.json`: the metrics plus everything needed to judge and rerun them."""
    from shared.device import hardware_summary

    record = {
        "week": week,
        "mode": "fast" if fast else "full",
        "seed": seed,
        "metrics": _clean(metrics),
        "wall_time_s": round(wall_time_s, 1),
        "hardware": hardware_summary(),
        "platform": platform.platform(),
        "versions": package_versions(),
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    return atomic_write_text(Path(out_dir) / "metrics.json", json.dumps(record, indent=2, sort_keys=False) + "\n")


def read_metrics(out_dir: Path) -> dict[str, Any] | None:
    path = Path(out_dir) / "metrics.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


@contextmanager
def timer() -> Iterator[dict[str, float]]:
    """`with timer() as t: ...` then `t["seconds"]`: wall time of a block."""
    box = {"seconds": 0.0}
    start = time.perf_counter()
    try:
        yield box
    finally:
        box["seconds"] = time.perf_counter() - start


def replace_block(path: Path, name: str, body: str) -> None:
    """Replace the text between `<!-- name:start -->` and `<!-- name:end -->` in a markdown file.

    This is how READMEs get their numbers: from code, never typed by hand.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if start not in text or end not in text:
        raise ValueError(f"{path} has no {start} ... {end} markers")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    atomic_write_text(path, f"{head}{start}\n{body.strip()}\n{end}{tail}")


def markdown_table(rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    """A GitHub markdown table; floats get 4 significant digits."""
    if not rows:
        return "_no rows_"
    columns = columns or list(rows[0])

    def fmt(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:.4g}"
        return "" if v is None else str(v).replace("|", "\\|")

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(fmt(r.get(c)) for c in columns) + " |" for r in rows]
    return "\n".join(lines)


def publish(out_dir: Path, week_dir: Path, report_md: str) -> None:
    """Copy a full run's figures and model card into the week folder and write its README block.

    Only full runs publish: tests and `--fast` runs never touch the tracked files.
    """
    figures = week_dir / "figures"
    figures.mkdir(exist_ok=True)
    for png in sorted(Path(out_dir).glob("*.png")):
        shutil.copy2(png, figures / png.name)
    card = Path(out_dir) / "MODEL_CARD.md"
    if card.is_file():
        shutil.copy2(card, week_dir / "MODEL_CARD.md")
    replace_block(week_dir / "README.md", "results", report_md)
