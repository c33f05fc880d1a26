"""Extra code (scaffolding): the week's extra commands.

python -m week16_pipeline stage data|train|deploy|monitor|scale|report --work DIR [--params params.yaml]  # dvc.yaml
python -m week16_pipeline predict --model DIR "Oil prices hit a record high"   # label, probability, model version
python -m week16_pipeline retrain --data rows.csv --out DIR [--C 10]           # what a drift alert triggers
python -m week16_pipeline verify-audit outputs/week16_pipeline/audit.jsonl     # is the hash chain intact?
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from shared.cli import seed_arg
from shared.errors import RoadmapError

STAGES = ("data", "train", "deploy", "monitor", "scale", "report")


def _stage(args: argparse.Namespace) -> int:
    import yaml

    from week16_pipeline import pipeline

    params = yaml.safe_load(Path(args.params).read_text()) or {}
    config, seed = pipeline.config_from(params), int(params.get("seed", 42))
    work = Path(args.work)
    (work / "data").mkdir(parents=True, exist_ok=True)
    if args.name == "report":
        result = pipeline.collect(work)
        keep = {k: v for k, v in result.metrics.items() if not k.endswith("_s")}  # dvc metrics: reproducible ones
        (work / "metrics.json").write_text(json.dumps(keep, indent=2, sort_keys=True, default=float))
        return 0
    getattr(pipeline, f"stage_{args.name}")(work, config, seed)
    return 0


def _predict(args: argparse.Namespace) -> int:
    from week16_pipeline.inference import load_model, predict
    from week16_pipeline.serve import model_version

    model = load_model(args.model)
    version = model_version(Path(args.model))
    for text, (label, probability) in zip(args.texts, predict(model, args.texts), strict=True):
        print(json.dumps({"text": text[:80], "label": label, "probability": round(probability, 4),
                          "model_version": version}))  # fmt: skip
    return 0


def _retrain(args: argparse.Namespace) -> int:
    import pandas as pd

    from shared.data import read_csv_checked
    from week16_pipeline.inference import LABELS
    from week16_pipeline.train import make_baseline, save_baseline, texts_of

    rows = read_csv_checked(args.data, ["title", "description", "label_id"], keep_default_na=False)
    if not rows["label_id"].isin(range(len(LABELS))).all():
        raise RoadmapError(f"{args.data}: label_id must be 0..{len(LABELS) - 1}")
    rows = rows.assign(title=rows["title"].astype(str), description=rows["description"].astype(str))
    model = make_baseline(args.C, args.seed).fit(texts_of(rows), pd.to_numeric(rows["label_id"]))
    path = save_baseline(model, Path(args.out), seed=args.seed, datasets=(), retrained_on=str(args.data), C=args.C)
    print(f"retrained: {path}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from week16_pipeline.audit import verify

    print(f"{args.log}: {verify(args.log)} entries, chain intact")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    stage = sub.add_parser("stage", help="run one pipeline stage in a work folder (what dvc.yaml calls)")
    stage.add_argument("name", choices=STAGES)
    stage.add_argument("--work", type=Path, required=True, help="the folder the stages read and write")
    stage.add_argument("--params", type=Path, default=Path("params.yaml"))
    stage.set_defaults(func=_stage)
    predict = sub.add_parser("predict", help="classify news texts with a saved model folder")
    predict.add_argument(
        "--model", type=Path, required=True, help="a model folder, e.g. outputs/week16_pipeline/champion"
    )
    predict.add_argument("texts", nargs="+")
    predict.set_defaults(func=_predict)
    retrain = sub.add_parser("retrain", help="refit the TF-IDF model on labelled rows (what a drift alert triggers)")
    retrain.add_argument("--data", type=Path, required=True, help="CSV with title, description, label_id")
    retrain.add_argument("--out", type=Path, required=True, help="the new model's folder")
    retrain.add_argument("--C", type=float, default=10.0)
    retrain.add_argument("--seed", type=seed_arg, default=42)
    retrain.set_defaults(func=_retrain)
    verify = sub.add_parser("verify-audit", help="check the audit log's hash chain (exit 2 when tampered)")
    verify.add_argument("log", type=Path)
    verify.set_defaults(func=_verify)
