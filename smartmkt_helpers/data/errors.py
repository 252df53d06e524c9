"""Errors of the data layer.

Every error says what went wrong (``reason``, one clause) and what to do.
They all derive from :class:`DataUnavailableError`, so a caller that can
fall back on a simulated twin catches that one class.
"""

from __future__ import annotations


class DataUnavailableError(RuntimeError):
    """A real dataset could not be read from the cache or fetched.

    ``reason`` says what happened; the message adds what to do about it.
    """

    def __init__(self, reason: str, advice: str = "") -> None:
        self.reason = reason
        super().__init__(f"{reason}. {advice}".strip())


class OfflineError(DataUnavailableError):
    """The dataset is not cached and network access is switched off."""


class DownloadError(DataUnavailableError):
    """The source could not be reached, answered with an error or stopped early.

    ``transient`` is True when trying again may help (no network, a timeout,
    a 5xx status, a truncated download); ``status`` is the HTTP status, if any.
    """

    def __init__(self, reason: str, advice: str = "", *, transient: bool = True, status: int | None = None):
        super().__init__(reason, advice)
        self.transient = transient
        self.status = status


class ChecksumError(DataUnavailableError):
    """A downloaded file (or archive) is not the one the registry describes."""
