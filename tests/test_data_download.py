"""Fetching datasets into the cache: verified files only, clear errors, nothing half-written.

A local HTTP server on 127.0.0.1 stands in for the official sources. It
serves the verified copies (SMARTMKT_DATA_HOME, else ../shared/datasets) under ``/shared/`` and,
on any other path, whatever a test asked for (a body, a status, a truncated
or slow answer). Each test uses its own paths, so it counts its own requests.
"""

from __future__ import annotations

import builtins
import dataclasses
import errno
import hashlib
import http.server
import io
import os
import shutil
import socket
import stat
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from smartmkt_helpers.data import download
from smartmkt_helpers.data.download import fetch
from smartmkt_helpers.data.errors import ChecksumError, DataUnavailableError, DownloadError, OfflineError
from smartmkt_helpers.data.registry import (
    DATA_HOME_ENV,
    DATASETS,
    OFFLINE_ENV,
    DataFile,
    Dataset,
    Download,
    file_state,
)
from tests.conftest import SHARED_DATASETS as SHARED

Responder = Callable[[http.server.BaseHTTPRequestHandler], None]


# --------------------------------------------------------------------------- the server


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        path = urlsplit(self.path).path
        responder = self.server.record(path)
        if responder is not None:
            responder(self)
        elif path.startswith("/shared/") and (SHARED / path[len("/shared/") :]).is_file():
            send(self, (SHARED / path[len("/shared/") :]).read_bytes())
        else:
            self.send_error(404)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, list[Responder]] = {}
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (timeout test) is not an error here

    def record(self, path: str) -> Responder | None:
        """Count the request and pick its responder (the last one repeats)."""
        with self.lock:
            self.hits[path] += 1
            responders = self.routes.get(path)
            if not responders:
                return None
            return responders[min(self.hits[path], len(responders)) - 1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_port}{path}"

    def route(self, path: str, *responders: Responder) -> str:
        """Answer the n-th request for ``path`` with ``responders[n]``; return its URL."""
        self.routes[path] = list(responders)
        return self.url(path)

    @property
    def total(self) -> int:
        return sum(self.hits.values())


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    httpd = _Server()
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def send(handler: http.server.BaseHTTPRequestHandler, body: bytes, length: int | None = -1) -> None:
    """Answer 200 with ``body``; Content-Length is len(body), ``length``, or absent (None)."""
    handler.send_response(200)
    if length is not None:
        handler.send_header("Content-Length", str(len(body) if length == -1 else length))
    handler.end_headers()
    handler.wfile.write(body)


def body(data: bytes) -> Responder:
    return lambda handler: send(handler, data)


def status(code: int) -> Responder:
    return lambda handler: handler.send_error(code)


def truncated(data: bytes, keep: int, *, announce: bool = True) -> Responder:
    """Announce the full length (or none), send the first ``keep`` bytes, hang up."""
    return lambda handler: send(handler, data[:keep], len(data) if announce else None)


