"""Extra code (scaffolding): the `serve` command, `python -m capstones.c3_multimodal_app serve [--port 8000]`.

Finds the models by `models.py`'s rule (training the fast ones once if no run has saved any), then serves the app
with uvicorn until Ctrl-C: the page at http://127.0.0.1:8000/ui, the JSON API under /v1, its docs at /docs.
"""

from __future__ import annotations

import argparse


def port_number(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= port <= 65_535:
        raise argparse.ArgumentTypeError(f"port {port} is outside 1–65535")
    return port


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from capstones.c3_multimodal_app.app import Settings, create_app
    from capstones.c3_multimodal_app.models import resolve_models

    sources = resolve_models(args.seed)
    for role, source in sources.items():
        print(f"{role}: {source.describe()} from {source.path}")
    app = create_app(Settings(image_model=sources["image"].path, text_model=sources["text"].path))
    print(f"open http://{args.host}:{args.port}/ui (Ctrl-C stops the server)", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="serve the app (page at /ui, JSON API under /v1) until Ctrl-C")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: loopback only)")
    parser.add_argument("--port", type=port_number, default=8000)
    parser.add_argument("--seed", type=int, default=42, help="seed for training a missing fast model")
    parser.set_defaults(func=serve)
