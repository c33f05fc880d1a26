"""Extra code (scaffolding): the `predict` and `train` commands of `python -m week12_transformer_sst2`.

    python -m week12_transformer_sst2 predict "A gripping, funny film." "Two hours I will never get back."
    python -m week12_transformer_sst2 predict --file reviews.txt --model-dir outputs/week12_transformer_sst2-fast/model
    python -m week12_transformer_sst2 train --model distilbert-base-uncased      # internet the first time

Bad input (no text, an empty one, a file that is not UTF-8 text, a damaged model folder) ends as one message
and exit code 2 through `shared.cli`, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from shared.errors import DataError
from shared.text_input import check_texts
from shared.weeks import find_week


def read_texts(path: Path) -> list[str]:
    """One text per non-blank line of a UTF-8 file."""
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise DataError(f"{path} is a folder; give a text file with one sentence per line") from None
    except FileNotFoundError:
        raise DataError(f"{path} not found; give a text file with one sentence per line") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{path} is not UTF-8 text (byte {exc.start} is {raw[exc.start]:#04x}); save it as UTF-8"
        ) from None
    lines = [line.strip() for line in text.splitlines()]
    return [line for line in lines if line]


def predict_command(args: argparse.Namespace) -> int:
    from week12_transformer_sst2.inference import MAX_CHARS, load_model, predict

    texts = list(args.texts) + (read_texts(args.file) if args.file else [])
    texts = check_texts(texts, max_chars=MAX_CHARS)  # bad input fails before the model loads
    for text, (label, probability) in zip(texts, predict(load_model(args.model_dir), texts), strict=True):
        print(f"{label}\t{probability:.3f}\t{text}")
    return 0


def train_command(args: argparse.Namespace) -> int:
    """Fine-tune another base model through the shared runner (a run with overrides never touches the README)."""
    from shared.paths import outputs_dir
    from shared.runner import run_week
    from week12_transformer_sst2.bert_sentiment import FAST, Config

    config = dataclasses.replace(FAST if args.fast else Config(), model_name=args.model)
    if args.lr is not None:
        config = dataclasses.replace(config, sweep_lrs=(args.lr,))
    slug = "week12_transformer_sst2-" + Path(args.model).name.replace("/", "_")
    out_dir = args.out or outputs_dir(slug, fast=args.fast)
    result = run_week(find_week("week12"), fast=args.fast, seed=args.seed, out_dir=out_dir, config=config)
    metrics = result["metrics"]
    print(f"{args.model}: dev accuracy {metrics['dev_accuracy']:.3f} (lr {metrics['chosen_lr']:g}, "
          f"{metrics['training_time_s'] / 60:.1f} min of fine-tuning); outputs in {result['out_dir']}")  # fmt: skip
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    from shared.cli import seed_arg

    predict = sub.add_parser("predict", help="classify sentences with a saved model")
    predict.add_argument("texts", nargs="*", help="sentences to classify (quote each)")
    predict.add_argument("--file", type=Path, default=None, help="a UTF-8 text file, one sentence per line")
    predict.add_argument("--model-dir", type=Path, default=None, help="folder written by a run (default: full run)")
    predict.set_defaults(func=predict_command)
    train = sub.add_parser("train", help="fine-tune a different base model (hub name or local folder)")
    train.add_argument("--model", required=True, help="e.g. distilbert-base-uncased, or a local model folder")
    train.add_argument("--lr", type=float, default=None, help="skip the sweep and use this learning rate")
    train.add_argument("--fast", action="store_true")
    train.add_argument("--seed", type=seed_arg, default=42)
    train.add_argument("--out", type=Path, default=None)
    train.set_defaults(func=train_command)
