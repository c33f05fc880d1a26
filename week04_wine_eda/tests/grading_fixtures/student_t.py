"""Wrong on purpose: Student's t-test, which assumes red and white have equal variances."""

import _common
from _common import FEATURES, clean_wine, cohens_d, quality_correlations  # noqa: F401 - the contract


def welch_tests(df, columns):
    return _common.welch_tests(df, columns, equal_var=True)  # the mistake
