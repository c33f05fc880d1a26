"""The grading report: rubric-shaped text for the learner, JSON for an instructor's loop."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass
class CheckResult:
    name: str
    part: str
    passed: bool
    message: str  # what was seen, when it failed
    hint: str  # the check's hint, when it failed
    detail: str = ""  # the learner's traceback (their frames only), when their code raised
    seconds: float = 0.0


@dataclass
class MetricResult:
    name: str
    better: str
    description: str
    baseline_name: str
    learner: float | None
    reference: float | None
    baseline: float | None
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class Report:
    week: str
    title: str
    solution: str
    contract: list[dict]
    weights: dict[str, float]
    weights_source: str
    checks: list[CheckResult]
    metrics: list[MetricResult]
    self_assessment: list[dict]
    seconds: float

    @property
    def passed(self) -> bool:
        """Every automatic check passed (the exit code is 0 exactly then)."""
        return all(c.passed for c in self.checks)

    @property
    def failed(self) -> set[str]:
        """Names of the failed checks (`load` when the solution did not load)."""
        return {c.name for c in self.checks if not c.passed}

    def part_scores(self) -> dict[str, tuple[int, int, float]]:
        """Per rubric part with automatic checks: (passed, total, points earned out of 100 × weight)."""
        scores = {}
        for part, weight in self.weights.items():
            checks = [c for c in self.checks if c.part == part]
            if checks:
                n_passed = sum(c.passed for c in checks)
                scores[part] = (n_passed, len(checks), 100 * weight * n_passed / len(checks))
        return scores

    def score(self) -> tuple[float, float]:
        """(points earned, points available) over the parts a program can judge."""
        scores = self.part_scores()
        return sum(s[2] for s in scores.values()), sum(100 * self.weights[p] for p in scores)

    def to_json(self) -> str:
        earned, available = self.score()
        data = asdict(self) | {"passed": self.passed, "score": earned, "score_available": available}
        return json.dumps(data, indent=2)

    def to_text(self) -> str:
        lines = [f"{self.week} — {self.title}: grading {self.solution}", ""]
        load = next((c for c in self.checks if c.name == "load"), None)
        if load and not load.passed:
            lines += _check_lines(load)
        lines.append(f"Rubric ({self.weights_source})")
        scores = self.part_scores()
        for part, weight in self.weights.items():
            if part in scores:
                n_passed, total, points = scores[part]
                lines.append(f"  {part} — {points:.0f} of {100 * weight:.0f} points ({n_passed}/{total} checks)")
                for check in (c for c in self.checks if c.part == part):
                    lines += ["  " + line for line in _check_lines(check)]
            else:
                lines.append(f"  {part} — {100 * weight:.0f} points, self-assessed (below)")
        if self.metrics:
            lines += ["", "Metrics measured by the grader, same inputs for all three (held out where a model learns)"]
            lines.append(f"  {'metric':28} {'yours':>12} {'reference':>12} {'baseline':>12}")
            for metric in self.metrics:
                values = [_fmt(v) for v in (metric.learner, metric.reference, metric.baseline)]
                lines.append(f"  {metric.name:28} {values[0]:>12} {values[1]:>12} {values[2]:>12}"
                             f"   ({metric.better} is better)")  # fmt: skip
                if metric.description or metric.baseline_name:
                    lines.append(f"      {metric.description}; baseline: {metric.baseline_name or 'none'}")
                for who, error in metric.errors.items():
                    lines.append(f"      {who}: {error}")
        if self.self_assessment:
            lines += ["", "Self-assessment (not scored: compare your write-up with the reference's)"]
            for item in self.self_assessment:
                part = f"[{item['part']}] " if item["part"] else ""
                lines.append(f"  [ ] {part}{item['item']}\n        reference: {item['reference']}")
        earned, available = self.score()
        n_passed = sum(c.passed for c in self.checks)
        verdict = "PASS" if self.passed else "FAIL"
        lines += ["", f"{verdict}: {n_passed} of {len(self.checks)} automatic checks passed; "
                      f"{earned:.0f} of {available:.0f} automatic points ({self.seconds:.1f} s)"]  # fmt: skip
        return "\n".join(lines)


def _check_lines(check: CheckResult) -> list[str]:
    lines = [f"  {'PASS' if check.passed else 'FAIL'}  {check.name}"]
    if not check.passed:
        lines.append(f"        {check.message}")
        lines.append(f"        hint: {check.hint}")
        if check.detail:
            lines += ["        | " + line for line in check.detail.splitlines()]
    return lines


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"
