"""Wrong on purpose (grading fixture): cleaning drops every image with a missing sex, age or site.

Hundreds of images (and their diagnoses) vanish, and whether missingness goes with malignancy can no longer be
asked. Caught by the `clean_keeps_every_row` check.
"""

from sklearn.model_selection import GroupShuffleSplit

from capstones.c1_melanoma_eda.melanoma_report import patient_bootstrap_ci, per_patient


def clean(meta):
    return meta.dropna(subset=["sex", "age_approx", "anatom_site_general_challenge"])


def summarise(meta):
    rate = meta["target"].mean()
    low, high = patient_bootstrap_ci(per_patient(meta), resamples=500, seed=0)  # the reference's interval
    return {
        "n_images": len(meta),
        "n_patients": meta["patient_id"].nunique(),
        "n_malignant": int(meta["target"].sum()),
        "malignant_rate": float(rate),
        "malignant_rate_ci_low": low,
        "malignant_rate_ci_high": high,
    }


def split(meta, seed):
    return next(GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=seed).split(meta, groups=meta["patient_id"]))
