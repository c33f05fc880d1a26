"""Extra code (scaffolding): the `grad` command, `python -m week03_gradients grad X Y`.

Parses two coordinates from the command line, refuses anything that is not two finite numbers with a
one-line message (exit 2 via `shared.cli`), and prints the analytic and numerical gradient side by side.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence

import numpy as np

from shared.errors import RoadmapError
from week03_gradients.gradient_calc import DEFAULT_H, analytic_gradient, f, numerical_gradient


def parse_point(values: Sequence[str], n: int = 2) -> np.ndarray:
    """Turn command-line strings into a point, or raise a RoadmapError that says what is wrong."""
    if len(values) != n:
        raise RoadmapError(f"f(x, y) takes {n} coordinates, got {len(values)}: {list(values)}. Example: grad 1 2")
    point = []
    for name, text in zip("xyzw", values, strict=False):
        try:
            value = float(text)
        except ValueError:
            raise RoadmapError(f"{name} = {text!r} is not a number. Example: grad 1.5 -2") from None
        if not math.isfinite(value):
            raise RoadmapError(f"{name} = {text!r} must be a finite number")
        point.append(value)
    return np.array(point)


def grad_command(args: argparse.Namespace) -> int:
    point = parse_point(args.coords)
    if not (math.isfinite(args.h) and args.h > 0):
        raise RoadmapError(f"--h must be a positive number, got {args.h}")
    analytic = analytic_gradient(point)
    numeric = numerical_gradient(f, point, args.h)
    print(f"f{tuple(point.tolist())} = {f(point):.10g}")
    print(f"analytic  ∇f = ({analytic[0]:.10g}, {analytic[1]:.10g})")
    print(f"numerical ∇f = ({numeric[0]:.10g}, {numeric[1]:.10g})   (central differences, h = {args.h:g})")
    print(f"max |difference| = {np.max(np.abs(numeric - analytic)):.2e}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add `grad X Y` to the week's CLI (shared.cli.week_main)."""
    parser = sub.add_parser("grad", help="evaluate ∇f at a point, e.g. `grad 1 2`, `grad -1 2.5`, `grad -- -1e3 2`")
    parser.add_argument("coords", nargs="*", metavar="X Y", help="the point's coordinates")
    parser.add_argument("--h", type=float, default=DEFAULT_H, help=f"finite-difference step (default {DEFAULT_H:g})")
    parser.set_defaults(func=grad_command)
