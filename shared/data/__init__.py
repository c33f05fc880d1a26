"""The data layer: a registry of every file (`registry`), a verifying cache (`fetch`), and loaders."""

from shared.data.fetch import data_dir, derived_dir, fetch
from shared.data.loaders import (
    load_imdb,
    load_sst2,
    load_titanic,
    load_wine,
    read_csv_checked,
)

__all__ = [
    "data_dir",
    "derived_dir",
    "fetch",
    "load_imdb",
    "load_sst2",
    "load_titanic",
    "load_wine",
    "read_csv_checked",
]
