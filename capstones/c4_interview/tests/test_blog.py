"""The week 16 blog post: its numbers are read back from the README results block that week 16's own template
writes (made-up numbers in, the same numbers out, formatted in the post), from the committed README, and a missing
number is a clear error, never a blank in the post. The site build with the post is tested in test_site.py.
"""

from __future__ import annotations

import jinja2
import pandas as pd
import pytest

from capstones.c4_interview import blog
from shared.errors import RoadmapError
from shared.templates import environment
from shared.weeks import find_week

WEEK16 = find_week("week16").folder

LESSONS = """**Lessons learned.**
- First lesson, on two lines,
  the second indented.
- Second lesson.

A paragraph after the list (like the README's link to the post) is not a lesson.
"""


class Unset(jinja2.ChainableUndefined):
    """A name this test does not set: empty text, 0 in a number format, so week 16 can add metrics and tables
    to its template without breaking this test. Every number the post reads is set in `made_up_run`."""

    def __float__(self) -> float:
        return 0.0

    __int__ = __float__


def published_readme(m: dict, tables: dict, run: dict) -> str:
    """A README as a full run leaves it: week 16's results template rendered, the runner's footer, the write-up."""
    env = environment(WEEK16 / "templates")
    env.undefined = Unset
    body = env.get_template("results.md").render(m=m, tables=tables, run=run)
    footer = (
        f"_Measured by `roadmap run {run['week']}` (seed {run['seed']}) in {run['wall_time_s']:.0f} s "
        f"on {run['hardware']} (mean load average {run['load_average']:g} during the run)._"
    )  # shared.runner
    return f"# Week 16\n\n## Results\n\n<!-- results:start -->\n{body}\n\n{footer}\n<!-- results:end -->\n\n{LESSONS}"


def made_up_run() -> tuple[dict, dict, dict]:
    m = {"published_items": 1500, "scraped_articles": 1490, "quarantined_rows": 2, "clean_articles": 1488,
         "scrape_requests": 1777, "disallowed_skipped": 3, "n_train": 1000, "n_val": 244, "n_test": 244,
         "champion": "minilm", "registered_version": 7, "audit_entries": 21,
         "test_accuracy": 0.9234, "test_accuracy_ci_low": 0.9071, "test_accuracy_ci_high": 0.9377,
         "transformer_steps": 20, "transformer_training_s": 300.0, "psi_threshold": 0.31, "shift_batch": 3,
         "first_alert_batch": 1, "false_alerts_before_shift": 1, "ag_stream_accuracy": 0.9,
         "bbc_stream_accuracy": 0.8, "retrain_runs": 1, "bbc_after_alert_retrained_accuracy": 0.95,
         "bbc_after_alert_old_accuracy": 0.85, "ab_samples_per_arm": 999}  # fmt: skip
    tables = {
        "scrape_report": pd.DataFrame({"outcome": ["articles", "disallowed_skipped", "requests", "timeout"],
                                       "count": [1490, 3, 1777, 4]}),  # fmt: skip
        "quarantine_reasons": pd.DataFrame({"reason": ["label: missing"], "rows": [2]}),
        "comparison": pd.DataFrame({"model": ["tfidf-logreg", "tfidf-logreg", "minilm"],
                                    "setting": ["C=1", "C=3", "lr=1e-4"], "val_accuracy": [0.85, 0.87, 0.91]}),
        "per_class": pd.DataFrame({"label": ["World"], "test_accuracy": [0.9]}),
        "served": pd.DataFrame({"model_version": ["week16-test-minilm"]}),
        "benchmark": pd.DataFrame({"step": ["saturation", "10 rps", "20 rps"], "offered_rps": [None, 10, 20],
                                   "achieved_rps": [512.5, 10, 20], "errors": [0, 0, 0], "p50_ms": [9.0, 8.0, 9.5],
                                   "p99_ms": [30.5, 11.0, 12.34], "p99_ci_low_ms": [29.0, 10.0, 11.5],
                                   "p99_ci_high_ms": [31.0, 12.0, 13.25]}),
        "image": pd.DataFrame({"image": ["naive", "multi-stage"], "total_mb": [5000, 1200]}),
        "autoscale": pd.DataFrame({"policy": ["fixed (3 replicas)", "HPA-like"], "capacity_rps": [20.0, 20.0],
                                   "replica_hours": [72, 40], "max_replicas": [3, 4], "cost_per_day": [3.0, 1.5],
                                   "worst_p99_ms": [9.5, 12.25]}),
        "stream": pd.DataFrame({"batch": range(6), "source": ["ag_news"] * 3 + ["bbc"] * 3,
                                "max_psi": [0.1, 0.5, 0.1, 9.0, 9.0, 9.0], "drifting_column": ["n_words"] * 6,
                                "mean_words": [40.0] * 3 + [400.0] * 3, "accuracy": [0.9] * 6,
                                "alert": [False, True, False, True, True, True],
                                "retrain_triggered": [False, True, False, False, False, False]}),
        "ab_plan": pd.DataFrame({"champion_accuracy": [0.9]}),
    }  # fmt: skip
    run = {"week": "week16", "mode": "full", "seed": 7, "wall_time_s": 1234.4, "hardware": "Test CPU, 3 cores",
           "load_average": 1.5}  # fmt: skip
    return m, tables, run


