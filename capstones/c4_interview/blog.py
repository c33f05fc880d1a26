"""Extra code (scaffolding): the portfolio site's blog — posts whose prose is a Jinja2 template
(`templates/blog/*.md`) and whose numbers are read, at site-build time, from a unit's published results.

One post so far: "What we built in week 16" (issue 19's stretch goal for week 16).

Where the numbers come from: the week 16 README's results block (between `<!-- results:start -->` and
`<!-- results:end -->`), not `outputs/week16_pipeline/metrics.json`. The block is machine-written (the runner
renders it from `metrics.json` with week 16's `templates/results.md`, and only a full run without overrides
publishes it) and it is committed, so every checkout — a fresh clone, the Pages workflow — builds the same post
from the same published run. `metrics.json` is git-ignored: absent on a fresh clone, and on a working machine it
may hold a run that never published (a run with overrides writes the same folder without publishing; `--fast`
writes to `week16_pipeline-fast/`), so the site would show numbers the README does not.

Reading the block back: its markdown tables (written by `shared.markdown.markdown_table`) are found by their
columns, the few scalars by their sentence. A number that cannot be found is a `RoadmapError` naming it, and the
template renders with `StrictUndefined`: a missing number fails the build instead of leaving a blank.
`tests/test_blog.py` renders week 16's own results template with made-up numbers and checks that this module reads
exactly those back, so a change of wording there fails a test here before it fails the site build.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from shared.errors import RoadmapError
from shared.templates import render
from shared.weeks import find_week

TEMPLATES = Path(__file__).parent / "templates" / "blog"
WEEK16_TEMPLATE = TEMPLATES / "week16.md"
BLOG_DIR = "blog"  # in the site's docs/: blog/index.md, blog/posts/<post>.md (MkDocs Material's blog plugin)

_CELL_SPLIT = re.compile(r"(?<!\\)\|")  # table cells; `markdown_table` escapes a pipe inside a cell as `\|`
_PCT = r"(\d+(?:\.\d+)?)"
_FOOTER = re.compile(  # written by shared.runner.publish under every unit's block
    r"_Measured by `roadmap run (?P<week>\w+)` \(seed (?P<seed>\d+)\) in (?P<wall>\d+) s on (?P<hardware>.+?) "
    r"\(mean load average (?P<load>[\d.]+) during the run\)\._"
)
_ACCURACY = re.compile(  # week 16's results template: "Test accuracy, scored once on N held-out articles: **ci()**"
    rf"Test accuracy, scored once on (?P<n>\d+) held-out articles:\s+\*\*{_PCT}% \(95% CI {_PCT}–{_PCT}%\)\*\*"
)
_GOAL = re.compile(rf"goal ≥ {_PCT}%: (?P<verdict>met|\*\*not met\*\*)")  # the runner's verdict, at full precision
_CHAMPION = re.compile(r"Champion: \*\*(?P<name>[^*]+)\*\*")
_MERMAID = re.compile(r"^```mermaid\n.*?^```$", re.DOTALL | re.MULTILINE)


def results_block(readme_text: str, where: str = "README") -> str:
    """The text between the results markers; an error when the block is absent or still a placeholder."""
    start, end = "<!-- results:start -->", "<!-- results:end -->"
    if start not in readme_text or end not in readme_text:
        raise RoadmapError(f"{where} has no {start} … {end} block; a full run (`roadmap run`) writes it")
    return readme_text.split(start, 1)[1].split(end, 1)[0]


def _cell(text: str) -> Any:
    """A cell back to a value: '' → None, yes/no → bool, numbers → int/float, anything else stays text."""
    text = text.strip().replace("\\|", "|")
    if text == "":
        return None
    if text in ("yes", "no"):
        return text == "yes"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def markdown_tables(text: str) -> list[pd.DataFrame]:
    """Every `| a | b |` table in `text` (header, `|---|` rule, rows), cells converted by `_cell`."""
    tables, lines = [], text.splitlines()
    for i in range(len(lines) - 1):
        if lines[i].startswith("|") and re.fullmatch(r"\|(-+\|)+", lines[i + 1].strip()):
            header = [c.strip() for c in _CELL_SPLIT.split(lines[i].strip())[1:-1]]
            rows, j = [], i + 2
            while j < len(lines) and lines[j].startswith("|"):
                rows.append([_cell(c) for c in _CELL_SPLIT.split(lines[j].strip())[1:-1]])
                j += 1
            tables.append(pd.DataFrame(rows, columns=header))
    return tables


def find_table(tables: list[pd.DataFrame], columns: list[str], what: str) -> pd.DataFrame:
    """The first table with all of `columns`, with no blank cell in them."""
    for frame in tables:
        if set(columns) <= set(frame.columns):
            if frame.empty or frame[columns].isna().any().any():
                raise RoadmapError(f"the {what} table in the results block has empty cells in {columns}")
            return frame
    raise RoadmapError(f"no {what} table (columns {columns}) in the results block")


def _search(pattern: re.Pattern, text: str, what: str) -> re.Match:
    found = pattern.search(text)
    if found is None:
        raise RoadmapError(f"the results block does not state {what} (looked for /{pattern.pattern[:60]}…/)")
    return found


def lessons_learned(readme_text: str) -> str:
    """The bullet list after '**Lessons learned.**' in the README's write-up (bullets and their continuation lines)."""
    marker = "**Lessons learned.**"
    if marker not in readme_text:
        raise RoadmapError(f"the README has no '{marker}' section for the post to quote")
    lines = []
    for line in readme_text.split(marker, 1)[1].lstrip("\n").splitlines():
        if not line.strip() or not (line.startswith("- ") or line.startswith(" ")):
            break
        lines.append(line)
    if not lines:
        raise RoadmapError(f"'{marker}' in the README is not followed by a bullet list")
    return "\n".join(lines)


