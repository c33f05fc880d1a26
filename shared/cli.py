"""The `roadmap` command and the `python -m weekNN_…` entry every week shares.

Every user-fixable error (`RoadmapError`) ends as one message on stderr and exit code 2: a learner
sees what to do, not a traceback.
"""

from __future__ import annotations

import argparse
import errno
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path

from shared.errors import RoadmapError

EXIT_USER_ERROR = 2


def friendly_errors(func: Callable[..., int]) -> Callable[..., int]:
    """Turn RoadmapError (and Ctrl-C) into a message and an exit code instead of a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs) -> int:
        try:
            return func(*args, **kwargs)
        except RoadmapError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_USER_ERROR
        except OSError as exc:  # a path that is a folder, read-only, missing, on /proc, full disk, ...
            print(f"error: {describe_os_error(exc)}", file=sys.stderr)
            return EXIT_USER_ERROR
        except UnicodeDecodeError as exc:
            print(f"error: an input file is not UTF-8 text ({exc.reason} at byte {exc.start}); "
                  "save it as UTF-8 and try again", file=sys.stderr)  # fmt: skip
            return EXIT_USER_ERROR
        except ValueError as exc:
            if "null byte" not in str(exc):  # only the OS layer's refusal of a NUL in a path is the user's
                raise
            print("error: a path contains a NUL character; give a plain file path", file=sys.stderr)
            return EXIT_USER_ERROR
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130

    return wrapper


def describe_os_error(exc: OSError) -> str:
    """One line naming the path and what to do, for the file-system errors a user can fix."""
    path = exc.filename or "a file"
    if exc.filename2:
        path = f"{exc.filename} → {exc.filename2}"
    advice = {
        errno.EISDIR: "it is a folder; give a file path",
        errno.ENOTDIR: "a part of the path is not a folder",
        errno.EACCES: "permission denied; choose a writable location or fix the permissions",
        errno.EPERM: "operation not permitted; choose another location",
        errno.EROFS: "the file system is read-only; choose a writable location (e.g. --out /tmp/run)",
        errno.ENOENT: "no such file or folder",
        errno.ENOSPC: "the disk is full; free some space",
        errno.EEXIST: "it already exists",
    }.get(exc.errno or -1, exc.strerror or str(exc))
    return f"{path}: {advice}"


def seed_arg(text: str) -> int:
    """argparse type for --seed: an integer in NumPy's seed range, or a usage error (exit 2)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"{value} is out of range; use 0 ≤ seed < 2**32")
    return value


def _use_headless_plots() -> None:
    """Scripts draw into files, never windows (notebooks keep their inline backend: they never come here)."""
    matplotlib = sys.modules.get("matplotlib")
    if matplotlib is not None:
        matplotlib.use("Agg")
    else:  # not imported yet: set it for when a unit does, without paying for the import here
        os.environ.setdefault("MPLBACKEND", "Agg")


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fast", action="store_true", help="small subset, few epochs (tests, notebooks)")
    parser.add_argument("--seed", type=seed_arg, default=42, help="drives every random source (default 42)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default outputs/<week>/)")


def _print_run(result: dict) -> None:
    print(f"{result['week']}: wrote {result['out_dir']}/metrics.json in {result['wall_time_s']:.1f} s")
    for key, value in result["metrics"].items():
        if isinstance(value, (int, float, str)):
            print(f"  {key}: {value:.4g}" if isinstance(value, float) else f"  {key}: {value}")
    for verdict in result["targets"]:
        target = f"{verdict['metric']} {verdict['op']} {verdict['value']:g}"
        state = "met" if verdict["met"] else ("MISSED" if verdict["gating"] else "missed (time: reported, not gating)")
        print(f"  target {target} ({verdict['source']}): {state}")


def _cmd_list(args: argparse.Namespace) -> int:
    from shared.data.fetch import check
    from shared.weeks import WEEKS

    for week in WEEKS:
        states = [check(name)[0] for name in week.datasets]
        if not states:
            data = "no data needed"
        else:
            data = "data ok" if all(s == "ok" for s in states) else "data " + "/".join(states)
        print(f"{week.key:7} {week.slug:28} {week.title:42} {data}")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from shared.runner import run_week
    from shared.weeks import find_week

    result = run_week(find_week(args.week), fast=args.fast, seed=args.seed, out_dir=args.out)
    _print_run(result)
    return 0 if args.fast or all(v["met"] or not v["gating"] for v in result["targets"]) else 1


def _cmd_reproduce(args: argparse.Namespace) -> int:
    from shared.report import write_readme_table
    from shared.runner import run_week
    from shared.weeks import WEEKS, find_week

    weeks = [find_week(name) for name in args.weeks] if args.weeks else WEEKS
    missed = []
    for week in weeks:
        print(f"== {week.key}: {week.title}", flush=True)
        result = run_week(week, fast=args.fast, seed=args.seed)
        _print_run(result)
        missed += [f"{week.key}: {v['metric']} {v['op']} {v['value']:g}" for v in result["targets"]
                   if not v["met"] and v["gating"]]  # fmt: skip
    if not args.fast:
        write_readme_table()
        print("README.md results table updated")
    if missed and not args.fast:
        print("targets missed:\n  " + "\n  ".join(missed), file=sys.stderr)
        return 1
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from shared.report import results_table, write_readme_table

    print(write_readme_table() if args.write else results_table())
    return 0


