"""Load a learner's solution (a .py file, a package folder or a notebook) inside the worker process.

The contract functions are then looked up on the loaded module. Notebook cells that fail while only plotting
or displaying are skipped quietly; any other failing cell fails the load with the learner's own frames.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import linecache
import sys
import traceback
import types
from pathlib import Path
from typing import Any

from shared.errors import RoadmapError

SOLUTION_MODULE = "learner_solution"  # the name the learner's code is imported under
DISPLAY_CALLS = {"display", "print", "show", "plot", "imshow", "hist", "scatter", "bar", "barh", "boxplot",
                 "heatmap", "pairplot", "histplot", "countplot", "figure", "subplots", "tight_layout",
                 "savefig", "legend", "title", "xlabel", "ylabel", "set", "set_title", "head", "tail",
                 "describe", "info"}  # fmt: skip
DISPLAY_MODULES = {"plt", "sns", "px", "ax", "axes", "fig"}  # a call on these is drawing, never computing


class ContractError(AttributeError):
    """The solution lacks a function of the contract."""


class Solution:
    """The learner's (or the reference's) functions, looked up by name: `sol.numerical_gradient(...)`."""

    def __init__(self, namespace: Any, label: str, extra_modules: list[Path] | None = None):
        self._namespace = namespace
        self._label = label
        self._extra_modules = list(extra_modules or [])  # a package's other .py files, searched in order

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if hasattr(self._namespace, name):
            return getattr(self._namespace, name)
        for path in self._extra_modules:  # a package may define a contract function in any of its modules
            module = _import_file(path, f"{SOLUTION_MODULE}.{path.stem}")
            if hasattr(module, name):
                return getattr(module, name)
        raise ContractError(f"{self._label} has no `{name}` (a function of the contract; see the week's README)")

    def has(self, name: str) -> bool:
        try:
            getattr(self, name)
        except ContractError:
            return False
        return True


def check_solution_path(path: Path) -> Path:
    """The user-fixable problems with PATH, found before any code runs (exit 2)."""
    if not str(path).strip():
        raise RoadmapError("the solution path is empty; give your solution's .py file, notebook or package folder")
    path = Path(path)
    if not path.exists():
        raise RoadmapError(f"{path}: no such file or folder; give your solution's .py file, notebook or package")
    if path.is_dir():
        if not any(path.glob("*.py")):
            raise RoadmapError(f"{path} is a folder without .py files; give a .py file, a notebook or a package")
    elif path.suffix not in (".py", ".ipynb"):
        raise RoadmapError(f"{path}: expected a .py file, a .ipynb notebook or a package folder")
    elif path.suffix == ".ipynb":
        notebook_cells(path)  # a file that is not a notebook is the user's to fix, before any code runs
    return path.resolve()


def notebook_cells(path: Path) -> list[str]:
    """The source of each code cell of a notebook (format 4, what Jupyter has written since 2015).

    Read as JSON rather than with nbformat.read, whose schema validation costs seconds per load; the format is
    simple: {"cells": [{"cell_type": "code", "source": "..." or ["line", ...]}, ...]}.
    """
    try:
        notebook = json.loads(Path(path).read_text(encoding="utf-8"))
        cells = notebook["cells"]
        return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                for c in cells if c["cell_type"] == "code"]  # fmt: skip
    except (ValueError, KeyError, TypeError) as exc:
        raise RoadmapError(f"{path} is not a readable Jupyter notebook (format 4): {type(exc).__name__}: {exc}. "
                           "Open and save it in Jupyter, or give a .py file") from None  # fmt: skip


def load_solution(path: Path) -> Solution:
    """Import the learner's code; its exceptions propagate (the worker trims them to the learner's frames)."""
    path = Path(path).resolve()
    for name in [m for m in sys.modules if m == SOLUTION_MODULE or m.startswith(f"{SOLUTION_MODULE}.")]:
        del sys.modules[name]  # a solution loaded before in this process (in-process tests load several)
    sys.path.insert(0, str(path.parent))  # so a solution can import its sibling modules
    if path.suffix == ".ipynb":
        return Solution(_run_notebook(path), f"your notebook {path.name}")
    if path.is_dir():
        sys.path.insert(0, str(path))
        init = path / "__init__.py"
        package = _import_file(init, SOLUTION_MODULE, package_dir=path) if init.exists() else types.ModuleType("pkg")
        others = sorted(p for p in path.glob("*.py") if p.name != "__init__.py")
        return Solution(package, f"your package {path.name}/", others)
    return Solution(_import_file(path, SOLUTION_MODULE), f"your file {path.name}")


def load_reference(target: str) -> Solution:
    """`"package.module"` or `"package.module:Adapter"` (an object whose attributes are the contract)."""
    module_name, _, attr = target.partition(":")
    namespace = importlib.import_module(module_name)
    if attr:
        namespace = getattr(namespace, attr)
    return Solution(namespace, f"the reference ({target})")


def _import_file(path: Path, name: str, package_dir: Path | None = None) -> types.ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    locations = [str(package_dir)] if package_dir else None
    spec = importlib.util.spec_from_file_location(name, path, submodule_search_locations=locations)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


# --- notebooks ------------------------------------------------------------------------------------------


def _run_notebook(path: Path) -> types.ModuleType:
    """Run the code cells in order in one module namespace, the way "Run all" would."""
    module = types.ModuleType(SOLUTION_MODULE)
    module.__file__ = str(path)
    module.display = print  # IPython's display(), for a notebook that calls it
    sys.modules[SOLUTION_MODULE] = module
    for number, cell in enumerate(notebook_cells(path), start=1):
        source = _strip_magics(cell)
        filename = f"{path}#cell{number}"  # shown in tracebacks; `learner_frames` keeps frames under `path`
        linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
        code = compile(source, filename, "exec")  # a SyntaxError fails the load, pointing at the cell
        try:
            exec(code, module.__dict__)  # noqa: S102 - running the learner's notebook is the point (in the worker)
        except Exception:
            if only_displays(source):
                continue  # a plot or display that fails outside Jupyter does not make the solution wrong
            raise
    return module


def _strip_magics(source: str) -> str:
    """IPython magics (%matplotlib, !pip) are not Python: blank them, keeping line numbers."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def only_displays(source: str) -> bool:
    """True when every top-level statement only shows something: a bare expression, or a call to print,
    display or a plotting function (plt.*, sns.*, ax.*, df.head(), ...), or an import."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.Pass)):
            continue
        if isinstance(node, ast.Assign) and _is_display_call(node.value):  # fig, ax = plt.subplots()
            continue
        if not isinstance(node, ast.Expr):
            return False
        if isinstance(node.value, ast.Call) and not _is_display_call(node.value):
            return False
    return True


def _is_display_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Name):
        return func.id in DISPLAY_CALLS
    if isinstance(func, ast.Attribute):
        root = func
        while isinstance(root, ast.Attribute):
            root = root.value
        return func.attr in DISPLAY_CALLS or (isinstance(root, ast.Name) and root.id in DISPLAY_MODULES)
    return False


# --- tracebacks -----------------------------------------------------------------------------------------


def learner_traceback(exc: BaseException, roots: list[str]) -> str:
    """The exception with only the frames in the learner's files (under any of `roots`), most recent last.

    The grader's own frames (the worker, the check) tell a learner nothing; theirs point at the line to fix.
    """
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if any(f.filename.startswith(r) for r in roots)]
    head = "".join(traceback.format_list(frames)) if frames else ""
    return (head + "".join(traceback.format_exception_only(type(exc), exc))).rstrip()


def raised_in_learner_code(exc: BaseException, roots: list[str]) -> bool:
    return any(f.filename.startswith(r) for f in traceback.extract_tb(exc.__traceback__) for r in roots)
