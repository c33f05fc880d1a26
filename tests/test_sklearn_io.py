"""shared.sklearn_io: safe model files with a sidecar, the allow-list on load, and the shared predict flow."""

from __future__ import annotations

import json
import operator
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from shared.errors import DataError, RoadmapError
from shared.sklearn_io import load_model, read_metadata, require_numeric, save_model


def _toy_model():
    X = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0], "b": [1.0, 0.0, 1.0, 0.0]})
    return make_pipeline(StandardScaler(), LogisticRegression()).fit(X, [0, 0, 1, 1]), X


def test_round_trip_with_sidecar(tmp_path):
    model, X = _toy_model()
    path = save_model(model, tmp_path / "m.skops", {"seed": 7, "datasets": ["titanic"], "metrics": {"acc": 1.0}})
    meta = read_metadata(path)
    assert meta["seed"] == 7 and meta["metrics"] == {"acc": 1.0}
    assert meta["data_sha256"]["titanic"].startswith("7d118fef")
    assert "scikit-learn" in meta["versions"] and "skops" in meta["versions"]
    np.testing.assert_array_equal(load_model(path).predict(X), model.predict(X))


def test_save_refuses_other_suffix(tmp_path):
    with pytest.raises(ValueError, match=".skops"):
        save_model(_toy_model()[0], tmp_path / "m.pkl", {"seed": 0})


def test_load_refuses_types_off_the_allow_list(tmp_path):
    # operator.neg is harmless, but it is not on the list: the point is that nothing unlisted loads.
    model = make_pipeline(FunctionTransformer(operator.neg), LogisticRegression()).fit(np.array([[1.0], [2.0]]), [0, 1])
    path = save_model(model, tmp_path / "f.skops", {"seed": 0})
    with pytest.raises(RoadmapError, match="allow-list"):
        load_model(path)
    assert load_model(path, extra_trusted=["_operator.neg"]).predict(np.array([[1.5]])).shape == (1,)


def test_load_missing_or_corrupt_file(tmp_path):
    with pytest.raises(RoadmapError, match="not found"):
        load_model(tmp_path / "nope.skops")
    bad = tmp_path / "bad.skops"
    bad.write_bytes(b"not a zip")
    with pytest.raises(RoadmapError, match="not a readable skops"):
        load_model(bad)


def test_require_numeric_names_the_bad_cell():
    frame = pd.DataFrame({"x": ["1", "oops"], "y": [1.0, None]})
    with pytest.raises(DataError, match=r"'x' must be numeric; row 2 has 'oops'"):
        require_numeric(frame, ["x"])
    with pytest.raises(DataError, match="missing value in row 2"):
        require_numeric(frame, ["y"])
    assert require_numeric(frame, ["y"], allow_missing=True)["y"].isna().sum() == 1


def test_predict_output_and_warnings_helpers(tmp_path, capsys):
    import warnings

    from shared.errors import RoadmapError
    from shared.sklearn_io import OutOfRangeWarning, check_output_file, extrapolation_warnings_to_stderr

    with pytest.raises(RoadmapError, match="is a folder"):
        check_output_file(tmp_path)
    assert check_output_file(tmp_path / "p.csv") == tmp_path / "p.csv"
    with extrapolation_warnings_to_stderr():
        warnings.warn("far away", OutOfRangeWarning, stacklevel=1)
    assert capsys.readouterr().err == "warning: far away\n"


def test_predict_command_exits_2_with_message(tmp_path):
    """Through a real subprocess: a malformed CSV gives one line on stderr and exit code 2, no traceback."""
    model, X = _toy_model()
    path = save_model(model, tmp_path / "m.skops", {"seed": 0})
    (tmp_path / "bad.csv").write_text("a,b\n1,zzz\n")
    script = textwrap.dedent(f"""
        import argparse, sys
        import pandas as pd
        from shared.cli import friendly_errors
        from shared.sklearn_io import add_predict_command, check_features, load_model

        def predict(model, src, dst):
            features = check_features(pd.read_csv(src), ["a", "b"])
            return load_model(model).predict(features)

        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers()
        add_predict_command(sub, default_model=lambda: {str(path)!r}, predict=predict, help_text="x")
        args = parser.parse_args(sys.argv[1:])
        sys.exit(friendly_errors(args.func)(args))
    """)
    result = subprocess.run(
        [sys.executable, "-c", script, "predict", str(tmp_path / "bad.csv")], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "'b' must be numeric" in result.stderr and "Traceback" not in result.stderr
    json.loads((tmp_path / "m.json").read_text())  # the sidecar is valid JSON


def test_features_are_checked_and_extrapolation_is_warned():
    import pandas as pd

    from shared.errors import DataError
    from shared.sklearn_io import OutOfRangeWarning, check_features, warn_out_of_range

    frame = pd.DataFrame({"a": ["1", "inf"], "b": [1.0, 2.0]})
    with pytest.raises(DataError, match="'a' must be a finite number; row 2"):
        check_features(frame, ["a", "b"])
    with pytest.raises(DataError, match="missing column"):
        check_features(frame, ["c"])
    ok = check_features(pd.DataFrame({"a": [0.5, 50.0]}), ["a"])
    with pytest.warns(OutOfRangeWarning, match="row\\(s\\) 2"):
        assert len(warn_out_of_range(ok, {"a": [0.0, 1.0]})) == 1