def _cmd_publish(args: argparse.Namespace) -> int:
    from shared.runner import republish
    from shared.weeks import find_week

    print(f"rewrote the results block of {republish(find_week(args.week), args.out)}")
    return 0


def _cmd_data(args: argparse.Namespace) -> int:
    from shared.data.fetch import data_dir, fetch, verify_all
    from shared.data.registry import CIFAR10_FORMS, DATASETS

    if args.action == "list":
        for ds in DATASETS.values():
            print(f"{ds.name:20} {ds.path:45} rows={ds.rows or '-':<6} licence: {ds.licence}")
        return 0
    if args.action == "fetch":
        data_dir(create=True)
        for name in args.names or [n for n in DATASETS if n != "cifar10_python"]:
            print(f"{name}: {fetch(name)}")
        return 0
    # verify: an alternative form (CIFAR-10) counts as present when one of its forms is OK.
    results = verify_all(args.names or None)
    for name in (n for n in CIFAR10_FORMS if n in results):
        if results[name][0] == "missing" and any(results.get(o, ("",))[0] == "ok" for o in CIFAR10_FORMS):
            results[name] = ("alternative", results[name][1])
    for name, (status, path) in results.items():
        print(f"{status.upper():11} {name:20} {path}")
    bad = {n: s for n, (s, _) in results.items() if s not in ("ok", "alternative")}
    if bad:
        raise RoadmapError(
            f"{len(bad)} of {len(results)} dataset files in {data_dir()} are missing or corrupt "
            f"({', '.join(f'{n}: {s}' for n, s in bad.items())}). Run `roadmap data fetch` with internet "
            f"to download them, or point ROADMAP_DATA_DIR at a folder that holds them (the course data "
            f"mirror). Corrupt files must be deleted first; they are never overwritten."
        )
    print(f"all {len(results)} files OK in {data_dir()}")
    return 0


def _cmd_grade(args: argparse.Namespace) -> int:
    from shared.grading.grader import grade

    report = grade(args.week, args.path, reference=args.reference, metrics=not args.no_metrics)
    print(report.to_json() if args.json else report.to_text())
    return 0 if report.passed else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="roadmap", description="Run and reproduce the ml-roadmap weeks.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="weeks, titles and the state of their data").set_defaults(func=_cmd_list)
    run = sub.add_parser("run", help="run one week (full mode unless --fast)")
    run.add_argument("week", help="week01 … week16, c1 … c4, or the folder name")
    _add_run_options(run)
    run.set_defaults(func=_cmd_run)
    rep = sub.add_parser("reproduce", help="run every week and write the README results table")
    rep.add_argument("--fast", action="store_true")
    rep.add_argument("--seed", type=seed_arg, default=42)
    rep.add_argument("--weeks", nargs="+", metavar="WEEK", help="only these weeks (at least one name)")
    rep.set_defaults(func=_cmd_reproduce)
    report = sub.add_parser("report", help="print the results table from existing outputs")
    report.add_argument("--write", action="store_true", help="also write it into README.md")
    report.set_defaults(func=_cmd_report)
    publish = sub.add_parser("publish", help="re-render a unit's README block and model card from its last full run")
    publish.add_argument("week")
    publish.add_argument("--out", type=Path, default=None, help="the full run's folder (default: outputs/<unit>)")
    publish.set_defaults(func=_cmd_publish)
    grade = sub.add_parser("grade", help="check your own solution of a week against the reference's checks")
    grade.add_argument("week", help="week01 … week16, c1 … c4, or the folder name")
    grade.add_argument("path", nargs="?", help="your solution: a .py file, a notebook or a package folder")
    grade.add_argument("--reference", action="store_true", help="grade the reference solution itself")
    grade.add_argument("--json", action="store_true", help="machine-readable report")
    grade.add_argument("--no-metrics", action="store_true", help="checks only (faster: the reference is not scored)")
    grade.set_defaults(func=_cmd_grade)
    data = sub.add_parser("data", help="list, fetch or verify dataset files")
    data.add_argument("action", choices=["list", "fetch", "verify"])
    data.add_argument("names", nargs="*")
    data.set_defaults(func=_cmd_data)
    return parser


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _use_headless_plots()
    return args.func(args)


def week_main(
    key: str,
    argv: list[str] | None = None,
    add_commands: Callable[[argparse._SubParsersAction], None] | None = None,
) -> int:
    """`python -m weekNN_…`: `run` (the default) plus any commands the week adds (e.g. `predict`).

    `add_commands(subparsers)` adds sub-parsers whose `func(args) -> int` does the work.
    """
    from shared.weeks import find_week

    week = find_week(key)
    parser = argparse.ArgumentParser(prog=f"python -m {week.package}", description=week.title)
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="train/analyse and write outputs (default)")
    _add_run_options(run)

    def _run(args: argparse.Namespace) -> int:
        from shared.runner import run_week

        result = run_week(week, fast=args.fast, seed=args.seed, out_dir=args.out)
        _print_run(result)
        return 0

    run.set_defaults(func=_run)
    if add_commands:
        add_commands(sub)
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv = ["run", *argv]
    args = parser.parse_args(argv)
    _use_headless_plots()
    return friendly_errors(args.func)(args)
