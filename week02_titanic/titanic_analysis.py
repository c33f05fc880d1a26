"""Week 2: who survived the Titanic? Load → report missing values → clean → survival rates with 95% CIs → figures.

Run it with `roadmap run week02` (or `python -m week02_titanic`). The cleaning rules live in
`week02_titanic.cleaning` (week 7 reuses them); this module is the analysis a learner reads top to bottom.
The data set has 891 rows, so `fast=True` does the same work as a full run: it is already seconds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from shared.data import load_titanic
from shared.plotting import save_figure, subplots
from shared.results import markdown_table
from shared.stats import proportion_ci
from shared.targets import Target
from week02_titanic.cleaning import clean_titanic, duplicate_report, missing_report

TARGETS = [
    Target("missing_handled_pct", ">=", 100, "curriculum: every missing value handled"),
    Target("rows_dropped", "<=", 0, "curriculum: no row silently dropped"),
    Target("n_figures", ">=", 4, "curriculum: at least four figures"),
]
HEADLINE = "missing_handled_pct"

# Age bands: children (under 12) were prioritised for the boats, so they get their own band.
AGE_BINS = [0, 12, 18, 30, 50, 65, 120]
AGE_LABELS = ["0-11", "12-17", "18-29", "30-49", "50-64", "65+"]
GROUPINGS = {"sex": ["Sex"], "class": ["Pclass"], "age_band": ["AgeBand"], "sex_class": ["Sex", "Pclass"]}
GROUP_LABELS = {"sex": "sex", "class": "class", "age_band": "age band", "sex_class": "sex × class"}


# --- analysis functions (pure) -------------------------------------------------------------------


def add_age_band(df: pd.DataFrame) -> pd.DataFrame:
    """Add `AgeBand` (ordered category) from `Age`; bands are left-closed: 12 is "12-17"."""
    return df.assign(AgeBand=pd.cut(df["Age"], bins=AGE_BINS, labels=AGE_LABELS, right=False))


def survival_table(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Survival rate per group with a 95% Wilson interval: columns n, survived, rate, ci_low, ci_high.

    An interval, not just a rate: 60% of 10 passengers and 60% of 300 are very different statements.
    """
    table = df.groupby(by, observed=True)["Survived"].agg(n="size", survived="sum").reset_index()
    table["rate"] = table["survived"] / table["n"]
    intervals = [proportion_ci(int(k), int(n)) for k, n in zip(table["survived"], table["n"], strict=True)]
    table["ci_low"], table["ci_high"] = zip(*intervals, strict=True)
    return table


def missing_handled_pct(before: pd.DataFrame, after: pd.DataFrame) -> float:
    """% of the cells that were missing before cleaning and are handled after (filled, or replaced by a
    derived column with no gaps: Cabin → Deck/HasCabin)."""
    missing_before = int(before.isna().sum().sum())
    if missing_before == 0:
        return 100.0
    return 100.0 * (missing_before - int(after.isna().sum().sum())) / missing_before


# --- figures ---------------------------------------------------------------------------------------


def _bar_with_ci(ax, labels: list[str], table: pd.DataFrame, *, offset: float = 0.0, width: float = 0.6, **kw):
    positions = [i + offset for i in range(len(labels))]
    errors = [table["rate"] - table["ci_low"], table["ci_high"] - table["rate"]]
    ax.bar(positions, table["rate"], width=width, yerr=errors, capsize=4, **kw)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_ylim(0, 1)
    ax.set_ylabel("survival rate (95% CI)")


def plot_missing(before: pd.DataFrame, after: pd.DataFrame, out_dir: Path) -> Path:
    columns = [c for c in before.index if before.loc[c, "missing"] > 0]
    after_pct = [after["missing_pct"].get(c, 0.0) for c in columns]  # Cabin is replaced, so 0 after
    fig, ax = subplots()
    x = range(len(columns))
    bars_before = ax.bar([i - 0.2 for i in x], before.loc[columns, "missing_pct"], width=0.4, label="before cleaning")
    bars_after = ax.bar([i + 0.2 for i in x], after_pct, width=0.4, label="after cleaning")
    for bars in (bars_before, bars_after):
        ax.bar_label(bars, fmt="%.1f%%", fontsize=8)
    ax.set_xticks(list(x), [c if c != "Cabin" else "Cabin (→ Deck, HasCabin)" for c in columns])
    ax.set_ylabel("% of rows missing")
    ax.set_title("Missing values before and after cleaning")
    ax.legend()
    return save_figure(fig, out_dir, "missing_values")


def plot_rates(table: pd.DataFrame, column: str, title: str, name: str, out_dir: Path) -> Path:
    fig, ax = subplots()
    _bar_with_ci(ax, [str(v) for v in table[column]], table, color="#4C72B0")
    ax.set_title(title)
    ax.set_xlabel(column)
    return save_figure(fig, out_dir, name)


def plot_sex_class(table: pd.DataFrame, out_dir: Path) -> Path:
    fig, ax = subplots()
    classes = sorted(table["Pclass"].unique())
    for offset, sex in ((-0.2, "female"), (0.2, "male")):
        rows = table[table["Sex"] == sex].set_index("Pclass").loc[classes]
        _bar_with_ci(ax, [f"class {c}" for c in classes], rows, offset=offset, width=0.4, label=sex)
    ax.set_title("Survival by sex and class")
    ax.legend()
    return save_figure(fig, out_dir, "survival_by_sex_class")


