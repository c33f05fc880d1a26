"""Load California housing through scikit-learn's own fetcher, cached inside the course data folder.

Only this unit reads this dataset, so its loader lives here (the rule: `shared/data` when two units use one).
"""

from __future__ import annotations

from shared.data import data_dir, fetch
from shared.errors import DataError


def load_california(*, as_frame: bool = True):
    """California housing through scikit-learn's own fetcher, cached inside our data folder.

    When the cached file is present its hash is checked first; when it is missing scikit-learn
    downloads it (and checks the source archive's hash itself).
    """
    from sklearn.datasets import fetch_california_housing

    from shared.data.fetch import check

    status, path = check("california_housing")
    if status == "corrupt":
        fetch("california_housing")  # raises the standard hash-mismatch message
    try:
        return fetch_california_housing(
            data_home=data_dir() / "scikit_learn_data", as_frame=as_frame, download_if_missing=status == "missing"
        )
    except OSError as exc:
        raise DataError(
            f"California housing is not in the cache ({path}) and could not be downloaded ({exc}). "
            "Run with internet once, or copy cal_housing_py3.pkz from the course data mirror to that path."
        ) from None
