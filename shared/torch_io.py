"""Save and load PyTorch models as safetensors + a JSON sidecar: one format for every torch unit.

Why not `torch.save`: a pickle runs code when loaded. safetensors holds tensors only, so a model file from
anywhere is safe to open; the sidecar (`shared.sidecar`) holds the `config` needed to rebuild the network,
plus seed, versions and data hashes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from shared.errors import RoadmapError
from shared.sidecar import read_sidecar, write_sidecar


def save_torch(
    model: Any, path: Path | str, *, config: dict[str, Any], seed: int, datasets: list[str] | tuple[str, ...] = (),
    **extra: Any,
) -> Path:  # fmt: skip
    """Write `model.state_dict()` to `path` (`.safetensors`) and its sidecar; return `path`.

    `config` must be enough for the unit's `build(config)` to recreate the architecture.
    """
    from safetensors.torch import save_file

    path = Path(path)
    if path.suffix != ".safetensors":
        raise ValueError(f"torch model files end in .safetensors, got {path.name}")
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    tmp = path.with_name(f".{path.name}.tmp")
    save_file(state, str(tmp))
    tmp.replace(path)  # atomic: a crash never leaves half a weights file under the real name
    write_sidecar(path, fmt="safetensors", model_type=type(model).__name__, seed=seed, datasets=datasets,
                  config=config, **extra)  # fmt: skip
    return path


def load_torch(path: Path | str, build: Callable[[dict[str, Any]], Any]) -> tuple[Any, dict[str, Any]]:
    """Rebuild a model with `build(sidecar["config"])`, load the weights; return (model in eval mode, sidecar).

    Every way a file can be wrong (missing, truncated, not safetensors, weights that do not fit the config)
    ends in a RoadmapError naming the file, never a library traceback.
    """
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    path = Path(path)
    if not path.is_file():
        raise RoadmapError(f"no model weights at {path}; train first (`roadmap run <week>`) or pass the right path")
    sidecar = read_sidecar(path)
    config = sidecar.get("config")
    if not isinstance(config, dict):
        raise RoadmapError(f"{path}: its sidecar has no `config` to rebuild the model; was it saved by save_torch?")
    try:
        state = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as exc:
        raise RoadmapError(f"{path} is not a readable safetensors file ({exc}); retrain or re-download it") from None
    try:
        model = build(config)
        model.load_state_dict(state)
    except (RuntimeError, KeyError, TypeError, ValueError) as exc:
        raise RoadmapError(f"{path}: the weights do not match the model its sidecar describes ({exc})") from None
    return model.eval(), sidecar
