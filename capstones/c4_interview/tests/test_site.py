"""The portfolio site: link rewriting (unit), a strict MkDocs build of the whole repository (notebooks rendered
without execution here; `make site` executes them), every image on every page present, and the home page opened in
headless Chromium for a screenshot (skipped, with the reason printed, where no browser exists); the week 16 blog post
built with the published numbers, its Mermaid diagram handed to Material's renderer (a stub stands in for the CDN).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from capstones.c4_interview import site
from shared.errors import RoadmapError
from shared.paths import REPO_ROOT
from shared.weeks import WEEKS

for _module in ("mkdocs", "material", "mkdocs_jupyter"):  # the `site` extra; without it the site cannot be built
    pytest.importorskip(_module, reason="install the site extra: pip install -e '.[site]'")


def test_links_stay_inside_the_site_or_go_to_github(tmp_path):
    readme = REPO_ROOT / "capstones" / "c4_interview" / "README.md"
    other = REPO_ROOT / "week06_cancer_classifier" / "README.md"
    docs = tmp_path / "docs"
    copied = {readme: docs / "capstones/c4_interview/index.md", other: docs / "week06_cancer_classifier/index.md",
              readme.with_name("interview.ipynb"): docs / "capstones/c4_interview/interview.ipynb"}  # fmt: skip
    text = (
        "[a](../../week06_cancer_classifier/README.md#data) [b](../../week06_cancer_classifier/) "
        "[c](interview.ipynb) [d](from_scratch.py) [e](https://example.org) [f](#results) ![g](figures/x.png)"
    )
    out = site.rewrite_links(text, readme, copied, docs)
    assert "[a](../../week06_cancer_classifier/index.md#data)" in out
    assert "[b](../../week06_cancer_classifier/index.md)" in out
    assert "[c](interview.ipynb)" in out
    assert f"[d]({site.REPO_URL}/blob/main/capstones/c4_interview/from_scratch.py)" in out
    assert "[e](https://example.org)" in out and "[f](#results)" in out
    assert f"![g]({site.REPO_URL}/blob/main/capstones/c4_interview/figures/x.png)" in out  # not copied: not local


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return site.build(tmp_path_factory.mktemp("site") / "build", execute=False)


def test_strict_build_has_every_unit_and_every_image(built):
    home = (built / "index.html").read_text(encoding="utf-8")
    assert "<table>" in home and "week06" in home  # the results table from the top-level README
    for week in WEEKS:
        page = built / week.folder.relative_to(REPO_ROOT) / "index.html"
        assert page.is_file(), f"no page for {week.key}"
    pages = list(built.rglob("*.html"))
    missing = []
    for page in pages:
        for src in re.findall(r'<img[^>]+src="([^"]+)"', page.read_text(encoding="utf-8")):
            if not src.startswith(("http", "data:")) and not (page.parent / unquote(src)).exists():
                missing.append(f"{page.relative_to(built)}: {src}")
    assert not missing, missing
    c4 = (built / "capstones" / "c4_interview" / "index.html").read_text(encoding="utf-8")
    assert "figures/bias_variance.png" in c4 and f"{site.REPO_URL}/blob/main/week14_fastapi_docker/Dockerfile" in c4


def test_home_page_and_the_blog_diagram_in_headless_chromium(built, tmp_path):
    from shared.browser import INSTALL_HINT, find_browser, open_page

    if find_browser() is None:
        print(f"skipped: no Chromium ({INSTALL_HINT})")
        pytest.skip(f"no Chromium: {INSTALL_HINT}")
    shot = tmp_path / "home.png"
    with open_page(width=1280, height=900) as page:
        page.goto((built / "index.html").as_uri())
        page.wait_for_selector("table")
        assert "ML roadmap" in page.title()
        page.screenshot(path=str(shot))
        check_post_diagram_reaches_mermaid(page, built)  # same browser: its start is most of this test's time
    assert shot.stat().st_size > 20_000


def check_post_diagram_reaches_mermaid(page, built) -> None:
    """Offline, Material's request for mermaid.js (unpkg) is answered by a stub that records what it is asked to
    draw: the week 16 README's diagram, exactly, which replaces the code block (a real Mermaid would draw it)."""
    from capstones.c4_interview import blog

    stub = ("window.mermaid = {initialize() {}, async render(id, code) {"
            " (window.drawn = window.drawn || []).push(code); return {svg: '<svg></svg>'}; }};")  # fmt: skip
    readme = (REPO_ROOT / "week16_pipeline" / "README.md").read_text(encoding="utf-8")
    fence = blog._MERMAID.search(blog.results_block(readme)).group(0)
    diagram = fence.removeprefix("```mermaid").removesuffix("```").strip()
    page.route("http*://**", lambda route: route.abort())  # nothing leaves the machine …
    page.route("**/mermaid*.js", lambda route: route.fulfill(body=stub, content_type="text/javascript"))  # … but this
    page.goto((built / "blog" / "week16" / "index.html").as_uri())
    page.wait_for_function("window.drawn && window.drawn.length > 0", timeout=10_000)
    assert [code.strip() for code in page.evaluate("window.drawn")] == [diagram]
    assert page.locator("pre.mermaid").count() == 0 and page.locator("div.mermaid").count() == 1


