"""Fetch a registered dataset from its official source into the verified cache.

:func:`fetch` makes sure every file of a dataset sits in the cache with the
size and SHA-256 that the registry records. When they all do, it returns at
once and writes nothing, so a read-only cache (such as CI's copy) works.
Otherwise it downloads what is missing or corrupt, streaming each file to a
temporary folder (``.fetch-*``) inside the dataset's folder, verifying it and
only then moving it into place with :func:`os.replace`: the cache never holds
a half-written or unverified file, and a failure (or Ctrl-C) leaves the cache
as it was.

Every failure raises a subclass of
:class:`~smartmkt_helpers.data.errors.DataUnavailableError` whose message
says what happened and what to do.

Examples
--------
With network access switched off, an empty cache is an error that names
what is missing and how to get it:

>>> import tempfile
>>> from smartmkt_helpers.data.download import fetch
>>> with tempfile.TemporaryDirectory() as home:
...     fetch("cdnow", home, offline=True)  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
smartmkt_helpers.data.errors.OfflineError: cdnow is not in the cache ... CDNOW_master.txt...
"""

from __future__ import annotations

import errno
import functools
import hashlib
import http.client
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path, PureWindowsPath
from typing import Any, TypeVar

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
from smartmkt_helpers.data.registry import (
    DATA_HOME_ENV,
    OFFLINE_ENV,
    DataFile,
    Dataset,
    Download,
    data_home,
    file_state,
    get_dataset,
)

__all__ = ["RETRY_BACKOFF_SECONDS", "USER_AGENT", "fetch"]

#: Seconds to wait before the first retry; doubled for each further one, at most 1 s.
RETRY_BACKOFF_SECONDS = 0.5
_MAX_BACKOFF_SECONDS = 1.0
#: The User-Agent header sent with every request.
USER_AGENT = (
    "smartmkt-helpers/0.1 (course data fetcher; "
    f"Python-urllib/{sys.version_info.major}.{sys.version_info.minor})"
)
#: Values of ``SMARTMKT_OFFLINE`` that switch network access off.
_OFFLINE_VALUES = frozenset({"1", "true", "yes"})
_CHUNK_BYTES = 1 << 16
_STAGING_PREFIX = ".fetch-"
_SIMULATE_HINT = "or load the dataset with fallback='simulate'"

_T = TypeVar("_T")


def fetch(
    dataset: str | Dataset,
    home: str | os.PathLike[str] | None = None,
    *,
    offline: bool | None = None,
    timeout: float = 30.0,
    retries: int = 1,
    progress: bool = True,
) -> Path:
    """Make sure a dataset is in the cache, verified, and return its folder.

    Parameters
    ----------
    dataset : str or Dataset
        A registered name such as ``"movielens-100k"``, or a
        :class:`~smartmkt_helpers.data.registry.Dataset`.
    home : path-like, optional
        The cache folder; defaults to
        :func:`~smartmkt_helpers.data.registry.data_home`.
    offline : bool, optional
        Forbid any network access. ``None`` (the default) reads
        ``SMARTMKT_OFFLINE``: ``1``, ``true`` or ``yes`` mean offline.
    timeout : float, default 30.0
        Seconds to wait for the server to connect or to send more data.
    retries : int, default 1
        Extra attempts after a network error, a truncated download or a
        5xx answer. Client errors (4xx), checksum mismatches and unsafe
        archives are never retried.
    progress : bool, default True
        Show a progress bar (``tqdm``) while downloading.

    Returns
    -------
    pathlib.Path
        ``home / dataset.folder``, holding every registered file, verified.

    Raises
    ------
    OfflineError
        Something is missing or corrupt and network access is off.
    NetworkError
        The source could not be reached (no network, DNS, refused, timeout).
    ServerError
        The source answered with an HTTP status of 400 or more; the status
        is in the ``status`` attribute.
    TruncatedDownloadError
        The connection closed before the whole file arrived.
    ChecksumError
        A downloaded file or archive is not the one the registry describes.
    UnsafeArchiveError
        An archive member's path would land outside the dataset's folder.
    DiskFullError
        The disk ran out of space while writing.
    CacheNotWritableError
        The cache folder cannot be created or written to.
    DataUnavailableError
        The archive is not a valid zip, lacks a registered member, or the
        registry has no download for a file.

    Notes
    -----
    A file present and verified is never rewritten. Only the downloads that
    provide a missing or corrupt file are requested. A corrupt file is
    replaced by its verified download, never deleted first.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as home:
    ...     fetch("german-credit", home, offline=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    smartmkt_helpers.data.errors.OfflineError: german-credit is not in the cache ...
    """
    entry = dataset if isinstance(dataset, Dataset) else get_dataset(dataset)
    home_path = Path(home).expanduser().resolve() if home is not None else data_home()
    folder = home_path / entry.folder

    states = {f.path: file_state(entry, f, home_path) for f in entry.files}
    needed = {path: state for path, state in states.items() if state != "verified"}
    if not needed:
        return folder

    if offline is None:
        setting = os.environ.get(OFFLINE_ENV, "").strip()
        offline = setting.lower() in _OFFLINE_VALUES
        why = f"{OFFLINE_ENV}={setting}"
    else:
        why = "offline=True"
    if offline:
        raise OfflineError(_offline_message(entry, folder, needed, why))

    downloads = [d for d in entry.downloads if any(path in needed for path in d.files)]
    provided = {path for download in downloads for path in download.files}
    unprovided = sorted(set(needed) - provided)
    if unprovided:
        raise DataUnavailableError(
            f"the registry has no download for {', '.join(unprovided)} of {entry.name}; "
            f"copy the verified files into {folder}, {_SIMULATE_HINT}."
        )

    created_dirs: list[Path] = []
    try:
        _make_dirs(folder, created_dirs, sum(entry.file(path).bytes for path in needed))
        for download in downloads:
            wanted = tuple(path for path in download.files if path in needed)
            attempt = functools.partial(
                _run_download, entry, download, folder, wanted, timeout, progress, created_dirs
            )
            _with_retries(attempt, retries)
    except BaseException:
        _remove_empty_dirs(created_dirs)
        raise
    return folder


