"""Week 2: who survived the Titanic, and by how much did sex, class and age matter?

Read top-down: Config → load and inspect (what is missing, what is repeated) → clean (the rules live in
`week02_titanic.cleaning`, which week 7 reuses) → survival rates per group with 95% intervals → the gaps between
groups with their own intervals → figures → `run()`, the same steps as the notebook in one script.
The data set has 891 rows, so the fast mode does the same work as a full run: it is already about a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure
from statsmodels.stats.proportion import confint_proportions_2indep

from shared.data import load_titanic
from shared.plotting import save_figure, subplots
from shared.result import Result
from shared.stats import proportion_ci
from shared.targets import Target
from week02_titanic.cleaning import clean_titanic, duplicate_report, missing_report

# A descriptive analysis has no bar to clear. The checks on our own work (no row dropped, every gap filled,
# the figures drawn) are tests in tests/, not targets.
TARGETS: list[Target] = []
HEADLINE = ("female_minus_male_survival_rate",)


# Age bands, left-closed: children under 12 were put in the boats first, so they get their own band.
AGE_BINS = (0, 12, 18, 30, 50, 65, 120)


@dataclass(frozen=True, kw_only=True)
class Config:
    """Every knob of the analysis. Nothing is trained, so nothing here depends on time or on the data."""

    age_bins: tuple[int, ...] = AGE_BINS  # edges of the age bands (years, left-closed)


FAST = Config()  # 891 rows: the full analysis already takes about a second, so fast mode changes nothing

# The groupings the survival tables are computed for: name → columns.
GROUPINGS = {"sex": ["Sex"], "class": ["Pclass"], "age_band": ["AgeBand"], "sex_class": ["Sex", "Pclass"]}


# --- 1. load and inspect ------------------------------------------------------------------------------


def load(path: Path | None = None) -> pd.DataFrame:
    """Kaggle's train.csv with explicit dtypes; the file is checked against its sha256 and its columns."""
    return load_titanic(path)