def chunked_truncated(data: bytes) -> Responder:
    """A chunked answer whose first chunk stops half-way."""

    def respond(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        handler.wfile.write(f"{len(data):x}\r\n".encode() + data[: len(data) // 2])
        handler.close_connection = True

    return respond


def slow(seconds: float) -> Responder:
    def respond(handler: http.server.BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        try:
            send(handler, b"too late")
        except OSError:
            pass

    return respond


# --------------------------------------------------------------------------- test datasets

TOY_A = bytes(range(256)) * 200  # 51,200 bytes
TOY_B = b"id,value\n" + b"".join(b"%d,%d\n" % (i, i * i) for i in range(500))


def _data_file(path: str, content: bytes) -> DataFile:
    return DataFile(path, len(content), hashlib.sha256(content).hexdigest())


def toy_dataset(urls: dict[str, str]) -> Dataset:
    """A small dataset of two plain files, one of them in a subfolder."""
    return Dataset(
        name="toy",
        title="Toy",
        folder="toy",
        files=(_data_file("a.bin", TOY_A), _data_file("sub/b.csv", TOY_B)),
        source="test",
        terms="test",
        citation="test",
        rows="test",
        about="test",
        downloads=tuple(Download(urls[path], (path,)) for path in ("a.bin", "sub/b.csv")),
    )


def toy_zip_dataset(url: str, archive: bytes | None = None, **checksums: str | None) -> Dataset:
    """The toy dataset, fetched as one zip whose members sit under ``toy/``."""
    if archive is not None and not checksums:
        checksums = {"archive_sha256": hashlib.sha256(archive).hexdigest()}
    return dataclasses.replace(
        toy_dataset({"a.bin": url, "sub/b.csv": url}),
        downloads=(Download(url, ("a.bin", "sub/b.csv"), ("toy/a.bin", "toy/b.csv"), **checksums),),
    )


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(zipfile.ZipInfo(name), content)
    return buffer.getvalue()


TOY_MEMBERS = {"toy/a.bin": TOY_A, "toy/b.csv": TOY_B}


def unique(name: str) -> str:
    return f"/{uuid.uuid4().hex}/{name}"


def served_toy(server: _Server, **responders: Responder) -> tuple[Dataset, dict[str, str]]:
    """The toy dataset with a route per file (default: the right bytes); also its paths."""
    paths = {"a.bin": unique("a.bin"), "sub/b.csv": unique("b.csv")}
    defaults = {"a.bin": body(TOY_A), "sub/b.csv": body(TOY_B)}
    for key, path in paths.items():
        server.route(path, responders.get(key.replace("sub/", "").replace(".", "_"), defaults[key]))
    return toy_dataset({key: server.url(path) for key, path in paths.items()}), paths


def pointed_at_server(dataset: Dataset, server: _Server) -> Dataset:
    """A real registry entry whose plain downloads come from the shared copies."""
    downloads = tuple(
        dataclasses.replace(d, url=server.url(f"/shared/{dataset.folder}/{d.files[0]}"))
        for d in dataset.downloads
    )
    return dataclasses.replace(dataset, downloads=downloads)


def snapshot(root: Path, *, folder_mtimes: bool = False) -> dict[str, tuple]:
    """Every file and folder under ``root``, hidden ones too.

    Files are compared by size, mtime and content (when small). A folder's
    mtime changes whenever a temporary file comes and goes inside it, so it
    only counts with ``folder_mtimes`` (for caches that must see no write).
    """
    tree: dict[str, tuple] = {}
    if not root.exists():
        return tree
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        if path.is_dir():
            tree[str(path.relative_to(root))] = ("dir", info.st_mtime_ns if folder_mtimes else None)
        else:
            content = path.read_bytes() if info.st_size < 1 << 20 else None
            tree[str(path.relative_to(root))] = (info.st_size, info.st_mtime_ns, content)
    return tree


def shared_is_verified(*names: str) -> bool:
    return all(
        file_state(DATASETS[name], f, SHARED) == "verified"
        for name in names or DATASETS
        for f in DATASETS[name].files
    )


def needs_shared(*names: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        not shared_is_verified(*names), reason=f"no verified copies in {SHARED}"
    )


@pytest.fixture(autouse=True)
def quiet_environment(clean_env: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No course variables, no proxies (127.0.0.1 must be reached directly), fast retries."""
    for scheme in ("http", "https", "all"):
        clean_env.delenv(f"{scheme}_proxy", raising=False)
        clean_env.delenv(f"{scheme.upper()}_PROXY", raising=False)
    clean_env.setattr(download, "RETRY_BACKOFF_SECONDS", 0.01)
    return clean_env


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty cache folder."""
    path = tmp_path / "cache"
    path.mkdir()
    return path


@contextmanager
def forbid_writes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, object]]]:
    """Make every way of writing to disk fail and record it (meaningful even as root)."""
    attempts: list[tuple[str, object]] = []
    real_open, real_os_open = builtins.open, os.open
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

    def refuse(what: str, target: object) -> None:
        attempts.append((what, target))
        raise PermissionError(errno.EACCES, f"test forbids {what}", str(target))

    def guarded_open(file, mode="r", *args, **kwargs):
        if any(flag in mode for flag in "wxa+"):
            refuse(f"open({mode!r})", file)
        return real_open(file, mode, *args, **kwargs)

    def guarded_os_open(path, flags, *args, **kwargs):
        if flags & write_flags:
            refuse("os.open for writing", path)
        return real_os_open(path, flags, *args, **kwargs)

    def refuser(what: str) -> Callable[..., None]:
        return lambda target, *args, **kwargs: refuse(what, target)

    with monkeypatch.context() as patch:
        patch.setattr(builtins, "open", guarded_open)
        patch.setattr(io, "open", guarded_open)
        patch.setattr(os, "open", guarded_os_open)
        for name in ("mkdir", "makedirs", "replace", "rename", "remove", "unlink", "rmdir"):
            patch.setattr(os, name, refuser(f"os.{name}"))
        patch.setattr(shutil, "rmtree", refuser("shutil.rmtree"))
        yield attempts


# --------------------------------------------------------------------------- success


@needs_shared("german-credit")
def test_fetches_a_plain_file_dataset_into_an_empty_cache(server, home):
    dataset = pointed_at_server(DATASETS["german-credit"], server)
    folder = fetch(dataset, home, progress=False)
    assert folder == home.resolve() / "german-credit"
    assert sorted(p.name for p in folder.iterdir()) == ["german.data", "german.doc"]
    assert all(file_state(dataset, f, home) == "verified" for f in dataset.files)
    for d in dataset.downloads:
        assert server.hits[urlsplit(d.url).path] == 1


@needs_shared("movielens-100k", "cdnow")
@pytest.mark.parametrize("name", ["movielens-100k", "cdnow"])
def test_fetches_a_zip_dataset_and_keeps_only_the_registered_members(server, home, name):
    real = DATASETS[name]
    (original,) = real.downloads
    members = {
        member: (SHARED / real.folder / path).read_bytes()
        for member, path in zip(original.members, original.files)
    }
    members["ml-100k/u1.base" if name == "movielens-100k" else "extra.txt"] = b"not registered\n"
    archive = make_zip(members)
    url = server.route(unique(f"{name}.zip"), body(archive))
    replaced = dataclasses.replace(
        original,
        url=url,
        archive_sha256=hashlib.sha256(archive).hexdigest(),
        archive_md5=hashlib.md5(archive).hexdigest(),
    )
    dataset = dataclasses.replace(real, downloads=(replaced,))
    folder = fetch(dataset, home, progress=False)
    assert sorted(p.name for p in folder.iterdir()) == sorted(original.files)
    assert all(file_state(dataset, f, home) == "verified" for f in dataset.files)


def test_plain_files_in_subfolders_and_no_temporary_files_left(server, home):
    dataset, _ = served_toy(server)
    folder = fetch(dataset, home, progress=False)
    assert set(snapshot(home)) == {"toy", "toy/a.bin", "toy/sub", "toy/sub/b.csv"}
    assert (folder / "sub" / "b.csv").read_bytes() == TOY_B


def test_zip_without_published_checksum_is_checked_member_by_member(server, home):
    url = server.route(unique("toy.zip"), body(make_zip(TOY_MEMBERS)))
    fetch(toy_zip_dataset(url), home, progress=False)
    assert set(snapshot(home)) == {"toy", "toy/a.bin", "toy/sub", "toy/sub/b.csv"}


def test_accepts_a_string_home_and_creates_missing_parents(server, tmp_path):
    dataset, _ = served_toy(server)
    target = tmp_path / "deep" / "er"
    assert fetch(dataset, str(target), progress=False) == target / "toy"


def test_default_home_comes_from_the_environment(server, home, quiet_environment):
    quiet_environment.setenv(DATA_HOME_ENV, str(home))
    dataset, _ = served_toy(server)
    assert fetch(dataset, progress=False) == home / "toy"


def test_only_missing_files_are_downloaded_and_verified_ones_untouched(server, home):
    dataset, paths = served_toy(server)
    (home / "toy").mkdir()
    (home / "toy" / "a.bin").write_bytes(TOY_A)
    os.utime(home / "toy" / "a.bin", ns=(1, 1))
    fetch(dataset, home, progress=False)
    assert server.hits[paths["a.bin"]] == 0 and server.hits[paths["sub/b.csv"]] == 1
    assert (home / "toy" / "a.bin").stat().st_mtime_ns == 1


def test_a_corrupt_file_is_replaced_by_its_verified_download(server, home):
    dataset, _ = served_toy(server)
    (home / "toy" / "sub").mkdir(parents=True)
    (home / "toy" / "sub" / "b.csv").write_bytes(b"garbage")
    fetch(dataset, home, progress=False)
    assert (home / "toy" / "sub" / "b.csv").read_bytes() == TOY_B


def test_progress_bar_names_the_file(server, home, capsys):
    dataset, _ = served_toy(server)
    fetch(dataset, home, progress=True)
    assert "a.bin" in capsys.readouterr().err


# --------------------------------------------------------------------------- verified caches


@needs_shared()
@pytest.mark.parametrize("name", sorted(DATASETS))
def test_verified_read_only_shared_cache_is_used_without_writing_or_network(
    server, monkeypatch, name
):
    dataset = dataclasses.replace(
        DATASETS[name],
        downloads=tuple(
            dataclasses.replace(d, url=server.url(unique("x"))) for d in DATASETS[name].downloads
        ),
    )
    before, requests = snapshot(SHARED / dataset.folder, folder_mtimes=True), server.total
    with forbid_writes(monkeypatch) as attempts:
        folder = fetch(dataset, SHARED, offline=False, progress=False)
    assert folder == SHARED.resolve() / dataset.folder
    assert attempts == [] and server.total == requests
    assert snapshot(SHARED / dataset.folder, folder_mtimes=True) == before


@needs_shared("german-credit", "movielens-100k")
def test_verified_copy_without_write_bits_is_used_without_writing(server, tmp_path, monkeypatch):
    cache = tmp_path / "ro"
    for name in ("german-credit", "movielens-100k"):
        shutil.copytree(SHARED / DATASETS[name].folder, cache / DATASETS[name].folder)
    paths = [cache, *cache.rglob("*")]
    for path in paths:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        before, requests = snapshot(cache, folder_mtimes=True), server.total
        with forbid_writes(monkeypatch) as attempts:
            for name in ("german-credit", "movielens-100k"):
                fetch(pointed_at_server(DATASETS[name], server), cache, progress=False)
        assert attempts == [] and server.total == requests
        assert snapshot(cache, folder_mtimes=True) == before
    finally:
        for path in paths:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)


def test_second_fetch_makes_no_request(server, home):
    dataset, _ = served_toy(server)
    fetch(dataset, home, progress=False)
    before, requests = snapshot(home, folder_mtimes=True), server.total
    fetch(dataset, home, progress=False)
    assert server.total == requests and snapshot(home, folder_mtimes=True) == before


# --------------------------------------------------------------------------- offline


@pytest.mark.parametrize("value", ["1", "true", "yes", "TRUE"])
def test_offline_with_an_empty_cache_names_what_is_missing(
    server, tmp_path, quiet_environment, value
):
    quiet_environment.setenv(OFFLINE_ENV, value)
    dataset, _ = served_toy(server)
    cache, requests = tmp_path / "never-created", server.total
    with pytest.raises(OfflineError) as caught:
        fetch(dataset, cache, progress=False)
    message = str(caught.value)
    expected_parts = ("toy", "a.bin", "sub/b.csv", f"{OFFLINE_ENV}={value}", "fallback='simulate'", DATA_HOME_ENV)
    for expected in (*expected_parts, str(cache)):
        assert expected in message
    assert server.total == requests and not cache.exists()


def test_offline_names_corrupt_files_and_leaves_them(server, home):
    dataset, _ = served_toy(server)
    (home / "toy").mkdir()
    (home / "toy" / "a.bin").write_bytes(b"x" * len(TOY_A))
    before = snapshot(home)
    with pytest.raises(OfflineError, match=r"corrupt: a\.bin \(wrong checksum\)"):
        fetch(dataset, home, offline=True, progress=False)
    assert snapshot(home) == before


def test_offline_argument_overrides_the_environment(server, home, quiet_environment):
    quiet_environment.setenv(OFFLINE_ENV, "1")
    dataset, _ = served_toy(server)
    fetch(dataset, home, offline=False, progress=False)
    quiet_environment.setenv(OFFLINE_ENV, "0")
    other, _ = served_toy(server)
    with pytest.raises(OfflineError):
        fetch(dataclasses.replace(other, folder="toy2"), home, offline=True, progress=False)


def test_registered_names_are_accepted_and_unknown_ones_rejected(tmp_path):
    with pytest.raises(OfflineError, match="german-credit"):
        fetch("german-credit", tmp_path, offline=True)
    with pytest.raises(ValueError, match="unknown dataset"):
        fetch("no-such-dataset", tmp_path, offline=True)


# --------------------------------------------------------------------------- bad downloads


def test_wrong_checksum_is_not_retried_and_leaves_nothing(server, home):
    dataset, paths = served_toy(server, b_csv=body(TOY_B.replace(b"1", b"7")))
    with pytest.raises(ChecksumError) as caught:
        fetch(dataset, home, retries=2, progress=False)
    message = str(caught.value)
    assert "b.csv" in message and dataset.file("sub/b.csv").sha256 in message
    assert hashlib.sha256(TOY_B.replace(b"1", b"7")).hexdigest() in message
    assert server.hits[paths["sub/b.csv"]] == 1
    # The first file arrived verified and stays; nothing else is left.
    assert set(snapshot(home)) == {"toy", "toy/a.bin"}


def test_wrong_checksum_keeps_an_existing_corrupt_file_unchanged(server, home):
    dataset, _ = served_toy(server, a_bin=body(TOY_A[::-1]))
    (home / "toy").mkdir()
    (home / "toy" / "a.bin").write_bytes(b"corrupt")
    (home / "toy" / "sub").mkdir()
    (home / "toy" / "sub" / "b.csv").write_bytes(TOY_B)
    before = snapshot(home)
    with pytest.raises(ChecksumError, match="a.bin"):
        fetch(dataset, home, progress=False)
    assert snapshot(home) == before


@pytest.mark.parametrize(
    "responder",
    [
        truncated(TOY_A, 1000),
        truncated(TOY_A, 1000, announce=False),
        chunked_truncated(TOY_A),
    ],
    ids=["short-of-content-length", "short-of-registered-size", "incomplete-chunk"],
)
def test_truncated_download_is_retried_then_reported(server, home, responder):
    dataset, paths = served_toy(server, a_bin=responder)
    with pytest.raises(DownloadError, match="stopped after"):
        fetch(dataset, home, retries=1, progress=False)
    assert server.hits[paths["a.bin"]] == 2
    assert snapshot(home) == {}


def test_server_error_is_retried_then_reported(server, home):
    dataset, paths = served_toy(server, a_bin=status(500))
    with pytest.raises(DownloadError, match="HTTP 500") as caught:
        fetch(dataset, home, retries=1, progress=False)
    assert caught.value.status == 500 and dataset.downloads[0].url in str(caught.value)
    assert server.hits[paths["a.bin"]] == 2
    assert snapshot(home) == {}


def test_client_error_is_not_retried(server, home):
    dataset, paths = served_toy(server, a_bin=status(404))
    with pytest.raises(DownloadError, match="HTTP 404") as caught:
        fetch(dataset, home, retries=3, progress=False)
    assert caught.value.status == 404 and dataset.downloads[0].url in str(caught.value)
    assert server.hits[paths["a.bin"]] == 1
    assert snapshot(home) == {}


@pytest.mark.parametrize("first", [status(503), truncated(TOY_A, 10)], ids=["503", "truncated"])
def test_a_retry_can_succeed(server, home, first):
    dataset, paths = served_toy(server, a_bin=first)
    server.routes[paths["a.bin"]].append(body(TOY_A))
    fetch(dataset, home, retries=1, progress=False)
    assert server.hits[paths["a.bin"]] == 2
    assert file_state(dataset, dataset.file("a.bin"), home) == "verified"


def test_no_retry_when_retries_is_zero(server, home):
    dataset, paths = served_toy(server, a_bin=status(500))
    with pytest.raises(DownloadError):
        fetch(dataset, home, retries=0, progress=False)
    assert server.hits[paths["a.bin"]] == 1


def test_timeout_is_a_network_error(server, home):
    dataset, _ = served_toy(server, a_bin=slow(1.5))
    started = time.monotonic()
    with pytest.raises(DownloadError) as caught:
        fetch(dataset, home, timeout=0.5, retries=0, progress=False)
    assert time.monotonic() - started < 1.4
    message = str(caught.value)
    assert dataset.downloads[0].url in message and "timed out" in message
    assert "fallback='simulate'" in message and DATA_HOME_ENV in message
    assert snapshot(home) == {}


def test_connection_refused_is_a_network_error(home):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/a.bin"
    dataset = toy_dataset({"a.bin": url, "sub/b.csv": url})
    with pytest.raises(DownloadError, match="check your connection|Check your connection") as caught:
        fetch(dataset, home, retries=1, progress=False)
    assert url in str(caught.value) and "refused" in str(caught.value).lower()
    assert snapshot(home) == {}


def test_dns_failure_is_a_network_error(home, monkeypatch):
    def no_dns(*args, **kwargs):
        raise urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))

    monkeypatch.setattr(urllib.request, "urlopen", no_dns)
    url = "http://files.example.invalid/a.bin"
    with pytest.raises(DownloadError, match="Name or service not known"):
        fetch(toy_dataset({"a.bin": url, "sub/b.csv": url}), home, progress=False)
    assert snapshot(home) == {}


