"""The CIFAR-10 data layer on tiny synthetic archives of both forms (never the real 60,000 images)."""

from __future__ import annotations

import dataclasses
import io
import pickle
import tarfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from shared.data import cifar10, registry
from shared.data.fetch import file_hash
from shared.errors import DataError


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


def _jpeg(colour: tuple[int, int, int], size: int = 32) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


def make_jpeg_archive(path: Path, extra: dict[str, bytes] | None = None) -> Path:
    """cifar10-jpeg/{train,test}/<class>/NNNN.jpg: flat-coloured images whose colour encodes the class."""
    with tarfile.open(path, "w:gz") as archive:
        for split, n in (("train", 2), ("test", 1)):
            for label in (0, 3):
                for i in range(n):
                    _add(
                        archive,
                        f"cifar10-jpeg/{split}/{cifar10.CLASSES[label]}/{i:04d}.jpg",
                        _jpeg((20 * label, 100, 200)),
                    )
        for name, data in (extra or {}).items():
            _add(archive, name, data)
    return path


def make_python_archive(path: Path) -> Path:
    """The official layout: pickled dicts with b'data' (N, 3072; R plane, G plane, B plane) and b'labels'."""
    rng = np.random.default_rng(0)
    with tarfile.open(path, "w:gz") as archive:
        for name in (*cifar10._TRAIN_BATCHES, "test_batch"):
            batch = {b"data": rng.integers(0, 256, (2, 3072), dtype=np.uint8), b"labels": [1, 9]}
            _add(archive, f"cifar-10-batches-py/{name}", pickle.dumps(batch))
    return path


def test_jpeg_archive_decodes_to_uint8_arrays_with_labels(tmp_path):
    arrays = cifar10.decode_jpeg_archive(make_jpeg_archive(tmp_path / "a.tar.gz"))
    assert arrays["x_train"].shape == (4, 32, 32, 3) and arrays["x_train"].dtype == np.uint8
    assert arrays["x_test"].shape == (2, 32, 32, 3)
    assert arrays["y_train"].tolist() == [0, 0, 3, 3]
    # JPEG is lossy, but a flat colour survives within a few levels.
    assert np.abs(arrays["x_train"][2].astype(int) - [60, 100, 200]).max() <= 3


def test_python_archive_keeps_the_official_channel_order(tmp_path):
    path = make_python_archive(tmp_path / "p.tar.gz")
    arrays = cifar10.decode_python_archive(path, file_hash(path, "sha256"))
    assert arrays["x_train"].shape == (10, 32, 32, 3) and arrays["x_test"].shape == (2, 32, 32, 3)
    assert arrays["y_train"].tolist() == [1, 9] * 5
    with tarfile.open(tmp_path / "p.tar.gz") as archive:
        first = pickle.load(archive.extractfile("cifar-10-batches-py/data_batch_1"))[b"data"][0]
    # pixel (row 0, col 1): red at index 1, green at 1024 + 1, blue at 2048 + 1
    assert arrays["x_train"][0, 0, 1].tolist() == [first[1], first[1025], first[2049]]


@pytest.mark.parametrize("expected", [None, "", "0" * 64])
def test_the_official_archive_is_never_unpickled_without_a_matching_sha256(tmp_path, monkeypatch, expected):
    path = make_python_archive(tmp_path / "p.tar.gz")
    monkeypatch.setattr(cifar10.pickle, "load", lambda *a, **k: pytest.fail("unpickled an unverified file"))
    with pytest.raises(DataError, match="sha256"):
        cifar10.decode_python_archive(path, expected)


OFFICIAL_SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"  # 170,498,071 bytes


def test_the_registry_pins_the_official_archive_by_sha256():
    assert registry.DATASETS["cifar10_python"].sha256 == OFFICIAL_SHA256


def test_a_non_image_member_is_a_clear_data_error(tmp_path):
    bad = make_jpeg_archive(tmp_path / "bad.tar.gz", {"cifar10-jpeg/train/cat/9999.jpg": b"not a jpeg"})
    with pytest.raises(DataError, match="9999.jpg is not a readable image"):
        cifar10.decode_jpeg_archive(bad)


def test_an_unknown_class_folder_is_rejected(tmp_path):
    bad = make_jpeg_archive(tmp_path / "bad.tar.gz", {"cifar10-jpeg/train/unicorn/0000.jpg": _jpeg((0, 0, 0))})
    with pytest.raises(DataError, match="unknown class folder 'unicorn'"):
        cifar10.decode_jpeg_archive(bad)


@pytest.fixture
def data_dirs(tmp_path, monkeypatch):
    """A private data cache and derived cache; the registry entries point at the fixtures' real hashes."""
    monkeypatch.setenv("ROADMAP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ROADMAP_CACHE_DIR", str(tmp_path / "derived"))
    (tmp_path / "data" / "cifar10").mkdir(parents=True)

    def place(form: str, maker) -> Path:
        ds = registry.DATASETS[form]
        path = maker(tmp_path / "data" / ds.path)
        digest = file_hash(path, "sha256")
        monkeypatch.setitem(registry.DATASETS, form, dataclasses.replace(ds, sha256=digest, md5=None))
        return path

    return place


def test_load_uses_the_jpeg_copy_caches_it_and_says_so(data_dirs, capsys, monkeypatch):
    data_dirs("cifar10_jpeg", make_jpeg_archive)
    first = cifar10.load_cifar10()
    assert first.form == "cifar10_jpeg"
    assert "using cifar10_jpeg" in capsys.readouterr().out
    # The second load must come from the .npz cache: decoding again would raise.
    monkeypatch.setattr(cifar10, "decode_jpeg_archive", lambda path: pytest.fail("decoded twice"))
    second = cifar10.load_cifar10(verbose=False)
    np.testing.assert_array_equal(first.x_train, second.x_train)


def test_the_official_archive_is_preferred_when_both_are_present(data_dirs):
    data_dirs("cifar10_jpeg", make_jpeg_archive)
    data_dirs("cifar10_python", make_python_archive)
    data = cifar10.load_cifar10(verbose=False)
    assert data.form == "cifar10_python" and data.x_train.shape == (10, 32, 32, 3)


def test_a_corrupt_official_archive_is_never_unpickled(data_dirs, monkeypatch):
    data_dirs("cifar10_jpeg", make_jpeg_archive)
    path = data_dirs("cifar10_python", make_python_archive)
    path.write_bytes(b"tampered")  # the checksum no longer matches
    monkeypatch.setattr(cifar10, "decode_python_archive", lambda path: pytest.fail("unpickled a corrupt file"))
    with pytest.raises(DataError, match="does not match the registry"):
        cifar10.load_cifar10()


def test_an_unknown_form_is_rejected():
    with pytest.raises(DataError, match="unknown CIFAR-10 form"):
        cifar10.load_cifar10("cifar100")
