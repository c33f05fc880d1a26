"""The schema of `params.yaml`: every hyperparameter, typed and range-checked, nothing else accepted.

A typo such as `n_estimator: 300` would otherwise be ignored and the default trained in silence; a value such as
`max_depth: "6"` would reach XGBoost as a string. pydantic refuses both (`extra="forbid"`, strict types) and the
message names the key, so `dvc repro` and `roadmap run week13` stop before anything is written.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.errors import RoadmapError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Prepare(_Strict):
    val_size: float = Field(gt=0, lt=0.5)
    test_size: float = Field(gt=0, lt=0.5)
    max_rows: int | None = Field(default=None, ge=200)


class Train(_Strict):
    n_estimators: int = Field(ge=1, le=5000)
    max_depth: int = Field(ge=1, le=16)
    learning_rate: float = Field(gt=0, le=1)
    subsample: float = Field(gt=0, le=1)


class ElasticNetGrid(_Strict):
    alpha: list[float] = Field(min_length=1)
    l1_ratio: list[float] = Field(min_length=1)


class RandomForestGrid(_Strict):
    n_estimators: list[int] = Field(min_length=1)
    min_samples_leaf: list[int] = Field(min_length=1)
    max_features: list[float] = Field(min_length=1)


class XGBoostGrid(_Strict):
    n_estimators: list[int] = Field(min_length=1)
    max_depth: list[int] = Field(min_length=1)
    learning_rate: list[float] = Field(min_length=1)
    subsample: list[float] = Field(min_length=1)


class Sweep(_Strict):
    elasticnet: ElasticNetGrid
    random_forest: RandomForestGrid
    xgboost: XGBoostGrid


class Evaluate(_Strict):
    bootstrap_resamples: int = Field(ge=100)


class Params(_Strict):
    seed: int = Field(ge=0, lt=2**32)
    prepare: Prepare
    train: Train
    sweep: Sweep
    evaluate: Evaluate


def parse_params(raw: object, source: str = "params.yaml") -> Params:
    """Validate a parsed YAML document; any problem becomes one RoadmapError listing every bad key."""
    try:
        return Params.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top level)'}: {err['msg'].lower()}"
            + (f" (got {err['input']!r})" if err["type"] not in ("missing", "model_type") else "")
            for err in exc.errors()
        )
        raise RoadmapError(
            f"{source} is invalid: {problems}. Fix the key(s) named; see the comments in params.yaml"
        ) from None


def load_params(path: Path | str) -> Params:
    """Read and validate a params file."""
    path = Path(path)
    if not path.is_file():
        raise RoadmapError(f"{path} not found: the DVC project needs its params.yaml (every hyperparameter)")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RoadmapError(f"{path} is not valid YAML: {exc}") from None
    return parse_params(raw, str(path))


def to_yaml(params: Params) -> str:
    """Params back to YAML (key order kept), for a workspace copy with overrides applied."""
    return yaml.safe_dump(params.model_dump(), sort_keys=False)
