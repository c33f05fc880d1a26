"""Extra code (scaffolding): the `predict` command, `python -m week09_nn_cubic predict 0.5 -1.2 [--model PATH]`.

Parses the numbers, calls `inference.predict`, prints one line per input (x, the network's f(x), and x³ for
comparison) and its out-of-range warning on stderr. Every user error exits with code 2 and a one-line message.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from shared.errors import DataError
from week09_nn_cubic.inference import OutOfRangeWarning, load_model, predict


def parse_numbers(texts: list[str]) -> list[float]:
    """Command-line strings → floats, or a DataError naming the first one that is not a number."""
    values = []
    for i, text in enumerate(texts, start=1):
        try:
            values.append(float(text))
        except ValueError:
            raise DataError(f"input {i} ({text!r}) is not a number. Example: predict 0.5 -1.2") from None
    return values


def _predict(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    xs = parse_numbers(args.x)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", OutOfRangeWarning)
        values = predict(model, xs)
    for warning in caught:
        print(f"warning: {warning.message}", file=sys.stderr)
    print("x\tprediction\tx**3")
    for x, value in zip(xs, values, strict=True):
        print(f"{x:g}\t{value:.5g}\t{x**3:.5g}")
    return 0


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("predict", help="the trained network's f(x) for each number given")
    parser.add_argument("x", nargs="+", help="input values, e.g. 0.5 -1.2 (negative numbers work too)")
    parser.add_argument("--model", type=Path, default=None, help="model.safetensors (default: the last full run's)")
    parser.set_defaults(func=_predict)
