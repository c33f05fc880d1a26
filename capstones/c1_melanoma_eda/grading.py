"""How `roadmap grade c1 PATH` checks a learner's melanoma metadata report (see shared/grading).

The contract is the report's three computations: `clean` (gaps made explicit, no row dropped), `summarise` (the
counts and the share of malignant images with an honest 95% interval) and `split` (a train/test split that keeps
each patient on one side). The grader passes the SIIM-ISIC metadata, and for the interval also data whose answer
it knows: patients whose images all share one label, where 20 images are worth one.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace

import numpy as np
import pandas as pd

from shared.grading import Check, Function, Metric, Rubric, SelfCheck, expect
from shared.grading.probes import once, seeded

CONTRACT = [
    Function("clean", "clean(meta: pd.DataFrame) -> pd.DataFrame",
             "meta: the SIIM-ISIC 2020 training metadata as loaded (one row per image; sex, age_approx and "
             "anatom_site_general_challenge have gaps). Return the cleaned table: every row kept, sex and site "
             "without missing values (an explicit 'unknown' level), `target` unchanged"),
    Function("summarise", "summarise(meta: pd.DataFrame) -> dict",
             "the report's headline on raw metadata: keys n_images, n_patients, n_malignant, malignant_rate (share "
             "of malignant images) and its 95% interval malignant_rate_ci_low / malignant_rate_ci_high, which must "
             "respect that one patient's images are not independent"),
    Function("split", "split(meta: pd.DataFrame, seed: int) -> tuple[np.ndarray, np.ndarray]",
             "row positions (0-based) of a ~80/20 train/test split for a future model; no patient on both sides"),
]  # fmt: skip
REFERENCE = "capstones.c1_melanoma_eda.grading:Reference"
SEED = 42
SITE = "anatom_site_general_challenge"
RATE_CI = ["malignant_rate_ci_low", "malignant_rate_ci_high"]
CLUSTERED_WIDENING = 3.0  # 20 identical images per patient: the honest interval is ~√20 ≈ 4.5× Wilson's


@functools.cache
def metadata() -> pd.DataFrame:
    from capstones.c1_melanoma_eda.data import load_melanoma_metadata

    return load_melanoma_metadata()


def synthetic(patients: int, images: int, seed: int = 0) -> pd.DataFrame:
    """Metadata where every patient's `images` images share one label (20% of patients malignant)."""
    rng = np.random.default_rng(seed)
    sick = np.repeat(rng.random(patients) < 0.2, images)
    n = patients * images
    return pd.DataFrame({
        "image_name": [f"ISIC_{i:07d}" for i in range(n)],
        "patient_id": [f"IP_{p:07d}" for p in np.repeat(np.arange(patients), images)],
        "sex": pd.Categorical(np.where(np.arange(n) % 2, "male", "female")),
        "age_approx": np.repeat(rng.choice([35.0, 50.0, 65.0], patients), images),
        SITE: pd.Categorical(np.full(n, "torso")),
        "diagnosis": np.where(sick, "melanoma", "unknown"),
        "benign_malignant": np.where(sick, "malignant", "benign"),
        "target": sick.astype("int64"),
    })  # fmt: skip


def wilson_width(meta: pd.DataFrame) -> float:
    from shared.stats import proportion_ci

    low, high = proportion_ci(int(meta["target"].sum()), len(meta))
    return high - low


class Reference:
    """The reference through the contract: `clean_metadata`, the patient bootstrap, the grouped split."""

    @staticmethod
    def clean(meta: pd.DataFrame) -> pd.DataFrame:
        from capstones.c1_melanoma_eda import melanoma_report as mr

        return mr.clean_metadata(meta)

    @staticmethod
    def summarise(meta: pd.DataFrame) -> dict:
        from capstones.c1_melanoma_eda import melanoma_report as mr

        patients = mr.per_patient(mr.clean_metadata(meta))
        low, high = mr.patient_bootstrap_ci(patients, mr.FAST.bootstrap_resamples, SEED)
        return {
            "n_images": len(meta),
            "n_patients": len(patients),
            "n_malignant": int(meta["target"].sum()),
            "malignant_rate": float(meta["target"].mean()),
            "malignant_rate_ci_low": low,
            "malignant_rate_ci_high": high,
        }

    @staticmethod
    def split(meta: pd.DataFrame, seed: int):
        from sklearn.model_selection import GroupShuffleSplit

        grouped = GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=seed)  # as in `split_leakage`
        return next(grouped.split(meta, groups=meta["patient_id"]))