# --------------------------------------------------------------------------- messages


def _offline_message(dataset: Dataset, folder: Path, needed: dict[str, str], why: str) -> str:
    missing = [path for path, state in needed.items() if state == "missing"]
    corrupt = [f"{path} ({state})" for path, state in needed.items() if state != "missing"]
    found = []
    if missing:
        found.append("missing: " + ", ".join(missing))
    if corrupt:
        found.append("corrupt: " + ", ".join(corrupt))
    return (
        f"{dataset.name} is not in the cache and network access is off ({why}); "
        f"in {folder}, {'; '.join(found)}. To get it: unset {OFFLINE_ENV} (or pass "
        "offline=False) and connect to the internet, "
        f"or copy the verified files into {folder} (or point {DATA_HOME_ENV} at a copy), "
        f"{_SIMULATE_HINT}."
    )


def _network_message(url: str, cause: object) -> str:
    return (
        f"could not reach {url} ({cause}). Check your connection, or use "
        f"fallback='simulate'; if you have a copy of the data, point {DATA_HOME_ENV} at it."
    )


def _checksum_advice(url: str) -> str:
    return (
        f"The file downloaded from {url} is not the one the course was written for "
        "(the source may have changed it, or it was damaged on the way); nothing was "
        f"written to the cache. Try again later, point {DATA_HOME_ENV} at a verified copy, "
        f"{_SIMULATE_HINT}."
    )


# --------------------------------------------------------------------------- retries


def _with_retries(action: Callable[[], _T], retries: int) -> _T:
    """Run ``action``, retrying transient failures ``retries`` more times."""
    attempt = 0
    while True:
        try:
            return action()
        except (NetworkError, ServerError, TruncatedDownloadError) as error:
            if attempt >= retries or not _is_transient(error):
                raise
        time.sleep(min(_MAX_BACKOFF_SECONDS, RETRY_BACKOFF_SECONDS * 2**attempt))
        attempt += 1


def _is_transient(error: DataUnavailableError) -> bool:
    if isinstance(error, ServerError):
        return getattr(error, "status", 0) >= 500
    return True


# --------------------------------------------------------------------------- one download


def _run_download(
    dataset: Dataset,
    download: Download,
    folder: Path,
    wanted: tuple[str, ...],
    timeout: float,
    progress: bool,
    created_dirs: list[Path],
) -> None:
    """One attempt at one download: stage, verify, then move into place."""
    disk_bytes = sum(dataset.file(path).bytes for path in wanted)
    staging: Path | None = None
    try:
        staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=folder))
        if download.is_archive:
            archive = staging / "archive.zip"
            length = _download_archive(download, archive, timeout, progress)
            disk_bytes += length
            ready = _extract_members(dataset, download, archive, wanted, staging)
        else:
            ready = _download_plain_file(dataset, download, folder, staging, timeout, progress)
        for path, staged in ready.items():
            target = folder / path
            _make_dirs(target.parent, created_dirs, disk_bytes)
            os.replace(staged, target)
    except OSError as error:
        # Network failures were already turned into NetworkError, so an
        # OSError here comes from the disk.
        translated = _disk_error(error, folder, disk_bytes)
        if translated is None:
            raise
        raise translated from error
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def _download_plain_file(
    dataset: Dataset,
    download: Download,
    folder: Path,
    staging: Path,
    timeout: float,
    progress: bool,
) -> dict[str, Path]:
    if len(download.files) != 1:
        raise ValueError(f"a plain download provides one file, not {download.files!r}")
    data_file = dataset.file(download.files[0])
    staged = staging / Path(data_file.path).name
    digest = hashlib.sha256()
    received, length = _stream(
        download.url, staged, [digest], timeout, progress, desc=data_file.path
    )
    if length is None and received < data_file.bytes:
        raise _truncated(download.url, received, data_file.bytes)
    actual = digest.hexdigest()
    if actual != data_file.sha256:
        raise ChecksumError(
            str(folder / data_file.path), data_file.sha256, actual, _checksum_advice(download.url)
        )
    return {data_file.path: staged}


