"""Extra code (scaffolding): the week's extra commands.

python -m week15_monitoring_ci retrain --data labelled.csv --out model.skops   # what an alert triggers
python -m week15_monitoring_ci gate [--units week13 week15] [--require]        # CI's model-quality gate
python -m week15_monitoring_ci logs service.log                               # summarise week 14's JSON logs
"""

from __future__ import annotations

import argparse
from pathlib import Path

from shared.cli import seed_arg


def _retrain(args: argparse.Namespace) -> int:
    from week15_monitoring_ci.model import retrain

    print(f"retrained: {retrain(args.data, args.out, args.seed)}")
    return 0


def _gate(args: argparse.Namespace) -> int:
    from shared.markdown import markdown_table
    from week15_monitoring_ci.quality_gate import failures, verdicts

    table = verdicts(args.units, require=args.require)
    print(markdown_table(table))
    failed = failures(table)
    for row in failed.itertuples():
        print(f"FAILED: {row.unit} {row.metric} = {row.value} (target {row.target})")
    return 1 if len(failed) else 0


def _logs(args: argparse.Namespace) -> int:
    from shared.markdown import markdown_table
    from week15_monitoring_ci.ops import read_logs, summarise_logs

    print(markdown_table(summarise_logs(read_logs(args.log))))
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    retrain = sub.add_parser("retrain", help="refit the monitored model on labelled rows (what an alert triggers)")
    retrain.add_argument("--data", type=Path, required=True, help="CSV of labelled rows (the 11 measurements + good)")
    retrain.add_argument("--out", type=Path, required=True, help="where to write the model (.skops)")
    retrain.add_argument("--seed", type=seed_arg, default=42)
    retrain.set_defaults(func=_retrain)
    gate = sub.add_parser("gate", help="exit 1 when a full-mode metric misses its target (CI's quality gate)")
    gate.add_argument("--units", nargs="+", metavar="UNIT", help="only these units (default: every unit with a run)")
    gate.add_argument("--require", action="store_true", help="a named unit without a full run is an error")
    gate.set_defaults(func=_gate)
    logs = sub.add_parser("logs", help="per-route summary of week 14's JSON log file (and its rotated backups)")
    logs.add_argument("log", type=Path)
    logs.set_defaults(func=_logs)