def inspect(raw: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """What is missing (per column) and what is repeated (ids, whole records): we look before we change."""
    return missing_report(raw), duplicate_report(raw)


# --- 2. clean -------------------------------------------------------------------------------------------


def age_labels(bins: tuple[int, ...]) -> list[str]:
    """(0, 12, 18, ..., 65, 120) → ["0-11", "12-17", ..., "65+"]."""
    labels = [f"{low}-{high - 1}" for low, high in zip(bins[:-2], bins[1:-1], strict=True)]
    return [*labels, f"{bins[-2]}+"]


def add_age_band(df: pd.DataFrame, bins: tuple[int, ...] = AGE_BINS) -> pd.DataFrame:
    """Add `AgeBand` (ordered category) from `Age`; bands are left-closed: 12 is "12-17"."""
    return df.assign(AgeBand=pd.cut(df["Age"], bins=list(bins), labels=age_labels(bins), right=False))


def clean(raw: pd.DataFrame, age_bins: tuple[int, ...] = AGE_BINS) -> pd.DataFrame:
    """The cleaning rules of `cleaning.clean_titanic` (title, age, port, fare, deck), then the age bands."""
    return add_age_band(clean_titanic(raw), age_bins)


def missing_before_after(raw: pd.DataFrame, cleaned: pd.DataFrame) -> pd.DataFrame:
    """Per column that had gaps: missing before and after cleaning. Cabin is replaced by Deck and HasCabin."""
    before = missing_report(raw)
    before = before[before["missing"] > 0]
    after = missing_report(cleaned)["missing"].reindex(before.index, fill_value=0)  # Cabin: gone, so 0
    return before.assign(missing_after=after, missing_pct_after=100 * after / len(cleaned)).reset_index()


# --- 3. survival rates, and the gaps between groups ------------------------------------------------------


def survival_table(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Survival rate per group with a 95% Wilson interval: columns n, survived, rate, ci_low, ci_high.

    An interval, not just a rate: 60% of 10 passengers and 60% of 300 are very different statements.
    """
    table = df.groupby(by, observed=True)["Survived"].agg(n="size", survived="sum").reset_index()
    table["rate"] = table["survived"] / table["n"]
    intervals = [proportion_ci(int(k), int(n)) for k, n in zip(table["survived"], table["n"], strict=True)]
    table["ci_low"], table["ci_high"] = zip(*intervals, strict=True)
    return table


def survival_gap(df: pd.DataFrame, column: str, group, reference) -> dict[str, float]:
    """Survival rate of `group` minus that of `reference`, with a 95% Newcombe interval for the difference.

    Two separate intervals that do not overlap already say "different", but the size of the difference needs
    its own interval: Newcombe's method combines the two Wilson intervals and behaves well near 0% and 100%.
    """
    a = df.loc[df[column] == group, "Survived"]
    b = df.loc[df[column] == reference, "Survived"]
    low, high = confint_proportions_2indep(a.sum(), len(a), b.sum(), len(b), method="newcomb", compare="diff")
    return {"gap": a.mean() - b.mean(), "ci_low": float(low), "ci_high": float(high)}


# The comparisons the write-up makes: name → (column, group, reference).
COMPARISONS = {
    "female_minus_male": ("Sex", "female", "male"),
    "first_minus_third_class": ("Pclass", 1, 3),
    "age_recorded_minus_missing": ("AgeRecorded", True, False),
}


def survival_gaps(cleaned: pd.DataFrame) -> pd.DataFrame:
    """Every comparison in COMPARISONS: one row each, with the gap and its 95% interval."""
    df = cleaned.assign(AgeRecorded=~cleaned["AgeImputed"])
    rows = [{"comparison": name, **survival_gap(df, *spec)} for name, spec in COMPARISONS.items()]
    return pd.DataFrame(rows)


# --- 4. figures (each returns its Figure; saving is a separate step) -------------------------------------


def _bar_with_ci(ax, labels: list[str], table: pd.DataFrame, *, offset: float = 0.0, width: float = 0.6, **kw):
    positions = [i + offset for i in range(len(labels))]
    errors = [table["rate"] - table["ci_low"], table["ci_high"] - table["rate"]]
    ax.bar(positions, table["rate"], width=width, yerr=errors, capsize=4, **kw)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_ylim(0, 1)
    ax.set_ylabel("survival rate (95% CI)")


def plot_missing(missing: pd.DataFrame) -> Figure:
    """Missing values per column before and after cleaning (`missing_before_after`)."""
    fig, ax = subplots()
    x = range(len(missing))
    bars_before = ax.bar([i - 0.2 for i in x], missing["missing_pct"], width=0.4, label="before cleaning")
    bars_after = ax.bar([i + 0.2 for i in x], missing["missing_pct_after"], width=0.4, label="after cleaning")
    for bars in (bars_before, bars_after):
        ax.bar_label(bars, fmt="%.1f%%", fontsize=8)
    ax.set_xticks(list(x), [c if c != "Cabin" else "Cabin (→ Deck, HasCabin)" for c in missing["column"]])
    ax.set_ylabel("% of rows missing")
    ax.set_title("Missing values before and after cleaning")
    ax.legend()
    return fig


def plot_rates(table: pd.DataFrame, column: str, title: str) -> Figure:
    """Survival rate per level of `column`, with its 95% interval."""
    fig, ax = subplots()
    _bar_with_ci(ax, [str(v) for v in table[column]], table, color="#4C72B0")
    ax.set_title(title)
    ax.set_xlabel(column)
    return fig


def plot_sex_class(table: pd.DataFrame) -> Figure:
    """Women and men side by side in each class: the two factors interact."""
    fig, ax = subplots()
    classes = sorted(table["Pclass"].unique())
    for offset, sex in ((-0.2, "female"), (0.2, "male")):
        rows = table[table["Sex"] == sex].set_index("Pclass").loc[classes]
        _bar_with_ci(ax, [f"class {c}" for c in classes], rows, offset=offset, width=0.4, label=sex)
    ax.set_title("Survival by sex and class")
    ax.legend()
    return fig


def plot_age_imputation(cleaned: pd.DataFrame) -> Figure:
    """Missing-data impact: where the imputed ages land compared with the recorded ones."""
    import seaborn as sns

    fig, ax = subplots()
    data = cleaned.assign(source=cleaned["AgeImputed"].map({False: "recorded", True: "imputed"}))
    sns.histplot(data=data, x="Age", hue="source", multiple="stack", binwidth=5, ax=ax)
    ax.set_title("Age: recorded vs imputed (median by title × class)")
    return fig


# --- the run: the same steps as the notebook -------------------------------------------------------------


def run(out_dir: Path, fast: bool = False, seed: int = 42) -> Result:
    """Inspect and clean the Titanic data, measure survival rates and gaps with 95% intervals, draw the figures.

    `seed` is unused (nothing here is random); it is accepted so every unit runs the same way.
    """
    config = FAST if fast else Config()
    out_dir = Path(out_dir)

    raw = load()
    _, duplicates = inspect(raw)
    cleaned = clean(raw, config.age_bins)
    missing = missing_before_after(raw, cleaned)
    rates = {name: survival_table(cleaned, by) for name, by in GROUPINGS.items()}
    gaps = survival_gaps(cleaned)

    figures = {
        "missing_values": plot_missing(missing),
        "survival_by_sex": plot_rates(rates["sex"], "Sex", "Survival by sex"),
        "survival_by_class": plot_rates(rates["class"], "Pclass", "Survival by passenger class"),
        "survival_by_age_band": plot_rates(rates["age_band"], "AgeBand", "Survival by age band"),
        "survival_by_sex_class": plot_sex_class(rates["sex_class"]),
        "age_imputation": plot_age_imputation(cleaned),
    }
    paths = [save_figure(fig, out_dir, name) for name, fig in figures.items()]

    overall_low, overall_high = proportion_ci(int(cleaned["Survived"].sum()), len(cleaned))
    metrics = {
        "n_passengers": len(cleaned),
        **duplicates,
        "ages_imputed": int(cleaned["AgeImputed"].sum()),
        "survival_rate": float(cleaned["Survived"].mean()),
        "survival_rate_ci_low": overall_low,
        "survival_rate_ci_high": overall_high,
    }
    for row in gaps.itertuples(index=False):  # each gap is a finding: a metric with its interval
        key = f"{row.comparison}_survival_rate"
        metrics |= {key: row.gap, f"{key}_ci_low": row.ci_low, f"{key}_ci_high": row.ci_high}
    tables = {
        "missing": missing,
        **{f"survival_by_{name}": table for name, table in rates.items()},
        "survival_gaps": gaps,
        "titanic_clean": cleaned,  # the cleaned data itself, written as tables/titanic_clean.csv
    }
    return Result(metrics=metrics, tables=tables, figures=paths)
