"""What a result or a model file needs to say about how it was made: library versions and data hashes."""

from __future__ import annotations

import platform
from collections.abc import Iterable
from importlib import metadata

TRACKED_PACKAGES = [
    "numpy", "pandas", "scikit-learn", "xgboost-cpu", "torch", "transformers", "datasets", "gensim", "matplotlib",
    "skops", "safetensors",
]  # fmt: skip


def package_versions() -> dict[str, str]:
    """Python and the versions of the libraries that decide our numbers (those installed)."""
    versions = {"python": platform.python_version()}
    for name in TRACKED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def data_sha256(datasets: Iterable[str]) -> dict[str, str]:
    """Registry name → sha256 of the exact file a result was computed from."""
    from shared.data.registry import DATASETS

    return {name: DATASETS[name].sha256 for name in datasets}
