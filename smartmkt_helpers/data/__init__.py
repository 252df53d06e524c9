"""The course's datasets: real ones through a verified cache, simulated twins.

:func:`load` is the one entry point. It returns the real dataset when the
cache holds it (or can fetch it) and, when asked, falls back on the
simulated twin from :mod:`smartmkt_helpers.simulate`, which has the same
columns and dtypes.

Examples
--------
>>> from smartmkt_helpers import data
>>> sorted(data.DATASETS)[:2]
['assistments-2009', 'cdnow']
>>> data.DATASETS["movielens-100k"].folder
'ml-100k'
"""

from smartmkt_helpers.data.download import fetch
from smartmkt_helpers.data.errors import (
    CacheNotWritableError,
    ChecksumError,
    DataUnavailableError,
    DiskFullError,
    NetworkError,
    OfflineError,
    ServerError,
    TruncatedDownloadError,
    UnsafeArchiveError,
)
from smartmkt_helpers.data.loaders import load, real_data_card
from smartmkt_helpers.data.registry import (
    CACHE_DIR_NAME,
    DATA_HOME_ENV,
    DATASETS,
    OFFLINE_ENV,
    DataFile,
    Dataset,
    Download,
    cache_status,
    data_home,
    file_state,
    get_dataset,
    sha256_of,
)
from smartmkt_helpers.data.schema import SCHEMAS, conform

__all__ = [
    "CACHE_DIR_NAME",
    "DATA_HOME_ENV",
    "DATASETS",
    "OFFLINE_ENV",
    "SCHEMAS",
    "CacheNotWritableError",
    "ChecksumError",
    "DataFile",
    "DataUnavailableError",
    "Dataset",
    "DiskFullError",
    "Download",
    "NetworkError",
    "OfflineError",
    "ServerError",
    "TruncatedDownloadError",
    "UnsafeArchiveError",
    "cache_status",
    "conform",
    "data_home",
    "fetch",
    "file_state",
    "get_dataset",
    "load",
    "real_data_card",
    "sha256_of",
]
