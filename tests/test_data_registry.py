"""The dataset registry, the cache location and the cache report."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from smartmkt_helpers import data, datasets
from smartmkt_helpers.data.registry import CACHE_DIR_NAME, sha256_of
from tests.conftest import SHARED_DATASETS

EXPECTED_NAMES = {
    "movielens-100k",
    "hillstrom",
    "open-bandit",
    "german-credit",
    "cdnow",
    "assistments-2009",
}


def test_registry_names_the_six_datasets():
    assert set(data.DATASETS) == EXPECTED_NAMES
    for name, dataset in data.DATASETS.items():
        assert dataset.name == name
        assert dataset.files and dataset.citation and dataset.terms and dataset.source
        for data_file in dataset.files:
            assert len(data_file.sha256) == 64 and int(data_file.sha256, 16) >= 0
            assert data_file.bytes > 0


def test_registry_matches_the_shared_manifest():
    manifest = SHARED_DATASETS / "MANIFEST.tsv"
    if not manifest.is_file():
        pytest.skip(f"no manifest at {manifest}")
    with open(manifest, newline="") as handle:
        rows = {row["path"]: row for row in csv.DictReader(handle, delimiter="\t")}
    registered = {
        f"{dataset.folder}/{f.path}": f for dataset in data.DATASETS.values() for f in dataset.files
    }
    assert set(registered) == set(rows)
    for path, data_file in registered.items():
        assert data_file.sha256 == rows[path]["sha256"], path
        assert data_file.bytes == int(rows[path]["bytes"]), path


def test_unknown_dataset_names_the_known_ones():
    with pytest.raises(ValueError, match="unknown dataset 'movielens'.*movielens-100k"):
        data.get_dataset("movielens")


def test_data_home_prefers_the_environment_variable(clean_env, tmp_path):
    clean_env.setenv(data.DATA_HOME_ENV, str(tmp_path))
    assert data.data_home() == tmp_path.resolve()


def test_data_home_defaults_to_the_user_cache(clean_env, tmp_path):
    clean_env.setenv("XDG_CACHE_HOME", str(tmp_path))
    home = data.data_home()
    assert home.name == CACHE_DIR_NAME
    assert home.is_absolute()


def test_blank_data_home_variable_is_ignored(clean_env):
    clean_env.setenv(data.DATA_HOME_ENV, "   ")
    assert data.data_home().name == CACHE_DIR_NAME


def test_relative_data_home_is_refused_with_the_absolute_path_to_use(clean_env, tmp_path):
    clean_env.chdir(tmp_path)
    clean_env.setenv(data.DATA_HOME_ENV, "../shared/datasets")
    with pytest.raises(ValueError, match="must be an absolute path") as error:
        data.data_home()
    assert str(tmp_path / ".." / "shared" / "datasets") in str(error.value)


def test_relative_data_home_is_not_silently_replaced_by_the_twin(clean_env, tmp_path):
    clean_env.chdir(tmp_path)
    clean_env.setenv(data.DATA_HOME_ENV, "datasets")
    with pytest.raises(ValueError, match="SMARTMKT_DATA_HOME"):
        datasets.load("cdnow", fallback="simulate", offline=True)


def test_data_home_expands_the_home_folder(clean_env, tmp_path):
    clean_env.setenv("HOME", str(tmp_path))
    clean_env.setenv(data.DATA_HOME_ENV, "~/smartmkt-data")
    assert data.data_home() == (tmp_path / "smartmkt-data").resolve()


def test_cache_status_of_an_empty_folder(tmp_path):
    status = data.cache_status(tmp_path)
    assert set(status.index) == EXPECTED_NAMES
    assert (status["status"] == "missing").all()
    assert (status["verified"] == 0).all()


def test_cache_status_of_the_real_copies(real_data_home):
    status = data.cache_status(real_data_home)
    assert (status["status"] == "verified").all()
    assert (status["verified"] == status["files"]).all()


def _copy_dataset(name: str, source_home: Path, target_home: Path) -> Path:
    folder = data.DATASETS[name].folder
    shutil.copytree(source_home / folder, target_home / folder)
    for path in (target_home / folder).rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)
    (target_home / folder).chmod(0o755)
    return target_home / folder


def test_cache_status_flags_corrupt_and_partial_copies(real_data_home, tmp_path):
    german = _copy_dataset("german-credit", real_data_home, tmp_path)
    content = bytearray((german / "german.data").read_bytes())
    content[0:1] = b"X" if content[0:1] != b"X" else b"Y"  # same size, other bytes
    (german / "german.data").write_bytes(bytes(content))

    movielens = _copy_dataset("movielens-100k", real_data_home, tmp_path)
    (movielens / "u.item").unlink()

    cdnow = _copy_dataset("cdnow", real_data_home, tmp_path)
    with open(cdnow / "CDNOW_master.txt", "ab") as handle:
        handle.write(b"extra line\n")

    status = data.cache_status(tmp_path)
    assert status.loc["german-credit", "status"] == "corrupt"
    assert status.loc["movielens-100k", "status"] == "partial"
    assert status.loc["movielens-100k", "verified"] == 6
    assert status.loc["cdnow", "status"] == "corrupt"
    assert status.loc["hillstrom", "status"] == "missing"


def test_file_state_names_each_problem(real_data_home, tmp_path):
    dataset = data.DATASETS["german-credit"]
    german = _copy_dataset("german-credit", real_data_home, tmp_path)
    data_file = dataset.files[0]
    assert data.file_state(dataset, data_file, tmp_path) == "verified"
    (german / data_file.path).write_bytes(b"short")
    assert data.file_state(dataset, data_file, tmp_path) == "wrong size"
    (german / data_file.path).unlink()
    assert data.file_state(dataset, data_file, tmp_path) == "missing"


def test_sha256_of_matches_hashlib(tmp_path):
    import hashlib

    payload = b"deep learning for marketing\n" * 100_000  # spans several chunks
    path = tmp_path / "payload.bin"
    path.write_bytes(payload)
    assert sha256_of(path) == hashlib.sha256(payload).hexdigest()