def test_pages_workflow_builds_strict_and_deploys_only_from_main():
    import yaml

    workflow = yaml.safe_load((REPO_ROOT / ".github" / "workflows" / "pages.yml").read_text())
    build_steps = " ".join(str(step.get("run", "")) for step in workflow["jobs"]["build"]["steps"])
    assert "capstones.c4_interview.site" in build_steps and "--no-execute" not in build_steps
    deploy = workflow["jobs"]["deploy"]
    assert "refs/heads/main" in deploy["if"] and deploy["permissions"] == {"pages": "write", "id-token": "write"}


def test_a_failing_build_is_a_clear_error_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setattr(site, "mkdocs_config", lambda docs: "site_name: x\nnav:\n  - missing.md\n")
    with pytest.raises(RoadmapError, match="mkdocs build --strict failed"):
        site.build(tmp_path / "b", execute=False)


def test_notebooks_are_executed_in_fast_mode_and_a_failing_cell_names_its_notebook(tmp_path):
    import nbformat

    good, bad = tmp_path / "good.ipynb", tmp_path / "bad.ipynb"
    cells = [nbformat.v4.new_code_cell("import os\nprint('fast', os.environ['ROADMAP_FAST'])")]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), good)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 / 0")]), bad)
    site.execute_notebooks({good: tmp_path / "out.ipynb"}, tmp_path / "scratch")
    outputs = nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[0].outputs
    assert outputs[0]["text"] == "fast 1\n"  # executed, in fast mode, outputs kept for the site
    with pytest.raises(RoadmapError, match="bad.ipynb failed in fast mode"):
        site.execute_notebooks({bad: tmp_path / "never.ipynb"}, tmp_path / "scratch")
    assert not (tmp_path / "never.ipynb").exists()


def test_the_week16_blog_post_is_built_with_the_published_numbers(built):
    from capstones.c4_interview import blog

    readme = (REPO_ROOT / "week16_pipeline" / "README.md").read_text(encoding="utf-8")
    accuracy = blog.results_block(readme).split("held-out articles:", 1)[1].split("**")[1]  # 86.7% (95% CI …)
    post = (built / "blog" / "week16" / "index.html").read_text(encoding="utf-8")
    assert "What we built in week 16" in post and f"<strong>{accuracy}</strong>" in post
    assert '<pre class="mermaid"><code>flowchart LR' in post  # superfences hands it to Material's Mermaid
    assert 'href="../../week16_pipeline/#results"' in post  # links back into the site, not to GitHub
    assert "week16/" in (built / "blog" / "index.html").read_text(encoding="utf-8")  # the blog lists the post
    week16 = (built / "week16_pipeline" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../blog/week16/">What we built in week 16</a>' in week16  # the README's link → the post


def test_a_number_missing_from_the_post_fails_the_build_and_writes_no_post(tmp_path, monkeypatch):
    from capstones.c4_interview import blog

    template = tmp_path / "week16.md"
    template.write_text("# Post\n\nLatency {{ m.p99_at_the_moon_ms }} ms\n")
    monkeypatch.setattr(blog, "WEEK16_TEMPLATE", template)
    with pytest.raises(RoadmapError, match="a number is missing.*p99_at_the_moon_ms"):
        blog.write_posts(tmp_path / "docs")  # what site.build calls before mkdocs
    assert not (tmp_path / "docs" / "blog" / "posts" / "week16.md").exists()
