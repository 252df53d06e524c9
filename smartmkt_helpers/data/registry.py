"""The registry of the course's six real datasets, and what the cache holds.

The entries (official source, every file's size and SHA-256, terms, citation)
are read from ``datasets.toml`` next to this module. :func:`data_home` names
the cache folder; :func:`cache_status` says which datasets it holds, verified.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

DATA_HOME_ENV = "SMARTMKT_DATA_HOME"
#: Set to 1 to forbid any network access.
OFFLINE_ENV = "SMARTMKT_OFFLINE"
CACHE_DIR_NAME = "smartmkt"
#: The registry entries and the schemas' vocabularies.
TABLES = tomllib.loads(Path(__file__).with_name("datasets.toml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class DataFile:
    """One file of a dataset, as it sits in the cache."""

    path: str
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Download:
    """One request to an official source, providing ``files`` (paths in the dataset's folder).

    For a zip archive, ``members`` names the member behind each file, and
    ``archive_sha256`` or ``archive_md5`` is the archive's published checksum.
    """

    url: str
    files: tuple[str, ...]
    members: tuple[str, ...] = ()
    archive_sha256: str | None = None
    archive_md5: str | None = None


@dataclass(frozen=True)
class Dataset:
    """A real public dataset: where it comes from, its files, what it holds (``about``)."""

    name: str
    title: str
    folder: str
    files: tuple[DataFile, ...]
    source: str
    terms: str
    citation: str
    rows: str
    about: str
    downloads: tuple[Download, ...] = ()

    @property
    def total_bytes(self) -> int:
        return sum(f.bytes for f in self.files)

    def file(self, path: str) -> DataFile:
        for data_file in self.files:
            if data_file.path == path:
                return data_file
        raise KeyError(f"{self.name} has no file {path!r}")


def _dataset(name: str, entry: dict) -> Dataset:
    downloads = tuple(Download(**{key: tuple(v) if isinstance(v, list) else v for key, v in d.items()})
                      for d in entry.pop("downloads"))
    files = tuple(DataFile(*f) for f in entry.pop("files"))
    return Dataset(name=name, files=files, downloads=downloads, **entry)


DATASETS: dict[str, Dataset] = {name: _dataset(name, dict(entry)) for name, entry in TABLES["datasets"].items()}


def data_home() -> Path:
    """Return the cache folder: ``$SMARTMKT_DATA_HOME``, else the user cache folder (``~/.cache/smartmkt``).

    A relative ``$SMARTMKT_DATA_HOME`` raises ValueError: each notebook runs in
    its own folder, so it would point somewhere else for every chapter.
    """
    configured = os.environ.get(DATA_HOME_ENV, "").strip()
    if configured:
        path = Path(configured).expanduser()
        if not path.is_absolute():
            raise ValueError(
                f"{DATA_HOME_ENV} must be an absolute path, got {configured!r}: a relative "
                f"path would be read from each notebook's own folder. Set it to "
                f"{str(Path.cwd() / path)!r} if that is the folder you mean."
            )
        return path.resolve()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME", "") or Path.home() / ".cache")
    return base / CACHE_DIR_NAME


def get_dataset(name: str) -> Dataset:
    """Return the registry entry for ``name``; ValueError lists the known names."""
    try:
        return DATASETS[name]
    except KeyError:
        raise ValueError(f"unknown dataset {name!r}; known datasets: {', '.join(sorted(DATASETS))}") from None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_state(dataset: Dataset, data_file: DataFile, home: Path | None = None) -> str:
    """What the cache holds for one file: ``missing``, ``wrong size``, ``wrong checksum`` or ``verified``."""
    path = (home or data_home()) / dataset.folder / data_file.path
    if not path.is_file():
        return "missing"
    if path.stat().st_size != data_file.bytes:
        return "wrong size"
    return "verified" if sha256_of(path) == data_file.sha256 else "wrong checksum"


def cache_status(home: str | os.PathLike | None = None) -> pd.DataFrame:
    """One row per dataset: ``title``, ``files``, ``verified`` (how many files), ``status``, ``MB``, ``terms``.

    ``status`` is ``verified``, ``partial``, ``corrupt`` or ``missing``.
    """
    home_path = Path(home).expanduser().resolve() if home is not None else data_home()
    rows = []
    for name, dataset in DATASETS.items():
        states = [file_state(dataset, f, home_path) for f in dataset.files]
        n_verified = states.count("verified")
        if n_verified == len(states):
            status = "verified"
        elif any(state in ("wrong size", "wrong checksum") for state in states):
            status = "corrupt"
        else:
            status = "partial" if n_verified else "missing"
        rows.append({"dataset": name, "title": dataset.title, "files": len(states), "verified": n_verified,
                     "status": status, "MB": round(dataset.total_bytes / 1e6, 2), "terms": dataset.terms})
    return pd.DataFrame(rows).set_index("dataset")
