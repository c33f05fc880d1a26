"""Wrong on purpose (grading fixture): the train/test split is drawn over images, not patients.

Nearly every test patient also has images in training, so a model could recognise the patient instead of the
lesion. Caught by the `split_keeps_patients_apart` check.
"""

import numpy as np
from sklearn.model_selection import train_test_split

from capstones.c1_melanoma_eda.melanoma_report import patient_bootstrap_ci, per_patient


def clean(meta):
    gaps = ["sex", "anatom_site_general_challenge"]
    return meta.astype(dict.fromkeys(gaps, "string")).fillna(dict.fromkeys(gaps, "unknown"))


def summarise(meta):
    low, high = patient_bootstrap_ci(per_patient(meta), resamples=500, seed=0)  # the reference's interval
    return {
        "n_images": len(meta),
        "n_patients": meta["patient_id"].nunique(),
        "n_malignant": int(meta["target"].sum()),
        "malignant_rate": float(meta["target"].mean()),
        "malignant_rate_ci_low": low,
        "malignant_rate_ci_high": high,
    }


def split(meta, seed):
    return train_test_split(np.arange(len(meta)), test_size=0.2, random_state=seed)
