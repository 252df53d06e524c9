"""The registry of the course's real datasets, and what a cache holds.

For each of the six public datasets the course uses, the registry records
its official source (the URLs to fetch and, for archives, which members to
keep), the size and SHA-256 of every file as it sits in the cache, its
terms of use and its citation. :func:`data_home` says which folder is the
cache and :func:`cache_status` reports which datasets are present there and
verified.

Examples
--------
>>> from smartmkt_helpers.data.registry import DATASETS
>>> [d.url.rsplit("/", 1)[-1] for d in DATASETS["german-credit"].downloads]
['german.data', 'german.doc']
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

#: Environment variable that names the cache folder.
DATA_HOME_ENV = "SMARTMKT_DATA_HOME"
#: Environment variable that, when set to 1, forbids any network access.
OFFLINE_ENV = "SMARTMKT_OFFLINE"
#: Name of the cache folder inside the user's cache directory.
CACHE_DIR_NAME = "smartmkt"

_HASH_CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class DataFile:
    """One file of a dataset, as it sits in the cache."""

    path: str
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Download:
    """One request to an official source.

    ``files`` are the cache paths (relative to the dataset's folder) that
    this download provides. For a zip archive, ``members`` names the
    archive member behind each of those files, in the same order, and
    ``archive_sha256`` or ``archive_md5`` is the checksum the source
    publishes for the archive itself, when it publishes one. A plain file
    is checked against its :class:`DataFile` SHA-256.
    """

    url: str
    files: tuple[str, ...]
    members: tuple[str, ...] = ()
    archive_sha256: str | None = None
    archive_md5: str | None = None


@dataclass(frozen=True)
class Dataset:
    """A real public dataset: where it comes from, what its files are, what it holds (``about``)."""

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
        """Return the registered file at ``path`` (relative to the folder)."""
        for data_file in self.files:
            if data_file.path == path:
                return data_file
        raise KeyError(f"{self.name} has no file {path!r}")


_MOVIELENS_ZIP = "https://files.grouplens.org/datasets/movielens/ml-100k.zip"
_ML_FILES = ("README", "u.data", "u.genre", "u.info", "u.item", "u.occupation", "u.user")
_HILLSTROM_CSV = "Kevin_Hillstrom_MineThatData_E-MailAnalytics_DataMiningChallenge_2008.03.20.csv"
_UCI_GERMAN = "https://archive.ics.uci.edu/ml/machine-learning-databases/statlog/german"
_CDNOW_ZIP = "http://www.brucehardie.com/datasets/CDNOW_master.zip"
_OBP_RAW = "https://raw.githubusercontent.com/st-tech/zr-obp/master/obd"
_DKVMN_RAW = (
    "https://raw.githubusercontent.com/jennyzhang0215/DKVMN/master/data/assist2009_updated"
)

DATASETS: dict[str, Dataset] = {
    "movielens-100k": Dataset(
        name="movielens-100k",
        title="MovieLens 100K",
        folder="ml-100k",
        files=(
            DataFile("README", 6750, "4883b8cf340ed0059971b33f56ad3adc88a40792108ebca3d24aafc4c82e8b52"),
            DataFile("u.data", 1979173, "06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490"),
            DataFile("u.genre", 202, "9757e0d3e6b298159a80dd48eaf938114690e911e39af97a76949ef1663610bb"),
            DataFile("u.info", 36, "5b0a40b2e47a729ee6203063f6dcf8790c2e63f5a18663e6ee318a72c5f3c27b"),
            DataFile("u.item", 236344, "553841ebc7de3a0fd0d6b62a204ea30c1e651aacfb2814c7a6584ac52f2c5701"),
            DataFile("u.occupation", 193, "cd5fbec9afe345d993a62fc7817df1a4a9079c4feb267b3118763b8fd942137d"),
            DataFile("u.user", 22628, "f120e114da2e8cf314fd28f99417c94ae9ddf1cb6db8ce0e4b5995d40e90e62c"),
        ),
        source=_MOVIELENS_ZIP,
        downloads=(
            Download(
                _MOVIELENS_ZIP,
                files=_ML_FILES,
                members=tuple(f"ml-100k/{name}" for name in _ML_FILES),
                archive_md5="0e33842e24a9c977be4e0107933c0723",
            ),
        ),
        terms="GroupLens research licence: research use only, no redistribution without permission.",
        citation=(
            "Harper, F. M. & Konstan, J. A. (2015). The MovieLens Datasets: History and "
            "Context. ACM Transactions on Interactive Intelligent Systems 5(4)."
        ),
        rows="100,000 ratings by 943 users of 1,682 movies",
        about=(
            "Explicit 1-5 star ratings collected by the MovieLens web site between September 1997 and "
            "April 1998; every user rated at least 20 movies. `users` holds age, gender, occupation and"
            " zip code; `movies` the title, release date, IMDb link and 19 genre flags."
        ),
    ),
    "hillstrom": Dataset(
        name="hillstrom",
        title="MineThatData e-mail campaign (Hillstrom)",
        folder="hillstrom",
        files=(
            DataFile(
                _HILLSTROM_CSV,
                3964977,
                "0e5893329d8b93cefecc571777672028290ab69865718020c78c7284f291aece",
            ),
        ),
        source=f"http://www.minethatdata.com/{_HILLSTROM_CSV}",
        downloads=(Download(f"http://www.minethatdata.com/{_HILLSTROM_CSV}", (_HILLSTROM_CSV,)),),
        terms="Released publicly by Kevin Hillstrom (2008); no licence stated: do not redistribute.",
        citation=(
            "Hillstrom, K. (2008). The MineThatData E-Mail Analytics and Data Mining Challenge."
        ),
        rows="64,000 customers in a randomised e-mail test",
        about=(
            "64,000 customers who bought in the last twelve months, randomly split into three equal "
            "groups: a men's merchandise e-mail, a women's merchandise e-mail, no e-mail (`segment`). "
            "Outcomes over the following two weeks: `visit`, `conversion`, `spend`."
        ),
    ),
    "open-bandit": Dataset(
        name="open-bandit",
        title="Open Bandit Dataset (10,000-row samples)",
        folder="open-bandit",
        files=(
            DataFile("bts/all/all.csv", 5084456, "0ad874e4dbf6902f0845dd478ad8dde5ef6903583d3ffaace78411bdad064106"),
            DataFile("bts/all/item_context.csv", 10041, "5d4359ba1cfa3ae88f0f1bae66bd633859fe6323817183632ee57b83539d9153"),
            DataFile("random/all/all.csv", 5039451, "7168295b6e0a9eabcf3392320a5dd434e542b68e705d5cd9491499af589812f1"),
            DataFile("random/all/item_context.csv", 10041, "eba04cc23d5f130a93ff174c5392986882b94c3839433cb8143870eaa6221358"),
        ),
        source=f"{_OBP_RAW}/{{random,bts}}/all/{{all.csv,item_context.csv}}",
        downloads=tuple(
            Download(f"{_OBP_RAW}/{policy}/all/{table}", (f"{policy}/all/{table}",))
            for policy in ("bts", "random")
            for table in ("all.csv", "item_context.csv")
        ),
        terms="Open Bandit Dataset, ZOZO Inc.: cite Saito et al. (2021); do not redistribute.",
        citation=(
            "Saito, Y., Aihara, S., Matsutani, M. & Narita, Y. (2021). Open Bandit Dataset "
            "and Pipeline: Towards Realistic and Reproducible Off-Policy Evaluation. "
            "NeurIPS Datasets and Benchmarks Track."
        ),
        rows="10,000 logged impressions for each of two policies (random, Bernoulli TS)",
        about=(
            "Fashion recommendations on ZOZOTOWN: each row is one of three slots (`position`) showing "
            "one of 80 items, chosen by the logging policy with probability `propensity_score`; `click`"
            ' is the reward. `item_context` describes the items. Load `policy="random"` (uniform '
            'random) or `policy="bts"` (Bernoulli Thompson sampling).'
        ),
    ),
    "german-credit": Dataset(
        name="german-credit",
        title="Statlog (German Credit Data)",
        folder="german-credit",
        files=(
            DataFile("german.data", 79793, "b21f3d81db8071257d5ff1deaeba1fd4303b62712e6fcc9715c7a86202cb5871"),
            DataFile("german.doc", 4679, "69b92cb551111bc37098698288849c96f0fd87ce81a2e54451ff39aa1e53fe49"),
        ),
        source=f"{_UCI_GERMAN}/",
        downloads=(
            Download(f"{_UCI_GERMAN}/german.data", ("german.data",)),
            Download(f"{_UCI_GERMAN}/german.doc", ("german.doc",)),
        ),
        terms="UCI Machine Learning Repository, CC BY 4.0.",
        citation=(
            "Hofmann, H. (1994). Statlog (German Credit Data). UCI Machine Learning Repository."
        ),
        rows="1,000 loan applicants, 20 attributes, good or bad risk",
        about=(
            "1,000 loan applicants described by 20 attributes (qualitative ones as the codes A11, A12, "
            "... of german.doc, decoded in `attribute_labels`) and labelled good or bad risk (`risk`). "
            "Misclassifying a bad applicant as good costs five times more than the reverse "
            "(`cost_matrix`)."
        ),
    ),
    "cdnow": Dataset(
        name="cdnow",
        title="CDNOW master transactions",
        folder="cdnow",
        files=(
            DataFile("CDNOW_master.txt", 1950452, "61fd6f7bf3497187a7ec0d9ff6a99b7568f1fe911a9f3665e02efecd6b34ed07"),
        ),
        source=_CDNOW_ZIP,
        downloads=(
            Download(
                _CDNOW_ZIP,
                files=("CDNOW_master.txt",),
                members=("CDNOW_master.txt",),
                archive_sha256="94081977a983e80dff8edfa58c83a97db33ec2bdd553151987f0dd2f63aaff49",
            ),
        ),
        terms="Fader & Hardie's CDNOW data; no licence stated: do not redistribute.",
        citation=(
            "Fader, P. S. & Hardie, B. G. S. (2001). Forecasting Repeat Sales at CDNOW: "
            "A Case Study. Interfaces 31(3)."
        ),
        rows="69,659 purchases by 23,570 customers, January 1997 to June 1998",
        about=(
            "Every purchase from January 1997 to June 1998 by the 23,570 customers who made their first"
            " purchase at the online CD shop CDNOW in the first quarter of 1997: customer, date, number"
            " of CDs and dollar value."
        ),
    ),
    "assistments-2009": Dataset(
        name="assistments-2009",
        title="ASSISTments 2009-2010 skill builder",
        folder="assistments-2009",
        files=(
            DataFile("assist2009_updated_train.csv", 1103738, "5b851c65f665474a0993d86e87901adb1e0916c0d80fe7fce4096e6641924c74"),
            DataFile("assist2009_updated_test.csv", 499387, "2e8f1d7600543aededa31323343f7d762b8f51c53c0caca852e813b67fe4e823"),
        ),
        source=f"{_DKVMN_RAW}/assist2009_updated_{{train,test}}.csv",
        downloads=tuple(
            Download(f"{_DKVMN_RAW}/assist2009_updated_{split}.csv", (f"assist2009_updated_{split}.csv",))
            for split in ("train", "test")
        ),
        terms="ASSISTments data terms: research use, do not redistribute.",
        citation=(
            "Feng, M., Heffernan, N. & Koedinger, K. (2009). Addressing the assessment "
            "challenge with an online system that tutors as it assesses. User Modeling and "
            "User-Adapted Interaction 19(3)."
        ),
        rows="student answer sequences, 3 lines per student (train 8,763 + test 3,690 lines)",
        about=(
            "Answers of students to skill-tagged maths problems in the ASSISTments tutor (2009-2010 "
            "skill-builder set), as preprocessed for knowledge-tracing papers: one row per answer, in "
            "order (`step`), with the skill and whether the answer was correct; `split` keeps the "
            "published train/test division."
        ),
    ),
}


def data_home() -> Path:
    """Return the cache folder for the real datasets.

    ``$SMARTMKT_DATA_HOME`` wins when set; otherwise the platform's user
    cache directory (``~/.cache/smartmkt`` on Linux). The folder is not
    created here.

    The variable must hold an absolute path (``~`` is expanded). A relative
    one is refused with a :class:`ValueError`: each notebook runs in its own
    folder, so ``../shared/datasets`` would point somewhere else for every
    chapter, and the chapters would quietly fall back to the twins.

    Examples
    --------
    >>> data_home().is_absolute()
    True
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
    """Return the registry entry for ``name``, or say which names exist."""
    try:
        return DATASETS[name]
    except KeyError:
        known = ", ".join(sorted(DATASETS))
        raise ValueError(f"unknown dataset {name!r}; known datasets: {known}") from None


def sha256_of(path: Path) -> str:
    """Return the hex SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_HASH_CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_state(dataset: Dataset, data_file: DataFile, home: Path | None = None) -> str:
    """Say what the cache holds for one file: ``missing``, ``wrong size``,
    ``wrong checksum`` or ``verified``."""
    path = (home or data_home()) / dataset.folder / data_file.path
    if not path.is_file():
        return "missing"
    if path.stat().st_size != data_file.bytes:
        return "wrong size"
    if sha256_of(path) != data_file.sha256:
        return "wrong checksum"
    return "verified"


def cache_status(home: str | os.PathLike | None = None) -> pd.DataFrame:
    """Report, for every registered dataset, what the cache holds.

    Parameters
    ----------
    home : path-like, optional
        The cache folder; defaults to :func:`data_home`.

    Returns
    -------
    pandas.DataFrame
        One row per dataset, indexed by name, with the columns ``title``,
        ``files`` (how many the dataset has), ``verified`` (how many are
        present with the right size and SHA-256), ``status``
        (``verified``, ``partial``, ``corrupt`` or ``missing``), ``MB`` and
        ``terms``.

    Examples
    --------
    >>> status = cache_status("/nonexistent")
    >>> status.loc["cdnow", "status"]
    'missing'
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
