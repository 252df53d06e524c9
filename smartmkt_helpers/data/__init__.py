"""The course's real datasets, through a verified cache.

:func:`load` returns a real dataset, fetching it when the cache lacks it;
:func:`cache_status` says what the cache holds; ``python -m smartmkt_helpers.data``
lists, fetches, verifies and locates the datasets. The simulated twins are in
:mod:`smartmkt_helpers.simulate`. This package imports nothing else of the course.
"""

from smartmkt_helpers.data.download import fetch
from smartmkt_helpers.data.errors import ChecksumError, DataUnavailableError, DownloadError, OfflineError
from smartmkt_helpers.data.readers import load
from smartmkt_helpers.data.registry import (
    DATA_HOME_ENV,
    DATASETS,
    OFFLINE_ENV,
    cache_status,
    data_home,
    file_state,
    get_dataset,
)
from smartmkt_helpers.data.schema import SCHEMAS

__all__ = [
    "DATA_HOME_ENV", "DATASETS", "OFFLINE_ENV", "SCHEMAS", "ChecksumError", "DataUnavailableError",
    "DownloadError", "OfflineError", "cache_status", "data_home", "fetch", "file_state", "get_dataset", "load",
]
