"""Errors of the data layer.

Every error says what went wrong and what to do about it. They all derive
from :class:`DataUnavailableError`, so a caller that can fall back on a
simulated twin catches that one class.
"""

from __future__ import annotations


class DataUnavailableError(RuntimeError):
    """A real dataset could not be read from the cache or fetched."""


class OfflineError(DataUnavailableError):
    """The dataset is not cached and network access is switched off."""


class NetworkError(DataUnavailableError):
    """The source could not be reached (no network, DNS failure, timeout)."""


class ServerError(DataUnavailableError):
    """The source answered with an HTTP error status."""


class ChecksumError(DataUnavailableError):
    """A downloaded file is not the file the registry describes."""

    def __init__(self, path: str, expected: str, actual: str, what_to_do: str = "") -> None:
        self.path = path
        self.expected = expected
        self.actual = actual
        message = f"checksum mismatch for {path}: expected {expected}, got {actual}."
        if what_to_do:
            message += " " + what_to_do
        super().__init__(message)


class TruncatedDownloadError(DataUnavailableError):
    """The connection closed before the whole file arrived."""


class DiskFullError(DataUnavailableError):
    """The cache's disk ran out of space while a file was being written."""


class UnsafeArchiveError(DataUnavailableError):
    """An archive holds a member whose path would land outside its folder."""


class CacheNotWritableError(DataUnavailableError):
    """A file is missing from a cache folder that cannot be written to."""