def plot_age_imputation(clean: pd.DataFrame, out_dir: Path) -> Path:
    """Missing-data impact: where the imputed ages land compared with the recorded ones."""
    import seaborn as sns

    fig, ax = subplots()
    data = clean.assign(source=clean["AgeImputed"].map({False: "recorded", True: "imputed"}))
    sns.histplot(data=data, x="Age", hue="source", multiple="stack", binwidth=5, ax=ax)
    ax.set_title("Age: recorded vs imputed (median by title × class)")
    return save_figure(fig, out_dir, "age_imputation")


# --- the run ---------------------------------------------------------------------------------------


def _rate_metrics(name: str, table: pd.DataFrame, by: list[str]) -> dict[str, float | int]:
    metrics: dict[str, float | int] = {}
    for row in table.itertuples(index=False):
        level = "_".join(str(getattr(row, c)) for c in by)
        key = f"rate_{name}_{level}"
        metrics |= {key: row.rate, f"{key}_ci_low": row.ci_low, f"{key}_ci_high": row.ci_high}
        metrics[f"n_{name}_{level}"] = row.n
    return metrics


def run(out_dir: Path, fast: bool = False, seed: int = 42, data_path: Path | None = None) -> dict[str, Any]:
    """Clean the Titanic data, export it, measure survival rates with CIs and draw the figures."""
    out_dir = Path(out_dir)
    raw = load_titanic(data_path)
    before = missing_report(raw)
    duplicates = duplicate_report(raw)

    clean = add_age_band(clean_titanic(raw))
    after = missing_report(clean)
    clean.to_csv(out_dir / "titanic_clean.csv", index=False)

    tables = {name: survival_table(clean, by) for name, by in GROUPINGS.items()}
    figures = [
        plot_missing(before, after, out_dir),
        plot_rates(tables["sex"], "Sex", "Survival by sex", "survival_by_sex", out_dir),
        plot_rates(tables["class"], "Pclass", "Survival by passenger class", "survival_by_class", out_dir),
        plot_rates(tables["age_band"], "AgeBand", "Survival by age band", "survival_by_age_band", out_dir),
        plot_sex_class(tables["sex_class"], out_dir),
        plot_age_imputation(clean, out_dir),
    ]
    age_missing = survival_table(raw.assign(age_missing=raw["Age"].isna()), ["age_missing"]).set_index("age_missing")

    metrics: dict[str, Any] = {
        "rows_in": len(raw),
        "rows_out": len(clean),
        "rows_dropped": len(raw) - len(clean),
        **duplicates,
        "missing_cells_before": int(raw.isna().sum().sum()),
        "missing_cells_after": int(clean.isna().sum().sum()),
        "missing_handled_pct": missing_handled_pct(raw, clean),
        "age_missing_before": int(before.loc["Age", "missing"]),
        "cabin_missing_pct_before": float(before.loc["Cabin", "missing_pct"]),
        "embarked_missing_before": int(before.loc["Embarked", "missing"]),
        "n_figures": len(figures),
        "survival_rate_overall": float(clean["Survived"].mean()),
        "survival_rate_age_recorded": float(age_missing.loc[False, "rate"]),
        "survival_rate_age_missing": float(age_missing.loc[True, "rate"]),
    }
    for name, by in GROUPINGS.items():
        metrics |= _rate_metrics(name, tables[name], by)
    return metrics


# --- README block ----------------------------------------------------------------------------------


def report(metrics: dict[str, Any]) -> str:
    """Markdown for the README: data handling, then every survival rate with its interval."""
    m = metrics
    handling = markdown_table(
        [
            {"measure": "rows in / out", "value": f"{m['rows_in']} / {m['rows_out']}"},
            {"measure": "duplicate ids / records", "value": f"{m['duplicate_ids']} / {m['duplicate_records']}"},
            {
                "measure": "missing cells before → after",
                "value": f"{m['missing_cells_before']} → {m['missing_cells_after']}",
            },
            {"measure": "missing values handled", "value": f"{m['missing_handled_pct']:.1f}%"},
            {"measure": "ages imputed", "value": m["age_missing_before"]},
            {"measure": "cabin missing before (→ Deck U)", "value": f"{m['cabin_missing_pct_before']:.1f}%"},
            {
                "measure": "survival, age recorded vs age missing",
                "value": f"{m['survival_rate_age_recorded']:.1%} vs {m['survival_rate_age_missing']:.1%}",
            },
            {"measure": "figures", "value": m["n_figures"]},
        ]
    )
    rows = []
    for key, rate in metrics.items():
        if key.startswith("rate_") and not key.endswith(("_ci_low", "_ci_high")):
            grouping, level = _split_key(key[len("rate_") :])
            rows.append(
                {
                    "grouping": GROUP_LABELS[grouping],
                    "group": level.replace("_", ", class "),
                    "n": metrics[f"n_{grouping}_{level}"],
                    "survival rate": f"{rate:.1%}",
                    "95% CI": f"{metrics[key + '_ci_low']:.1%} – {metrics[key + '_ci_high']:.1%}",
                }
            )
    overall = f"Overall survival: **{metrics['survival_rate_overall']:.1%}** of {metrics['rows_out']} passengers."
    return f"{handling}\n\n{overall}\n\n{markdown_table(rows)}"


def _split_key(rest: str) -> tuple[str, str]:
    for grouping in sorted(GROUPINGS, key=len, reverse=True):  # "sex_class" before "sex"
        if rest.startswith(grouping + "_"):
            return grouping, rest[len(grouping) + 1 :]
    raise KeyError(rest)
