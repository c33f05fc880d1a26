"""The JSON file beside every saved model: how it was made, so a model found on disk explains itself.

Both stacks use it (`shared.sklearn_io` for skops files, `shared.torch_io` for safetensors files):
`model.skops` / `model.safetensors` → `model.json` with format, type, seed, library versions, the sha256 of
the data it was trained on, its metrics and whatever the unit needs to rebuild or use it (`config`,
`input_columns`, training ranges, ...).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from shared.atomic import atomic_write_text
from shared.errors import RoadmapError
from shared.provenance import data_sha256, package_versions
from shared.result import to_jsonable


def sidecar_path(model_path: Path | str) -> Path:
    """`model.skops` / `model.safetensors` → `model.json`."""
    return Path(model_path).with_suffix(".json")


def write_sidecar(
    model_path: Path | str, *, fmt: str, model_type: str, seed: int, datasets: list[str] | tuple[str, ...] = (),
    **extra: Any,
) -> Path:  # fmt: skip
    """Write the sidecar of `model_path`; `extra` holds the unit's own fields (metrics, config, ...)."""
    model_path = Path(model_path)
    record = {
        "model_file": model_path.name,
        "format": fmt,
        "model_type": model_type,
        "seed": seed,
        "saved_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "versions": package_versions(),
        "datasets": list(datasets),
        "data_sha256": data_sha256(datasets),
        **extra,
    }
    return atomic_write_text(sidecar_path(model_path), json.dumps(to_jsonable(record), indent=2) + "\n")


def read_sidecar(model_path: Path | str) -> dict[str, Any]:
    """The sidecar of a model file, or a RoadmapError that says how to make one."""
    side = sidecar_path(model_path)
    if not side.is_file():
        raise RoadmapError(f"{side} not found: a model file needs its JSON sidecar (written when it was saved)")
    try:
        record = json.loads(side.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RoadmapError(f"{side} is not valid JSON ({exc}); retrain to rewrite it") from None
    if not isinstance(record, dict):
        raise RoadmapError(f"{side} is not a model sidecar (expected a JSON object); retrain to rewrite it")
    return record
