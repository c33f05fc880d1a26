"""Extra code (scaffolding): the `predict` command of `python -m week11_lstm_imdb`.

    python -m week11_lstm_imdb predict "Not bad at all." "A waste of two hours." [--model PATH]

prints `label<TAB>probability of that label<TAB>text` per text. Every user error (no model, a damaged model
file, an empty text) ends as one message and exit code 2 (shared.cli).
"""

from __future__ import annotations

import argparse
from pathlib import Path


def _predict(args: argparse.Namespace) -> int:
    from week11_lstm_imdb.inference import load_model, predict

    model = load_model(args.model)
    for text, (label, prob) in zip(args.texts, predict(model, args.texts), strict=True):
        print(f"{label}\t{prob:.3f}\t{text}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("predict", help="sentiment of one or more texts, with the probability of the label")
    parser.add_argument("texts", nargs="+", help="review text(s), quoted")
    parser.add_argument(
        "--model", type=Path, default=None, help="model file or folder (default: the full run's, in outputs/)"
    )
    parser.set_defaults(func=_predict)