def week16_context(readme_text: str) -> dict[str, Any]:
    """Everything the week 16 post shows, read from the README: `m` (scalars), `tables`, `run`,
    `diagram` (the Mermaid source, verbatim) and `lessons` (the README's bullets, verbatim)."""
    block = results_block(readme_text, "week16_pipeline/README.md")
    tables = markdown_tables(block)
    footer = _search(_FOOTER, block, "who measured it (the runner's footer line)")
    accuracy = _search(_ACCURACY, block, "the test accuracy with its 95% CI")
    value, low, high = (float(accuracy.group(k)) / 100 for k in (2, 3, 4))
    m: dict[str, Any] = {
        "test_accuracy": value,
        "test_accuracy_ci_low": low,
        "test_accuracy_ci_high": high,
        "n_test": int(accuracy.group("n")),
        "champion": _search(_CHAMPION, block, "the champion").group("name"),
    }
    goal = _search(_GOAL, block, "the accuracy goal and whether it was met")
    m.update(goal=float(goal.group(1)) / 100, goal_met=goal.group("verdict") == "met")

    comparison = find_table(tables, ["model", "val_accuracy"], "validation comparison")
    best = comparison.loc[comparison.groupby("model", sort=False)["val_accuracy"].idxmax()]

    scrape = find_table(tables, ["outcome", "count"], "scrape report").set_index("outcome")["count"]
    for outcome in ("requests", "articles", "disallowed_skipped"):
        if outcome not in scrape:
            raise RoadmapError(f"the scrape report in the results block has no '{outcome}' row")
        m[f"scrape_{outcome}"] = int(scrape[outcome])

    autoscale = find_table(tables, ["policy", "capacity_rps", "replica_hours", "max_replicas", "cost_per_day",
                                    "worst_p99_ms"], "autoscaling")  # fmt: skip
    bench = find_table(tables, ["step", "achieved_rps", "p99_ms", "p99_ci_low_ms", "p99_ci_high_ms"], "benchmark")
    m["capacity_rps"] = float(autoscale["capacity_rps"].iloc[0])
    at_capacity = bench[bench["offered_rps"] == m["capacity_rps"]] if "offered_rps" in bench else bench.iloc[:0]
    if at_capacity.empty:
        raise RoadmapError(f"the benchmark table has no step at the capacity ({m['capacity_rps']:g} requests/s)")
    for key in ("p99_ms", "p99_ci_low_ms", "p99_ci_high_ms"):
        m[f"capacity_{key}"] = float(at_capacity[key].iloc[0])
    m["saturation_rps"] = float(bench["achieved_rps"].max())
    cheap, dear = autoscale.loc[autoscale["cost_per_day"].idxmin()], autoscale.loc[autoscale["cost_per_day"].idxmax()]
    m.update(cheapest_policy=cheap["policy"], cheapest_cost=float(cheap["cost_per_day"]),
             dearest_policy=dear["policy"], dearest_cost=float(dear["cost_per_day"]),
             cost_saving=1 - float(cheap["cost_per_day"]) / float(dear["cost_per_day"]))  # fmt: skip

    image = find_table(tables, ["image", "total_mb"], "container image")
    m.update(image_before_mb=float(image["total_mb"].max()), image_after_mb=float(image["total_mb"].min()))

    stream = find_table(tables, ["batch", "source", "alert", "retrain_triggered"], "monitoring stream")
    first_source = stream["source"].iloc[0]
    shifted = stream.loc[stream["source"] != first_source, "batch"]
    if shifted.empty:
        raise RoadmapError("the monitoring stream in the results block never switches source: no shift to detect")
    alerts = stream.loc[stream["alert"].astype(bool), "batch"]
    m.update(
        stream_batches=len(stream),
        stream_sources=list(dict.fromkeys(stream["source"])),
        shift_batch=int(shifted.min()),
        first_alert_batch=int(alerts.min()) if len(alerts) else None,  # None: no alert fired (the post says so)
        false_alerts_before_shift=int((alerts < shifted.min()).sum()),
        retrain_triggers=int(stream["retrain_triggered"].astype(bool).sum()),
    )

    diagram = _MERMAID.search(block)
    if diagram is None:
        raise RoadmapError("the results block has no ```mermaid diagram of the architecture")
    run = {"week": footer["week"], "seed": int(footer["seed"]), "wall_time_s": float(footer["wall"]),
           "hardware": footer["hardware"], "load_average": float(footer["load"])}  # fmt: skip
    return {"m": m, "tables": {"comparison": best, "autoscale": autoscale}, "run": run,
            "diagram": diagram.group(0), "lessons": lessons_learned(readme_text)}  # fmt: skip


def render_post(template: Path, context: dict[str, Any]) -> str:
    """The post's markdown; a name the template uses but the context lacks is a RoadmapError, never a blank."""
    try:
        return render(template, **context)
    except KeyError as exc:  # shared.templates.render: StrictUndefined → KeyError naming the template
        raise RoadmapError(f"blog post: a number is missing: {exc.args[0]}") from None


def write_posts(docs: Path) -> dict[Path, Path]:
    """Write the blog index and each post into the site's `docs`; returns {template: post page}, so the site
    rewrites the post's links as if it sat where its template does (and a README link to the template → the post)."""
    blog = docs / BLOG_DIR
    (blog / "posts").mkdir(parents=True, exist_ok=True)
    (blog / "index.md").write_text("# Blog\n\nWrite-ups of what we built, with the numbers the runs measured.\n")
    readme = find_week("week16").folder / "README.md"
    post = blog / "posts" / "week16.md"
    post.write_text(render_post(WEEK16_TEMPLATE, week16_context(readme.read_text(encoding="utf-8"))), encoding="utf-8")
    return {WEEK16_TEMPLATE: post}
