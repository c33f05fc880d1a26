"""Extra code (scaffolding): tiny untrained models in weeks 10 and 12's saved formats, for tests and the notebook.

The app's plumbing (uploads, limits, errors, the page, the container's CMD) does not depend on how well a model
was trained, and tests must not train one. These stand-ins are saved exactly as the weeks save theirs (safetensors
+ sidecar through `shared.torch_io`; week 12's tokenizer files), load through the weeks' own `load_model`, and
answer with seeded coin flips. Each run folder gets a `metrics.json` saying `mode: stand-in`, so the app labels
them as such. Published numbers always come from trained models (`models.py`).
"""

from __future__ import annotations

import json
from pathlib import Path

from capstones.c3_multimodal_app.models import ModelSource, source_from_run


def tiny_image_model(run_dir: Path, seed: int = 0) -> Path:
    """A random 8-16-16 channel CifarNet saved as week 10 saves its model; returns the .safetensors path."""
    import torch

    from shared.data.cifar10 import CLASSES
    from shared.torch_io import save_torch
    from week10_cnn_cifar.model import CifarNet

    path = Path(run_dir) / "cnn_cifar.safetensors"
    if not path.is_file():
        torch.manual_seed(seed)
        config = {"widths": [8, 16, 16], "classes": list(CLASSES), "mean": [0.49, 0.48, 0.45],
                  "std": [0.25, 0.24, 0.26], "tta": False}  # fmt: skip
        save_torch(CifarNet(widths=(8, 16, 16)).eval(), path, config=config, seed=seed, note="untrained stand-in")
    return path


def stand_in_sources(root: Path, seed: int = 0) -> dict[str, ModelSource]:
    """{"image": ..., "text": ...} for two stand-ins under `root` (written once, then reused)."""
    from week14_fastapi_docker.demo_model import tiny_model  # week 14's stand-in in week 12's format

    root = Path(root)
    image_dir, text_dir = root / "week10", root / "week12"
    tiny_image_model(image_dir, seed)
    tiny_model(text_dir / "model", seed)
    for folder in (image_dir, text_dir):
        (folder / "metrics.json").write_text(json.dumps({"mode": "stand-in", "seed": seed, "metrics": {}}))
    return {"image": source_from_run("week10", image_dir), "text": source_from_run("week12", text_dir)}
