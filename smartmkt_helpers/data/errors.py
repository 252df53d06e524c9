"""Errors of the data layer: each says what went wrong (``reason``) and what to do.

All derive from :class:`DataUnavailableError`, the one class a caller that can
fall back on a simulated twin catches.
"""

from __future__ import annotations


class DataUnavailableError(RuntimeError):
    """A real dataset could not be read from the cache or fetched."""

    def __init__(self, reason: str, advice: str = "") -> None:
        self.reason = reason
        super().__init__(f"{reason}. {advice}".strip())


class OfflineError(DataUnavailableError):
    """The dataset is not cached and network access is switched off."""


class DownloadError(DataUnavailableError):
    """The source could not be reached, answered with an error (``status``) or stopped early.

    ``transient`` is True when trying again may help (no network, timeout, 5xx, truncated download).
    """

    def __init__(self, reason: str, advice: str = "", *, transient: bool = True, status: int | None = None):
        super().__init__(reason, advice)
        self.transient = transient
        self.status = status


class ChecksumError(DataUnavailableError):
    """A downloaded file (or archive) is not the one the registry describes."""