# --------------------------------------------------------------------------- archives


@pytest.mark.parametrize("member", ["../evil.txt", "toy/../../evil.txt", "/tmp/evil.txt", "C:/evil.txt"])
def test_archive_members_land_only_at_registered_paths(server, tmp_path, member):
    """Members are read by their registered names and written to the cache's own paths,
    so an archive member with a path leading elsewhere is never extracted."""
    home = tmp_path / "cache"
    archive = make_zip({**TOY_MEMBERS, member: b"evil"})
    url = server.route(unique("toy.zip"), body(archive))
    fetch(toy_zip_dataset(url, archive), home, progress=False)
    written = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")}
    assert written == {"cache", "cache/toy", "cache/toy/a.bin", "cache/toy/sub", "cache/toy/sub/b.csv"}
    assert not Path("/tmp/evil.txt").exists() or Path("/tmp/evil.txt").read_bytes() != b"evil"


def test_archive_checksum_mismatch(server, home):
    archive = make_zip(TOY_MEMBERS)
    url = server.route(unique("toy.zip"), body(archive))
    dataset = toy_zip_dataset(url, archive, archive_md5="0" * 32)
    with pytest.raises(ChecksumError) as caught:
        fetch(dataset, home, retries=2, progress=False)
    assert url in str(caught.value) and "0" * 32 in str(caught.value)
    assert hashlib.md5(archive).hexdigest() in str(caught.value)
    assert server.hits[urlsplit(url).path] == 1
    assert snapshot(home) == {}