def _drop_gaps(meta: pd.DataFrame) -> pd.DataFrame:
    return meta.dropna(subset=["sex", "age_approx", SITE])


def _by_image(meta: pd.DataFrame, seed: int):
    from sklearn.model_selection import train_test_split

    return train_test_split(np.arange(len(meta)), test_size=0.2, random_state=seed)


NAIVE = SimpleNamespace(clean=_drop_gaps, split=_by_image)  # drop the gaps, split the images


def cleaned(sol) -> pd.DataFrame:
    return once(sol, "clean", lambda: seeded(SEED, sol.clean, metadata().copy()))


def summary(sol, meta: pd.DataFrame | None = None) -> dict:
    meta = metadata() if meta is None else meta
    out = seeded(SEED, sol.summarise, meta.copy())
    keys = [
        "n_images",
        "n_patients",
        "n_malignant",
        "malignant_rate",
        "malignant_rate_ci_low",
        "malignant_rate_ci_high",
    ]
    missing = [k for k in keys if k not in out]
    expect(not missing, f"`summarise` returned no {missing}")
    return {k: float(out[k]) for k in keys}


def split_rows(sol) -> tuple[np.ndarray, np.ndarray]:
    train, test = seeded(SEED, sol.split, metadata().copy(), SEED)
    return np.asarray(train, dtype=int).reshape(-1), np.asarray(test, dtype=int).reshape(-1)


def leaked_test_images(sol) -> float:
    """Share of test images whose patient also has images in training."""
    train, test = once(sol, "split", lambda: split_rows(sol))
    patients = metadata()["patient_id"]
    return float(patients.iloc[test].isin(set(patients.iloc[train])).mean())


# --- checks -----------------------------------------------------------------------------------------------


def check_clean_keeps_every_row(sol) -> None:
    out, meta = cleaned(sol), metadata()
    expect(len(out) == len(meta), f"{len(meta)} images in, {len(out)} out")
    expect(out["target"].sum() == meta["target"].sum(), "the number of malignant images changed while cleaning")


def check_clean_makes_gaps_explicit(sol) -> None:
    out = cleaned(sol)
    site = "site" if "site" in out else SITE
    expect(site in out and "sex" in out, f"cleaned table has no sex or site column: {list(out.columns)}")
    missing = {c: int(out[c].isna().sum()) for c in ("sex", site)}
    expect(not any(missing.values()), f"missing values left after cleaning: {missing}")


def check_counts_match(sol) -> None:
    got, meta = summary(sol), metadata()
    truth = {
        "n_images": len(meta),
        "n_patients": meta["patient_id"].nunique(),
        "n_malignant": int(meta["target"].sum()),
    }
    wrong = {k: (got[k], v) for k, v in truth.items() if got[k] != v}
    expect(not wrong, "counts (yours, the data's): " + ", ".join(f"{k} {a:g} vs {b}" for k, (a, b) in wrong.items()))
    rate = truth["n_malignant"] / truth["n_images"]
    expect(abs(got["malignant_rate"] - rate) < 1e-9, f"malignant_rate {got['malignant_rate']:.5f}, expected the "
                                                     f"share of malignant images {rate:.5f}")  # fmt: skip
    expect(got["malignant_rate_ci_low"] < rate < got["malignant_rate_ci_high"],
           f"the interval ({got['malignant_rate_ci_low']:.4f}, {got['malignant_rate_ci_high']:.4f}) does not "
           f"contain the rate {rate:.4f}")  # fmt: skip