def _download_archive(download: Download, archive: Path, timeout: float, progress: bool) -> int:
    """Stream the archive to ``archive``, check its published checksum, return its size."""
    expected: list[tuple[Any, str]] = []
    if download.archive_sha256:
        expected.append((hashlib.sha256(), download.archive_sha256.lower()))
    if download.archive_md5:
        expected.append((hashlib.md5(usedforsecurity=False), download.archive_md5.lower()))
    hashers = [hasher for hasher, _ in expected]
    desc = download.url.rstrip("/").rsplit("/", 1)[-1] or archive.name
    received, _ = _stream(download.url, archive, hashers, timeout, progress, desc=desc)
    for hasher, digest in expected:
        if hasher.hexdigest() != digest:
            raise ChecksumError(
                f"{download.url} ({hasher.name} of the archive)",
                digest,
                hasher.hexdigest(),
                _checksum_advice(download.url),
            )
    return received


# --------------------------------------------------------------------------- HTTP


def _stream(
    url: str, target: Path, hashers: list[Any], timeout: float, progress: bool, desc: str
) -> tuple[int, int | None]:
    """Write the body at ``url`` to ``target``, feeding ``hashers``.

    Returns the number of bytes received and the announced Content-Length.
    """
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        error.close()
        raise _server_error(url, error.code, error.reason) from None
    except urllib.error.URLError as error:
        raise NetworkError(_network_message(url, error.reason)) from error
    except (OSError, http.client.HTTPException) as error:
        raise NetworkError(_network_message(url, _describe(error))) from error

    with response:
        status = getattr(response, "status", 200) or 200
        if status >= 400:
            raise _server_error(url, status, getattr(response, "reason", ""))
        length = _content_length(response)
        received = 0
        with open(target, "xb") as out, _progress_bar(length, desc, progress) as bar:
            while True:
                chunk = _read_chunk(response, url, received, length)
                if not chunk:
                    break
                out.write(chunk)
                for hasher in hashers:
                    hasher.update(chunk)
                bar.update(len(chunk))
                received += len(chunk)
    if length is not None and received < length:
        raise _truncated(url, received, length)
    return received, length


def _read_chunk(response: Any, url: str, received: int, length: int | None) -> bytes:
    try:
        return response.read(_CHUNK_BYTES)
    except http.client.IncompleteRead as error:
        raise _truncated(url, received + len(error.partial), length) from error
    except (OSError, http.client.HTTPException) as error:
        raise NetworkError(_network_message(url, _describe(error))) from error


def _content_length(response: Any) -> int | None:
    value = response.headers.get("Content-Length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _describe(error: BaseException) -> str:
    return str(error) or type(error).__name__


def _server_error(url: str, status: int, reason: object) -> ServerError:
    if status >= 500:
        advice = "the server has a problem; try again later"
    else:
        advice = (
            "the file may have moved or been removed; update the course repository "
            "for a corrected address"
        )
    error = ServerError(
        f"{url} answered HTTP {status} {reason}".rstrip()
        + f": {advice}, point {DATA_HOME_ENV} at a verified copy, {_SIMULATE_HINT}."
    )
    error.status = status  # type: ignore[attr-defined]
    error.url = url  # type: ignore[attr-defined]
    return error


def _truncated(url: str, received: int, expected: int | None) -> TruncatedDownloadError:
    of_total = f" of {expected:,}" if expected is not None else ""
    return TruncatedDownloadError(
        f"the download from {url} stopped after {received:,}{of_total} bytes; "
        "nothing was written to the cache. Try again (a flaky connection or server), "
        f"point {DATA_HOME_ENV} at a verified copy, {_SIMULATE_HINT}."
    )


class _NoBar:
    """Stands in for a tqdm bar when progress is off (no tqdm import)."""

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def update(self, n: int) -> None:
        return None


def _progress_bar(total: int | None, desc: str, progress: bool) -> Any:
    if not progress:
        return _NoBar()
    from tqdm.auto import tqdm  # imported here: only when a bar is shown

    return tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=desc)


# --------------------------------------------------------------------------- archives


