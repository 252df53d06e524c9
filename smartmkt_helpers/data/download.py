"""Fetch a registered dataset from its official source into the verified cache.

A download is streamed into a temporary folder (``.fetch-*``) inside the
dataset's folder, checked against the registry's SHA-256 and only then moved
into place with :func:`os.replace`: the cache never holds a half-written or
unverified file, and a failure (or Ctrl-C) leaves it as it was.
"""

from __future__ import annotations

import errno
import hashlib
import http.client
import os
import shutil
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
import zlib
from pathlib import Path

from tqdm.auto import tqdm

from smartmkt_helpers.data.errors import ChecksumError, DataUnavailableError, DownloadError, OfflineError
from smartmkt_helpers.data.registry import (
    DATA_HOME_ENV,
    OFFLINE_ENV,
    Dataset,
    Download,
    data_home,
    file_state,
    get_dataset,
    sha256_of,
)

#: Seconds to wait before the first retry; doubled for each further one.
RETRY_BACKOFF_SECONDS = 0.5
OFFLINE_VALUES = ("1", "true", "yes")
USER_AGENT = "smartmkt-helpers/0.1 (course data fetcher)"
_CHUNK_BYTES = 1 << 16
_ELSE = f"point {DATA_HOME_ENV} at a verified copy, or load the dataset with fallback='simulate'"


def fetch(dataset: str | Dataset, home: str | os.PathLike[str] | None = None, *, offline: bool | None = None,
          timeout: float = 30.0, retries: int = 1, progress: bool = True) -> Path:
    """Make sure every file of a dataset is in the cache, verified, and return its folder.

    When all are, nothing is written (a read-only cache works). ``offline=None``
    follows ``SMARTMKT_OFFLINE``; ``timeout`` is in seconds; ``retries`` counts
    extra attempts after a transient failure (never after a checksum mismatch
    or a 4xx answer). Raises OfflineError, DownloadError, ChecksumError or
    DataUnavailableError (damaged archive, cache not writable), each saying what to do.
    """
    entry = dataset if isinstance(dataset, Dataset) else get_dataset(dataset)
    home_path = Path(home).expanduser().resolve() if home is not None else data_home()
    folder = home_path / entry.folder
    needed = {f.path: file_state(entry, f, home_path) for f in entry.files}
    needed = {path: state for path, state in needed.items() if state != "verified"}
    if not needed:
        return folder
    setting = os.environ.get(OFFLINE_ENV, "").strip()
    why = "offline=True" if offline else f"{OFFLINE_ENV}={setting}"
    if offline or (offline is None and setting.lower() in OFFLINE_VALUES):
        found = ", ".join(path if state == "missing" else f"{path} ({state})" for path, state in needed.items())
        raise OfflineError(
            f"{entry.name} is not in the cache and network access is off ({why})",
            f"In {folder}, missing or corrupt: {found}. Unset {OFFLINE_ENV} (or pass offline=False) and "
            f"connect to the internet, or {_ELSE}.",
        )
    existed = [path for path in (folder, *folder.parents) if path.exists()]
    try:
        for download in entry.downloads:
            wanted = [path for path in download.files if path in needed]
            if wanted:
                _with_retries(lambda d=download, w=wanted: _download(entry, d, folder, w, timeout, progress), retries)
    except BaseException:
        for path in (folder, *folder.parents):  # remove the folders this call created, if empty
            if path in existed or (path.exists() and any(path.iterdir())):
                break
            if path.exists():
                path.rmdir()
        raise
    return folder


def _with_retries(action, retries: int) -> None:
    for attempt in range(retries + 1):
        try:
            return action()
        except DownloadError as error:
            if attempt == retries or not error.transient:
                raise
        time.sleep(RETRY_BACKOFF_SECONDS * 2**attempt)


