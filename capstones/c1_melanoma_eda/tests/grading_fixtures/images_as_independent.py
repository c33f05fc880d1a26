"""Wrong on purpose (grading fixture): the interval of the malignant share treats every image as independent.

Images of one patient share skin, camera and diagnosis habits; a Wilson interval over images is too narrow when
they cluster. Caught by the `interval_resamples_patients` check.
"""

from sklearn.model_selection import GroupShuffleSplit

from shared.stats import proportion_ci


def clean(meta):
    gaps = ["sex", "anatom_site_general_challenge"]
    return meta.astype(dict.fromkeys(gaps, "string")).fillna(dict.fromkeys(gaps, "unknown"))


def summarise(meta):
    low, high = proportion_ci(int(meta["target"].sum()), len(meta))  # images as independent draws
    return {
        "n_images": len(meta),
        "n_patients": meta["patient_id"].nunique(),
        "n_malignant": int(meta["target"].sum()),
        "malignant_rate": float(meta["target"].mean()),
        "malignant_rate_ci_low": low,
        "malignant_rate_ci_high": high,
    }


def split(meta, seed):
    return next(GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=seed).split(meta, groups=meta["patient_id"]))
