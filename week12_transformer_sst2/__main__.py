"""`python -m week12_transformer_sst2 [run] [--fast]`, `train --model NAME`, and `predict "text" ...`."""

from __future__ import annotations

import argparse
from pathlib import Path

from shared.cli import week_main


def _predict(args: argparse.Namespace) -> int:
    from week12_transformer_sst2.inference import check_texts, load_model

    texts = check_texts(args.texts)  # bad input fails before the model is loaded
    for text, (label, probability) in zip(texts, load_model(args.model_dir).predict(texts), strict=True):
        print(f"{label}\t{probability:.3f}\t{text}")
    return 0


def _train(args: argparse.Namespace) -> int:
    """Fine-tune another base model (e.g. distilbert-base-uncased). Writes metrics but never the README."""
    from shared.results import outputs_dir, timer, write_metrics
    from shared.seed import seed_everything
    from week12_transformer_sst2.bert_sentiment import run

    name = Path(args.model).name or args.model
    out_dir = args.out or outputs_dir(f"week12_transformer_sst2-{name.replace('/', '_')}", fast=args.fast)
    seed_everything(args.seed)
    with timer() as elapsed:
        metrics = run(out_dir, fast=args.fast, seed=args.seed, model_name=args.model, lr=args.lr)
    write_metrics(out_dir, metrics, week="week12", seed=args.seed, fast=args.fast, wall_time_s=elapsed["seconds"])
    print(f"dev accuracy {metrics['dev_accuracy']:.3f}; model saved in {out_dir / 'model'}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    predict = sub.add_parser("predict", help="classify sentences with a saved model")
    predict.add_argument("texts", nargs="+", help="one or more sentences (quote each)")
    predict.add_argument("--model-dir", type=Path, default=None, help="folder written by a run (default: full run)")
    predict.set_defaults(func=_predict)
    train = sub.add_parser("train", help="fine-tune a different base model (hub name or local folder)")
    train.add_argument("--model", default="sentence-transformers/all-MiniLM-L6-v2", help="e.g. distilbert-base-uncased")
    train.add_argument("--lr", type=float, default=None, help="learning rate (default 1e-4; ~5e-5 for DistilBERT)")
    train.add_argument("--fast", action="store_true")
    train.add_argument("--seed", type=int, default=42)
    train.add_argument("--out", type=Path, default=None)
    train.set_defaults(func=_train)


if __name__ == "__main__":
    raise SystemExit(week_main("week12", add_commands=add_commands))
