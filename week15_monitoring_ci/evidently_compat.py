"""Extra code (scaffolding): import Evidently under pandas 3.

Evidently 0.7.23 (the newest release) imports `pandas.core.dtypes.common.infer_dtype_from_object`, which pandas 3
removed. Only Evidently's `TestColumnsType` check uses it (we never run that check), so putting back a one-line
equivalent is enough. Delete this module when Evidently supports pandas 3.
"""

from __future__ import annotations

import warnings


def import_evidently():
    """The `evidently` module, importable under pandas 3."""
    import numpy as np
    import pandas.core.dtypes.common as common

    if not hasattr(common, "infer_dtype_from_object"):
        common.infer_dtype_from_object = lambda dtype: np.dtype(dtype).type
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecation chatter from Evidently's legacy modules at import time
        import evidently
    return evidently
