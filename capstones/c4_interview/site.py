"""Extra code (scaffolding): build the portfolio site (MkDocs Material) from the repository's READMEs and notebooks.

`python -m capstones.c4_interview.site [--out DIR] [--no-execute]`

The repository layout is mirrored into a fresh `docs/` folder inside DIR (never inside a unit): the top-level
README becomes the home page (with the results table), each registered unit's README becomes `<unit>/index.md`
next to its figures, model card and notebook (executed in fast mode first, unless `--no-execute`, then rendered
with its outputs by mkdocs-jupyter). The blog's posts (`blog.py`) are rendered from their templates with numbers read
from the units' published results. A relative link to a page or image that is in the site stays relative; a link
to any other repository file (code, tests, Dockerfile) points at the file on GitHub. Then `mkdocs build --strict`:
a broken internal link or a missing image fails the build.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from capstones.c4_interview import blog
from shared.errors import RoadmapError
from shared.paths import REPO_ROOT
from shared.weeks import WEEKS

REPO_URL = "https://github.com/ml-roadmap/ml-roadmap"  # where "view the code" links point
LINK = re.compile(r"(!?\[[^\]]*\])\(([^)\s]+)\)")  # [text](target) and ![alt](target)
PAGE_FILES = ("*.md", "figures/*.png", "*.ipynb")  # what a unit contributes to the site


def unit_pages() -> list[tuple[str, Path]]:
    """(title, folder) for every registered unit, in curriculum order."""
    return [(f"{w.key}: {w.title}", w.folder) for w in WEEKS]


def collect(docs: Path) -> dict[Path, Path]:
    """Copy README → index.md and the other site files into `docs`, mirroring repository paths; returns the map."""
    copied = {REPO_ROOT / "README.md": docs / "index.md"}
    for _, folder in unit_pages():
        for pattern in PAGE_FILES:
            for source in sorted(folder.glob(pattern)):
                relative = source.relative_to(REPO_ROOT)
                name = "index.md" if source.name == "README.md" else source.name
                copied[source] = docs / relative.parent / name
    for source, target in copied.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return copied


def rewrite_links(text: str, source: Path, copied: dict[Path, Path], docs: Path) -> str:
    """Keep links to files in the site (READMEs → their index.md), send every other repository link to GitHub."""
    page_dir = copied[source].parent

    def replace(match: re.Match) -> str:
        label, target = match.groups()
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            return match.group(0)  # absolute URL, mailto:, or an anchor on this page
        path_part, _, anchor = target.partition("#")
        resolved = (source.parent / path_part).resolve()
        if resolved.is_dir() and (resolved / "README.md") in copied:
            resolved = resolved / "README.md"
        suffix = f"#{anchor}" if anchor else ""
        if resolved in copied:
            return f"{label}({os.path.relpath(copied[resolved], page_dir)}{suffix})"
        try:
            repo_path = resolved.relative_to(REPO_ROOT).as_posix()
        except ValueError:
            return match.group(0)
        kind = "tree" if resolved.is_dir() else "blob"
        return f"{label}({REPO_URL}/{kind}/main/{repo_path}{suffix})"

    return LINK.sub(replace, text)


def mkdocs_config(docs: Path) -> str:
    """mkdocs.yml: Material theme, notebooks rendered as stored (executed beforehand), strict link validation."""
    nav = ["  - Home: index.md", f"  - Blog: {blog.BLOG_DIR}/index.md"]
    for title, folder in unit_pages():
        unit = docs / folder.relative_to(REPO_ROOT)
        if not (unit / "index.md").exists():
            continue
        nav.append(f"  - {title!r}:")  # a section: the README, its notebook, model card, then any other page
        extra = sorted(p for p in unit.glob("*.md") if p.name not in ("index.md", "MODEL_CARD.md"))
        for page in [unit / "index.md", *sorted(unit.glob("*.ipynb")), *sorted(unit.glob("MODEL_CARD.md")), *extra]:
            name = {"index.md": "Overview", "MODEL_CARD.md": "Model card"}.get(page.name) or (
                f"Notebook: {page.stem}" if page.suffix == ".ipynb" else page.stem.replace("_", " ").capitalize()
            )
            nav.append(f"    - {name!r}: {page.relative_to(docs).as_posix()}")
    return "\n".join([
        "site_name: ML roadmap — portfolio",
        f"repo_url: {REPO_URL}",
        "docs_dir: docs",
        "theme:\n  name: material\n  features: [navigation.indexes]",
        "markdown_extensions:\n  - tables\n  - admonition\n  - toc\n  - attr_list\n  - md_in_html",
        "  - pymdownx.superfences:\n      custom_fences:\n        - name: mermaid\n          class: mermaid\n"
        "          format: !!python/name:pymdownx.superfences.fence_code_format",  # ```mermaid → a diagram (Material)
        "plugins:",
        "  - search",
        f"  - blog:\n      blog_dir: {blog.BLOG_DIR}\n      post_url_format: '{{slug}}'\n"
        "      archive: false\n      categories: false\n      authors: false",
        "  - mkdocs-jupyter:\n      execute: false\n      include_source: true\n"
        "      allow_errors: false\n      ignore_h1_titles: true",
        "validation:\n  omitted_files: warn\n  absolute_links: info\n  unrecognized_links: warn\n"
        "  links:\n    not_found: warn\n    anchors: info",
        "nav:",
        *nav,
        "",
    ])  # fmt: skip


def execute_notebooks(copied: dict[Path, Path], scratch: Path) -> None:
    """Run each notebook in fast mode exactly as tests/test_notebooks.py does (its own folder as the working
    directory, outputs to a scratch folder, one BLAS thread) and store it, with outputs, in the site's copy."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    settings = {"ROADMAP_FAST": "1", "ROADMAP_OUTPUT_DIR": str(scratch), "MPLBACKEND": "Agg",
                "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}  # fmt: skip
    saved = {key: os.environ.get(key) for key in settings}
    os.environ.update(settings)
    try:
        for source, target in copied.items():
            if source.suffix != ".ipynb":
                continue
            notebook = nbformat.read(source, as_version=4)
            client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                                    resources={"metadata": {"path": str(source.parent)}})  # fmt: skip
            try:
                client.execute()
            except CellExecutionError as exc:
                raise RoadmapError(
                    f"notebook {source.parent.name}/{source.name} failed in fast mode:\n{str(exc)[-2000:]}"
                ) from None
            nbformat.write(notebook, target)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def build(out: Path, *, execute: bool = True) -> Path:
    """Assemble `out/docs`, write `out/mkdocs.yml`, run `mkdocs build --strict` into `out/site`; returns it."""
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    docs = out / "docs"
    copied = collect(docs)
    copied.update(blog.write_posts(docs))  # {template: rendered post}: its links are rewritten as the template's
    for source, target in copied.items():
        if target.suffix == ".md":
            target.write_text(rewrite_links(target.read_text(encoding="utf-8"), source, copied, docs), encoding="utf-8")
    if execute:
        execute_notebooks(copied, out / "notebook-outputs")
    (out / "mkdocs.yml").write_text(mkdocs_config(docs), encoding="utf-8")
    env = {
        **os.environ,
        "ROADMAP_FAST": "1",
        "MPLBACKEND": "Agg",
        "PYTHONPATH": str(REPO_ROOT),
        "NO_MKDOCS_2_WARNING": "1",
    }
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "-f",
        str(out / "mkdocs.yml"),
        "-d",
        str(out / "site"),
    ]
    done = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RoadmapError(f"mkdocs build --strict failed:\n{done.stderr[-4000:]}")
    return out / "site"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m capstones.c4_interview.site", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "ml-roadmap-site",
                        help="build folder (replaced); the site lands in OUT/site")  # fmt: skip
    parser.add_argument("--no-execute", action="store_true", help="render notebooks without running them")
    args = parser.parse_args(argv)
    site = build(args.out, execute=not args.no_execute)
    print(f"site: {site / 'index.html'}")
    return 0


if __name__ == "__main__":
    from shared.cli import friendly_errors

    raise SystemExit(friendly_errors(main)())
