"""`python -m week11_lstm_imdb [run] [--fast]` and `python -m week11_lstm_imdb predict "text" ...`."""

from __future__ import annotations

import argparse
from pathlib import Path

from shared.cli import week_main


def _predict(args: argparse.Namespace) -> int:
    from week11_lstm_imdb.inference import predict

    for text, (label, prob) in zip(args.texts, predict(args.texts, model_dir=args.model), strict=True):
        print(f"{label}\t{prob:.3f}\t{text}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("predict", help="sentiment of one or more texts, with the probability of the label")
    parser.add_argument("texts", nargs="+", help="review text(s), quoted")
    parser.add_argument(
        "--model", type=Path, default=None, help="model folder (default outputs/week11_lstm_imdb/model)"
    )
    parser.set_defaults(func=_predict)


if __name__ == "__main__":
    raise SystemExit(week_main("week11", add_commands=add_commands))
