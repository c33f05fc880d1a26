"""The transformer candidate: week 12's loop on AG News, validation after every epoch, the best epoch's weights kept."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from week16_pipeline import train
from week16_pipeline.pipeline import Config


@pytest.fixture(scope="module")
def ag():
    from week16_pipeline import data

    items = data.load_ag_news().sample(n=64, random_state=1).reset_index(drop=True)
    return items.assign(label_id=items["label"].map(train.LABELS.index))


def test_early_stopping_keeps_the_weights_of_the_epoch_validation_liked_best(ag, monkeypatch):
    """Validation is scripted to prefer epoch 2 of 3: the returned network must hold epoch 2's weights, not the
    last epoch's (a loop that forgets to restore them returns a model that was never chosen)."""
    scripted = iter([0.60, 0.80, 0.70])
    snapshots = []

    def fake_accuracy(model, frame):
        snapshots.append(model.network.classifier.weight.detach().clone())
        return next(scripted)

    monkeypatch.setattr(train, "accuracy", fake_accuracy)
    config = replace(Config(), transformer_rows=32, transformer_epochs=3, batch_size=16)
    torch.set_num_threads(1)
    model, losses, epochs = train.fine_tune_transformer(ag.iloc[:48], ag.iloc[48:], config, seed=0)

    assert len(losses) == 3 * 2  # 32 rows / 16 per batch × 3 epochs: rows × epochs is the budget
    assert epochs["epoch"].tolist() == [1, 2, 3] and epochs["chosen"].tolist() == [False, True, False]
    assert not torch.equal(snapshots[1], snapshots[2])  # the weights did change after epoch 2
    assert torch.equal(model.network.classifier.weight, snapshots[1])  # ...and epoch 2's came back
    assert not model.network.training  # returned ready for inference (dropout off)
    probs = train.predict_proba(model, ["Stocks fell as oil prices rose."])
    assert probs.shape == (1, 4) and abs(float(probs.sum()) - 1) < 1e-5
