"""Transitional re-exports while the units move to the split modules; removed once none imports it.

Use `shared.paths`, `shared.atomic`, `shared.markdown`, `shared.timing`, `shared.provenance`, `shared.metrics_io`.
"""

from shared.atomic import atomic_write_text
from shared.markdown import markdown_table, replace_block
from shared.paths import REPO_ROOT, outputs_dir
from shared.provenance import package_versions
from shared.timing import timer

__all__ = [
    "REPO_ROOT",
    "atomic_write_text",
    "markdown_table",
    "outputs_dir",
    "package_versions",
    "replace_block",
    "timer",
]