def test_archive_missing_a_registered_member(server, home):
    archive = make_zip({"toy/a.bin": TOY_A})
    url = server.route(unique("toy.zip"), body(archive))
    with pytest.raises(DataUnavailableError, match="lacks the member.*'toy/b.csv'"):
        fetch(toy_zip_dataset(url, archive), home, progress=False)
    assert snapshot(home) == {}


@pytest.mark.parametrize(
    "content", [TOY_B.replace(b"1", b"7"), TOY_B + b"more"], ids=["same-size", "other-size"]
)
def test_archive_member_with_wrong_content(server, home, content):
    archive = make_zip({"toy/a.bin": TOY_A, "toy/b.csv": content})
    url = server.route(unique("toy.zip"), body(archive))
    with pytest.raises(ChecksumError, match="b.csv.*toy/b.csv"):
        fetch(toy_zip_dataset(url, archive), home, progress=False)
    # Members are verified together before any is moved into place.
    assert snapshot(home) == {}


def test_a_download_that_is_not_a_zip(server, home):
    url = server.route(unique("toy.zip"), body(b"<html>moved</html>"))
    with pytest.raises(DataUnavailableError, match="not a valid zip"):
        fetch(toy_zip_dataset(url), home, progress=False)
    assert snapshot(home) == {}


