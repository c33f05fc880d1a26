import pytest
import torch

from shared.threads import torch_threads


def test_thread_count_is_set_inside_and_restored_after_an_error():
    before = torch.get_num_threads()
    with pytest.raises(RuntimeError), torch_threads(1):
        assert torch.get_num_threads() == 1
        raise RuntimeError("boom")
    assert torch.get_num_threads() == before


def test_none_leaves_the_count_unchanged_but_restores_changes_made_inside():
    before = torch.get_num_threads()
    with torch_threads():
        torch.set_num_threads(1)
    assert torch.get_num_threads() == before