def test_the_post_shows_the_numbers_week16s_template_published():
    m, tables, run = made_up_run()
    context = blog.week16_context(published_readme(m, tables, run))
    got = context["m"]
    accuracy = (got["test_accuracy"], got["test_accuracy_ci_low"], got["test_accuracy_ci_high"])
    assert accuracy == pytest.approx((0.923, 0.907, 0.938))  # as the README shows them: 92.3% (95% CI 90.7–93.8%)
    assert got["champion"] == "minilm" and got["goal_met"] and got["n_test"] == 244
    assert (got["capacity_rps"], got["capacity_p99_ms"], got["capacity_p99_ci_high_ms"]) == (20, 12.34, 13.25)
    assert (got["shift_batch"], got["first_alert_batch"], got["false_alerts_before_shift"]) == (3, 1, 1)
    assert got["retrain_triggers"] == 1 and got["cost_saving"] == pytest.approx(0.5)
    assert context["tables"]["comparison"].set_index("model")["setting"].to_dict() == {
        "tfidf-logreg": "C=3",
        "minilm": "lr=1e-4",
    }
    assert context["run"]["seed"] == 7 and context["run"]["hardware"] == "Test CPU, 3 cores"

    post = blog.render_post(blog.WEEK16_TEMPLATE, context)
    assert "**92.3% (95% CI 90.7–93.8%)**" in post and "**minilm**" in post
    assert "12.34 ms (95% CI\n11.5–13.25 ms)" in post and "**20 requests/s**" in post
    assert "**HPA-like** costs 50% less per day than **fixed (3 replicas)**" in post
    assert "batch **1**, before\nthe shift: a false alarm" in post and "before the shift: **1**" in post
    assert post.count("```mermaid") == 1 and "champion: minilm" in post  # the diagram, from the block, verbatim
    assert "- First lesson, on two lines,\n  the second indented.\n- Second lesson." in post
    assert "not a lesson" not in post and "{{" not in post


def test_the_post_renders_from_the_committed_readme():
    readme = (WEEK16 / "README.md").read_text(encoding="utf-8")
    post = blog.render_post(blog.WEEK16_TEMPLATE, blog.week16_context(readme))
    block = blog.results_block(readme)
    accuracy = block.split("held-out articles:", 1)[1].split("**")[1]  # e.g. 86.7% (95% CI 84.6–88.5%)
    assert f"**{accuracy}**" in post
    assert blog._MERMAID.search(block).group(0) in post  # the README's diagram, character for character
    capacity = blog.find_table(blog.markdown_tables(block), ["policy", "capacity_rps"], "autoscaling")
    assert f"**{capacity['capacity_rps'].iloc[0]:g} requests/s**" in post


@pytest.mark.parametrize(
    ("drop", "message"),
    [
        ("Test accuracy, scored once", "does not state the test accuracy"),
        ("| policy |", "no autoscaling table"),
        ("```mermaid", "no ```mermaid diagram"),
        ("_Measured by", "who measured it"),
    ],
)
def test_a_number_missing_from_the_readme_is_a_clear_error(drop, message):
    readme = published_readme(*made_up_run()).replace(drop, "(removed)")
    with pytest.raises(RoadmapError, match=message):
        blog.week16_context(readme)


def test_a_blank_cell_or_a_missing_section_is_an_error_too():
    m, tables, run = made_up_run()
    tables["autoscale"].loc[0, "cost_per_day"] = None
    with pytest.raises(RoadmapError, match="empty cells"):
        blog.week16_context(published_readme(m, tables, run))
    with pytest.raises(RoadmapError, match="Lessons learned"):
        blog.week16_context(published_readme(*made_up_run()).replace("**Lessons learned.**", ""))
    with pytest.raises(RoadmapError, match="no <!-- results:start -->"):
        blog.week16_context("# Week 16\n")


def test_a_name_the_template_uses_but_the_context_lacks_fails_the_post(tmp_path):
    template = tmp_path / "post.md"
    template.write_text("Accuracy {{ ci(m, 'test_accuracy') }}, latency {{ m.p99_ms }} ms\n")
    m = {"test_accuracy": 0.9, "test_accuracy_ci_low": 0.8, "test_accuracy_ci_high": 0.95}
    with pytest.raises(RoadmapError, match="a number is missing.*p99_ms"):
        blog.render_post(template, {"m": m})