# --------------------------------------------------------------------------- the disk


def test_read_only_cache_folder_is_reported(server, home):
    dataset, _ = served_toy(server)
    home.chmod(0o555)
    try:
        try:
            (home / "probe").write_bytes(b"")
        except PermissionError:
            pass
        else:
            (home / "probe").unlink()
            pytest.skip("running as root: write bits do not stop writes")
        with pytest.raises(DataUnavailableError, match="cannot write to the cache folder"):
            fetch(dataset, home, progress=False)
        assert snapshot(home) == {}
    finally:
        home.chmod(0o755)


@pytest.mark.parametrize(
    "error", [PermissionError(errno.EACCES, "Permission denied"), OSError(errno.EROFS, "Read-only")]
)
def test_unwritable_dataset_folder_is_reported(server, home, monkeypatch, error):
    dataset, _ = served_toy(server)

    def refuse(*args, **kwargs):
        raise error

    monkeypatch.setattr(download.tempfile, "mkdtemp", refuse)
    with pytest.raises(DataUnavailableError, match="cannot write to the cache folder") as caught:
        fetch(dataset, home, progress=False)
    assert str(home / "toy") in str(caught.value) and DATA_HOME_ENV in str(caught.value)
    assert snapshot(home) == {}


def test_cache_folder_that_cannot_be_created_is_reported(server, tmp_path, monkeypatch):
    dataset, _ = served_toy(server)

    def refuse(path, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(download.os, "mkdir", refuse)
    with pytest.raises(DataUnavailableError, match=f"cannot write to the cache folder {tmp_path}"):
        fetch(dataset, tmp_path / "cache", progress=False)
    assert list(tmp_path.iterdir()) == []


class _FailingFile:
    """A file whose writes fail with ``error`` once a shared budget of bytes is spent."""

    def __init__(self, handle: io.BufferedWriter, error: BaseException, budget: list[int]):
        self.handle, self.error, self.budget = handle, error, budget

    def write(self, data: bytes) -> int:
        if self.budget[0] < len(data):
            raise self.error
        self.budget[0] -= len(data)
        return self.handle.write(data)

    def __enter__(self) -> _FailingFile:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.handle.close()


def failing_writes(monkeypatch: pytest.MonkeyPatch, error: BaseException, allowed: int = 0) -> None:
    """Make the download module's writes fail after ``allowed`` bytes in all, as a full
    disk or a Ctrl-C would."""
    budget = [allowed]

    def fake_open(file, mode="r", *args, **kwargs):
        handle = builtins.open(file, mode, *args, **kwargs)
        return handle if "r" in mode else _FailingFile(handle, error, budget)

    monkeypatch.setattr(download, "open", fake_open, raising=False)


@pytest.mark.parametrize("kind", ["plain", "zip"])
def test_full_disk_is_reported_and_leaves_nothing(server, home, monkeypatch, kind):
    if kind == "plain":
        dataset, _ = served_toy(server)
    else:
        archive = make_zip(TOY_MEMBERS)
        dataset = toy_zip_dataset(server.route(unique("toy.zip"), body(archive)), archive)
    # A zip fails while extracting (after the archive itself was written).
    allowed = len(make_zip(TOY_MEMBERS)) + 10 if kind == "zip" else 1000
    failing_writes(monkeypatch, OSError(errno.ENOSPC, "No space left on device"), allowed)
    with pytest.raises(DataUnavailableError, match="is full") as caught:
        fetch(dataset, home, progress=False)
    message = str(caught.value)
    assert "MB" in message and DATA_HOME_ENV in message and str(home / "toy") in message
    assert snapshot(home) == {}


def test_interrupt_leaves_nothing(server, home, monkeypatch):
    dataset, _ = served_toy(server)
    failing_writes(monkeypatch, KeyboardInterrupt(), allowed=1000)
    with pytest.raises(KeyboardInterrupt):
        fetch(dataset, home, progress=False)
    assert snapshot(home) == {}


def test_interrupt_keeps_an_existing_corrupt_file(server, home, monkeypatch):
    dataset, _ = served_toy(server)
    (home / "toy").mkdir()
    (home / "toy" / "a.bin").write_bytes(b"corrupt")
    before = snapshot(home)
    failing_writes(monkeypatch, KeyboardInterrupt(), allowed=1000)
    with pytest.raises(KeyboardInterrupt):
        fetch(dataset, home, progress=False)
    assert snapshot(home) == before


def test_temporary_files_live_next_to_the_cache(server, home, monkeypatch):
    seen: list[str] = []
    real_mkdtemp = tempfile.mkdtemp

    def spy(*args, **kwargs):
        path = real_mkdtemp(*args, **kwargs)
        seen.append(path)
        return path

    monkeypatch.setattr(download.tempfile, "mkdtemp", spy)
    dataset, _ = served_toy(server)
    fetch(dataset, home, progress=False)
    assert seen and all(Path(p).parent == home / "toy" for p in seen)
    assert not any(Path(p).exists() for p in seen)


def test_forbid_writes_catches_a_fetch_that_writes(server, home, monkeypatch):
    """The read-only tests above would notice a write, even when running as root."""
    dataset, _ = served_toy(server)
    with forbid_writes(monkeypatch) as attempts:
        with pytest.raises(DataUnavailableError, match="cannot write"):
            fetch(dataset, home, progress=False)
    assert attempts and snapshot(home) == {}