def _extract_members(
    dataset: Dataset,
    download: Download,
    archive: Path,
    wanted: tuple[str, ...],
    staging: Path,
) -> dict[str, Path]:
    """Check every member name, then extract and verify the wanted ones."""
    try:
        zip_file = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as error:
        raise DataUnavailableError(
            f"the download from {download.url} is not a valid zip archive ({error}); "
            f"nothing was written to the cache. Try again later, {_SIMULATE_HINT}."
        ) from error
    with zip_file:
        infos = zip_file.infolist()
        for info in infos:
            reason = _unsafe_member_reason(info.filename)
            if reason:
                raise UnsafeArchiveError(
                    f"the archive from {download.url} holds the member {info.filename!r}, "
                    f"which is {reason}; nothing was extracted. Do not use this download: "
                    f"it may have been tampered with. Report it, {_SIMULATE_HINT}."
                )
        by_name = {info.filename: info for info in infos}
        absent = [m for m, f in zip(download.members, download.files) if m not in by_name]
        if absent:
            raise DataUnavailableError(
                f"the archive from {download.url} lacks the member(s) "
                f"{', '.join(map(repr, absent))} that {dataset.name} needs; nothing was "
                "written to the cache. The source may have changed the archive: update the "
                f"course repository, point {DATA_HOME_ENV} at a verified copy, {_SIMULATE_HINT}."
            )
        ready: dict[str, Path] = {}
        for index, (member, path) in enumerate(zip(download.members, download.files)):
            if path in wanted:
                staged = staging / f"member-{index}"
                _extract_one(zip_file, by_name[member], dataset.file(path), staged, download)
                ready[path] = staged
    return ready


def _extract_one(
    zip_file: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    data_file: DataFile,
    staged: Path,
    download: Download,
) -> None:
    where = f"{data_file.path} (member {info.filename!r} of {download.url})"
    if info.file_size != data_file.bytes:
        raise ChecksumError(
            where,
            data_file.sha256,
            f"(not computed: the member has {info.file_size:,} bytes, "
            f"not {data_file.bytes:,})",
            _checksum_advice(download.url),
        )
    digest = hashlib.sha256()
    try:
        with zip_file.open(info) as source, open(staged, "xb") as out:
            for chunk in iter(lambda: source.read(_CHUNK_BYTES), b""):
                out.write(chunk)
                digest.update(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise DataUnavailableError(
            f"the archive from {download.url} is damaged ({error}); nothing was written "
            f"to the cache. Try again later, {_SIMULATE_HINT}."
        ) from error
    if digest.hexdigest() != data_file.sha256:
        raise ChecksumError(
            where, data_file.sha256, digest.hexdigest(), _checksum_advice(download.url)
        )


_DRIVE = re.compile(r"^[A-Za-z]:")


def _unsafe_member_reason(name: str) -> str | None:
    """Say why extracting ``name`` could write outside its folder, or None."""
    normalized = name.replace("\\", "/")
    if normalized.startswith("/"):
        return "an absolute path"
    if _DRIVE.match(normalized) or PureWindowsPath(name).drive:
        return "a path with a drive letter"
    depth = 0
    for part in normalized.split("/"):
        if part == "..":
            depth -= 1
            if depth < 0:
                return "a path that leads outside the dataset's folder"
        elif part not in ("", "."):
            depth += 1
    return None


# --------------------------------------------------------------------------- the disk


def _make_dirs(path: Path, created: list[Path], needed_bytes: int = 0) -> None:
    """Create ``path`` and missing parents, recording (top first) what was created."""
    missing: list[Path] = []
    for candidate in (path, *path.parents):
        if candidate.is_dir():
            break
        missing.append(candidate)
    for directory in reversed(missing):
        try:
            os.mkdir(directory)
        except FileExistsError:
            continue
        except OSError as error:
            translated = _disk_error(error, directory.parent, needed_bytes)
            if translated is None:
                raise
            raise translated from error
        created.append(directory)


def _remove_empty_dirs(created: list[Path]) -> None:
    for directory in reversed(created):
        try:
            directory.rmdir()
        except OSError:
            pass


def _disk_error(error: OSError, folder: Path, needed_bytes: int) -> DataUnavailableError | None:
    """Turn a disk OSError into the data layer's error, or None if it is none of ours."""
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return DiskFullError(
            f"the disk holding {folder} is full: the download needs about "
            f"{max(needed_bytes / 1e6, 0.1):.1f} MB. Free some space, or set {DATA_HOME_ENV} "
            "to a folder on a disk with room; nothing was left half-written."
        )
    if isinstance(error, PermissionError) or error.errno in (errno.EROFS, errno.EACCES):
        return CacheNotWritableError(
            f"cannot write to the cache folder {folder} ({error.strerror or error}). "
            f"Set {DATA_HOME_ENV} to a writable folder (or make this one writable), or copy "
            f"the verified files there, {_SIMULATE_HINT}."
        )
    return None