def _download(dataset: Dataset, download: Download, folder: Path, wanted: list[str], timeout: float,
              progress: bool) -> None:
    staging = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".fetch-", dir=folder))
        body = staging / "download"
        received, digests = _stream(download.url, body, timeout, progress)
        if download.members:
            ready = _extract(dataset, download, body, wanted, digests)
        else:
            data_file = dataset.file(download.files[0])
            if received < data_file.bytes:
                raise _truncated(download.url, received, data_file.bytes)
            _verify(data_file.path, data_file.sha256, digests["sha256"], download.url)
            ready = {data_file.path: body}
        for path, staged in ready.items():
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, folder / path)
    except OSError as error:  # network errors are already DownloadError: this is the disk
        if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            reason = f"the disk holding {folder} is full (the download needs {dataset.total_bytes / 1e6:.1f} MB)"
            raise DataUnavailableError(reason, f"Free some space or set {DATA_HOME_ENV} to a folder with room; "
                                       "nothing was left half-written.") from error
        if isinstance(error, PermissionError) or error.errno == errno.EROFS:
            reason = f"cannot write to the cache folder {folder} ({error.strerror or error})"
            raise DataUnavailableError(reason, f"Make it writable, or {_ELSE}.") from error
        raise
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def _stream(url: str, target: Path, timeout: float, progress: bool) -> tuple[int, dict[str, str]]:
    hashers = [hashlib.sha256(), hashlib.md5(usedforsecurity=False)]
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        error.close()
        advice = "The server has a problem: try again later, or " if error.code >= 500 else \
            "The file may have moved: update the course repository, or "
        raise DownloadError(f"{url} answered HTTP {error.code} {error.reason}", advice + _ELSE + ".",
                            transient=error.code >= 500, status=error.code) from None
    except (OSError, http.client.HTTPException) as error:
        raise _unreachable(url, getattr(error, "reason", error)) from error
    with response, open(target, "xb") as out:
        length = response.headers.get("Content-Length")
        length = int(length) if length and length.isdigit() else None
        received = 0
        with tqdm(total=length, unit="B", unit_scale=True, desc=url.rsplit("/", 1)[-1], disable=not progress) as bar:
            while True:
                try:
                    chunk = response.read(_CHUNK_BYTES)
                except http.client.IncompleteRead as error:
                    raise _truncated(url, received + len(error.partial), length) from error
                except (OSError, http.client.HTTPException) as error:
                    raise _unreachable(url, error) from error
                if not chunk:
                    break
                out.write(chunk)
                for hasher in hashers:
                    hasher.update(chunk)
                bar.update(len(chunk))
                received += len(chunk)
    if length is not None and received < length:
        raise _truncated(url, received, length)
    return received, {hasher.name: hasher.hexdigest() for hasher in hashers}


def _unreachable(url: str, cause: object) -> DownloadError:
    return DownloadError(f"could not reach {url} ({cause or type(cause).__name__})",
                         f"Check your connection, or {_ELSE}.")


def _truncated(url: str, received: int, expected: int | None) -> DownloadError:
    of_total = f" of {expected:,}" if expected is not None else ""
    return DownloadError(f"the download from {url} stopped after {received:,}{of_total} bytes",
                         f"Nothing was written to the cache. Try again, or {_ELSE}.")


def _verify(what: str, expected: str, actual: str, url: str) -> None:
    if actual != expected:
        raise ChecksumError(
            f"checksum mismatch for {what}: expected {expected}, got {actual}",
            f"The file from {url} is not the one the course was written for; nothing was written to "
            f"the cache. Try again later, or {_ELSE}.",
        )


def _extract(dataset: Dataset, download: Download, archive: Path, wanted: list[str],
             digests: dict[str, str]) -> dict[str, Path]:
    """Check the archive's published checksum, then extract the wanted members to ``member-<i>`` and verify them."""
    for name in ("sha256", "md5"):
        expected = getattr(download, f"archive_{name}")
        if expected:
            _verify(f"{download.url} ({name} of the archive)", expected, digests[name], download.url)
    damaged = f"Nothing was written to the cache. Try again later, or {_ELSE}."
    try:
        with zipfile.ZipFile(archive) as zip_file:
            names = set(zip_file.namelist())
            absent = [member for member in download.members if member not in names]
            if absent:
                raise DataUnavailableError(f"the archive from {download.url} lacks the member(s) {absent} "
                                           f"that {dataset.name} needs", damaged)
            ready = {}
            for index, (member, path) in enumerate(zip(download.members, download.files)):
                if path in wanted:
                    staged = archive.with_name(f"member-{index}")
                    with zip_file.open(member) as source, open(staged, "xb") as out:
                        shutil.copyfileobj(source, out, _CHUNK_BYTES)
                    data_file = dataset.file(path)
                    _verify(f"{path} (member {member!r} of {download.url})", data_file.sha256,
                            sha256_of(staged), download.url)
                    ready[path] = staged
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise DataUnavailableError(f"the download from {download.url} is not a valid zip archive ({error})",
                                   damaged) from error
    return ready