def check_interval_resamples_patients(sol) -> None:
    """Where every patient's 20 images share a label, the honest interval is far wider than one over images;
    with one image per patient the two agree."""
    for images, low, high in ((20, CLUSTERED_WIDENING, 8.0), (1, 0.7, 1.5)):
        meta = synthetic(400, images)
        got = summary(sol, meta)
        widening = (got["malignant_rate_ci_high"] - got["malignant_rate_ci_low"]) / wilson_width(meta)
        expect(low <= widening <= high, f"with {images} image(s) per patient (all of a patient's images alike) your "
                                        f"interval is {widening:.2f}× as wide as Wilson's over images; expected "
                                        f"{low:g}–{high:g}×")  # fmt: skip


def check_split_keeps_patients_apart(sol) -> None:
    train, test = once(sol, "split", lambda: split_rows(sol))
    n = len(metadata())
    expect(np.intersect1d(train, test).size == 0, "some rows are on both sides of the split")
    expect(np.union1d(train, test).size == n, f"{n - np.union1d(train, test).size} rows are on neither side")
    expect(0.1 <= len(test) / n <= 0.35, f"the test side holds {len(test) / n:.0%} of the images (expected ~20%)")
    leaked = leaked_test_images(sol)
    expect(leaked == 0, f"{leaked:.0%} of the test images belong to patients who also have training images")


def check_same_seed_same_answers(sol) -> None:
    first = once(sol, "split", lambda: split_rows(sol))
    again = split_rows(sol)
    expect(all(np.array_equal(a, b) for a, b in zip(first, again, strict=True)), "`split` with the same seed "
                                                                                  "gave another split")  # fmt: skip
    meta = synthetic(200, 5, seed=1)
    expect(summary(sol, meta) == summary(sol, meta), "`summarise` gave another interval on a second call "
                                                      "(seed your bootstrap)")  # fmt: skip


CHECKS = [
    Check("clean_keeps_every_row", "cleaning", check_clean_keeps_every_row,
          "make gaps explicit (sex and site → 'unknown', age band 'unknown') instead of dropping images: a "
          "dropped image takes its diagnosis with it"),
    Check("clean_makes_gaps_explicit", "cleaning", check_clean_makes_gaps_explicit,
          "fill missing sex and site with an explicit 'unknown' level, so missingness itself can be studied"),
    Check("counts_match", "statistics", check_counts_match,
          "count images (rows), patients (distinct patient_id) and malignant images (target == 1) on the data "
          "you are given; the rate is malignant images / images"),
    Check("interval_resamples_patients", "statistics", check_interval_resamples_patients,
          "images of one patient are not independent: bootstrap over patients (draw whole patients with "
          "replacement), not a Wilson interval over images"),
    Check("split_keeps_patients_apart", "leakage", check_split_keeps_patients_apart,
          "split by patient (GroupShuffleSplit with groups=patient_id): an image split puts most patients on "
          "both sides, and a model can recognise the patient instead of the lesion"),
    Check("same_seed_same_answers", "reproducibility", check_same_seed_same_answers,
          "pass the seed to the splitter and to the bootstrap's random generator"),
]  # fmt: skip

METRICS = [
    Metric("rows_kept", lambda sol: len(cleaned(sol)) / len(metadata()), "higher", baseline=NAIVE,
           baseline_name="drop rows with gaps", description="share of the 33,126 images your cleaning keeps"),
    Metric("leaked_test_images", leaked_test_images, "lower", baseline=NAIVE, baseline_name="random split of images",
           description="share of test images whose patient also has training images"),
]  # fmt: skip

RUBRIC = Rubric.equal(
    "cleaning",
    "statistics",
    "leakage",
    "reproducibility",
    self_assessment=[
        SelfCheck("Does your report show age, sex, site and benign/malignant distributions, and malignancy by "
                  "age band with intervals?", "capstones/c1_melanoma_eda/README.md#figures"),
        SelfCheck("Does it say what skin tone not being recorded means for any model trained on this data?",
                  "capstones/c1_melanoma_eda/README.md#ethics"),
    ],
)  # fmt: skip
