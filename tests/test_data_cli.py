"""The data command line: list, fetch, verify, path, exit codes and messages.

Most tests call ``main([...])`` in this process; a few run
``python -m smartmkt_helpers.data`` as learners do. None touches the
network: downloads are either refused (``SMARTMKT_OFFLINE=1``) or stood in
for by a fake ``fetch`` that copies verified files from the real cache. The
real cache is only read; every test that changes a cache works on a copy in
``tmp_path``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from smartmkt_helpers import data
from smartmkt_helpers.data import cli
from smartmkt_helpers.data.errors import NetworkError
from smartmkt_helpers.data.registry import DATASETS
from tests.conftest import REPO_ROOT, subprocess_env

WIDTH = 78


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that tries to open a URL."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the data CLI tests must not touch the network")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


@pytest.fixture
def env(clean_env: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No course variables set, so each test says which cache it means."""
    return clean_env


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the CLI in this process; return (exit code, stdout, stderr)."""
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_module(*argv: str, **env: str | None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m smartmkt_helpers.data`` in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "smartmkt_helpers.data", *argv],
        cwd=REPO_ROOT,
        env=subprocess_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def copy_dataset(name: str, source_home: Path, target_home: Path) -> Path:
    """Copy one dataset's folder into ``target_home`` (writable) and return it."""
    folder = DATASETS[name].folder
    target = target_home / folder
    shutil.copytree(source_home / folder, target)
    for path in [target, *target.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


def flip_byte(path: Path, offset: int = 100) -> None:
    content = bytearray(path.read_bytes())
    content[offset] ^= 0xFF
    path.write_bytes(bytes(content))


def files_under(home: Path) -> list[Path]:
    return sorted(p for p in home.rglob("*") if p.is_file()) if home.exists() else []


def assert_fits(text: str, home: Path | None = None) -> None:
    """Every line fits the terminal, except those that show a (long) folder path."""
    lines = text.splitlines()
    too_long = [line for line in lines if len(line) > WIDTH and not (home and str(home) in line)]
    assert not too_long, too_long


# --------------------------------------------------------------------------- help


def test_module_help_runs_and_documents_commands_and_exit_codes():
    result = run_module("--help")
    assert result.returncode == 0, result.stderr
    for word in ("list", "fetch", "verify", "path", "--data-home", "exit codes", "130"):
        assert word in result.stdout
    assert "python -m smartmkt_helpers.data fetch --all --data-home DIR" in result.stdout
    assert_fits(result.stdout)


@pytest.mark.parametrize("command", ["list", "fetch", "verify", "path"])
def test_each_command_has_help_with_examples(capsys, command):
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    assert "examples:" in out and "exit codes:" in out
    assert_fits(out)


def test_no_command_prints_help_and_is_a_usage_error(capsys):
    code, out, err = run(capsys)
    assert code == 2
    assert "usage:" in err and out == ""


def test_unknown_command_is_a_usage_error(capsys):
    code, _, err = run(capsys, "verfy")
    assert code == 2
    assert "invalid choice" in err


def test_the_module_docstring_states_the_workflow_and_exit_codes():
    doc = cli.__doc__
    assert "fetch --all --data-home" in doc and "SMARTMKT_DATA_HOME" in doc and "verify" in doc
    for code in ("0 success", "1 a download", "2 usage error"):
        assert code in " ".join(doc.split())


# --------------------------------------------------------------------------- list


def test_list_on_an_empty_home_shows_every_dataset_missing(capsys, env, tmp_path):
    home = tmp_path / "empty"
    code, out, err = run(capsys, "list", "--data-home", str(home))
    assert code == 0 and err == ""
    assert f"Data home: {home}" in out
    for name, dataset in DATASETS.items():
        row = next(line for line in out.splitlines() if line.startswith(name + " "))
        assert "missing" in row and dataset.title[:20] in row
    assert "0 of 6 datasets verified" in out
    assert "fetch --all" in out
    assert_fits(out, home)
    assert not home.exists(), "list must not create the data home"


def test_list_on_the_full_home_shows_every_dataset_verified(capsys, env, real_data_home):
    env.setenv(data.DATA_HOME_ENV, str(real_data_home))
    code, out, _ = run(capsys, "list")
    assert code == 0
    assert f"({data.DATA_HOME_ENV})" in out
    for name in DATASETS:
        row = next(line for line in out.splitlines() if line.startswith(name + " "))
        assert "verified" in row
    assert "6 of 6 datasets verified" in out
    # Every term is shown (wrapped), not cut.
    flat = " ".join(out.split())
    for dataset in DATASETS.values():
        assert " ".join(dataset.terms.split()) in flat
    assert_fits(out, real_data_home)


def test_list_json_reports_status_sizes_and_terms(capsys, env, real_data_home, tmp_path):
    copy_dataset("german-credit", real_data_home, tmp_path)
    flip_byte(tmp_path / "german-credit" / "german.data")
    copy_dataset("cdnow", real_data_home, tmp_path)
    code, out, _ = run(capsys, "list", "--json", "--data-home", str(tmp_path))
    assert code == 0
    report = json.loads(out)
    assert report["data_home"] == str(tmp_path.resolve())
    by_name = {record["name"]: record for record in report["datasets"]}
    assert set(by_name) == set(DATASETS)
    assert by_name["cdnow"]["status"] == "verified"
    assert by_name["german-credit"]["status"] == "corrupt"
    assert by_name["german-credit"]["verified_files"] == 1
    assert by_name["hillstrom"]["status"] == "missing"
    assert by_name["cdnow"]["bytes"] == DATASETS["cdnow"].total_bytes
    assert by_name["movielens-100k"]["terms"] == DATASETS["movielens-100k"].terms


def test_the_data_home_option_overrides_the_environment(capsys, env, tmp_path):
    env.setenv(data.DATA_HOME_ENV, str(tmp_path / "from-env"))
    _, before, _ = run(capsys, "--data-home", str(tmp_path / "option"), "path")
    _, after, _ = run(capsys, "path", "--data-home", str(tmp_path / "option"))
    _, plain, _ = run(capsys, "path")
    assert before == after == f"{tmp_path / 'option'}\n"
    assert plain == f"{tmp_path / 'from-env'}\n"


# --------------------------------------------------------------------------- verify


def test_a_relative_data_home_variable_is_a_usage_error(capsys, env, tmp_path):
    env.chdir(tmp_path)
    env.setenv(data.DATA_HOME_ENV, "relative/folder")
    code, out, err = run(capsys, "path")
    assert code == cli.EXIT_USAGE
    assert out == ""
    assert "must be an absolute path" in err and "Traceback" not in err


def test_verify_a_full_home_succeeds(capsys, env, real_data_home):
    code, out, err = run(capsys, "verify", "--data-home", str(real_data_home))
    assert code == 0 and err == ""
    for name in DATASETS:
        assert any(line.split()[:2] == [name, "ok"] for line in out.splitlines())
    assert "6 datasets verified" in out


def test_verify_reports_a_corrupt_copy_and_how_to_repair_it(capsys, env, real_data_home, tmp_path):
    copy_dataset("german-credit", real_data_home, tmp_path)
    copy_dataset("cdnow", real_data_home, tmp_path)
    flip_byte(tmp_path / "german-credit" / "german.data")
    code, out, err = run(capsys, "verify", "--data-home", str(tmp_path))
    assert code == 1
    assert any(line.split()[:2] == ["cdnow", "ok"] for line in out.splitlines())
    assert "german-credit  corrupt  german.data (wrong checksum)" in out
    assert "error: 1 of 2 datasets failed verification: german-credit (corrupt)" in err
    assert "fetch german-credit" in err
    assert "Traceback" not in err


def test_verify_reports_a_truncated_file_as_corrupt(capsys, env, real_data_home, tmp_path):
    copy_dataset("german-credit", real_data_home, tmp_path)
    doc = tmp_path / "german-credit" / "german.doc"
    doc.write_bytes(doc.read_bytes()[:-10])
    code, out, _ = run(capsys, "verify", "german-credit", "--data-home", str(tmp_path))
    assert code == 1
    assert "german.doc (wrong size)" in out


def test_verify_reports_missing_files_and_datasets(capsys, env, real_data_home, tmp_path):
    copy_dataset("movielens-100k", real_data_home, tmp_path)
    (tmp_path / "ml-100k" / "u.item").unlink()
    code, out, err = run(capsys, "verify", "movielens-100k", "cdnow", "--data-home", str(tmp_path))
    assert code == 1
    assert "movielens-100k  missing  1 of 7 files missing: u.item" in out
    assert "cdnow           missing  not in the cache" in out
    assert "failed verification: cdnow (missing), movielens-100k (missing)" in err


def test_verify_without_names_checks_only_what_is_cached(capsys, env, real_data_home, tmp_path):
    copy_dataset("german-credit", real_data_home, tmp_path)
    code, out, _ = run(capsys, "verify", "--data-home", str(tmp_path))
    assert code == 0
    assert "german-credit" in out and "cdnow" not in out
    assert "OK: 1 dataset verified." in out


@pytest.mark.parametrize("create", [False, True])
def test_verify_fails_on_a_home_without_datasets(capsys, env, tmp_path, create):
    home = tmp_path / "home"
    if create:
        home.mkdir()
    env.setenv(data.DATA_HOME_ENV, str(home))
    code, out, err = run(capsys, "verify")
    assert code == 1 and out == ""
    assert str(home) in err and data.DATA_HOME_ENV in err
    assert ("does not exist" in err) != create


# --------------------------------------------------------------------------- path


def test_path_prints_the_home_and_nothing_else(capsys, env, tmp_path):
    env.setenv(data.DATA_HOME_ENV, str(tmp_path))
    code, out, err = run(capsys, "path")
    assert (code, out, err) == (0, f"{tmp_path}\n", "")
    code, out, _ = run(capsys, "path", "movielens-100k")
    assert (code, out) == (0, f"{tmp_path / 'ml-100k'}\n")


def test_path_output_can_be_used_by_the_shell(tmp_path):
    result = run_module("path", "open-bandit", SMARTMKT_DATA_HOME=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{tmp_path / 'open-bandit'}\n"
    assert result.stderr == ""


# --------------------------------------------------------------------------- unknown names


@pytest.mark.parametrize("command", ["fetch", "verify", "path"])
@pytest.mark.parametrize(
    ("typed", "closest"),
    [("movielens", "movielens-100k"), ("ml-100k", "movielens-100k"), ("cdnwo", "cdnow")],
)
def test_an_unknown_name_is_a_usage_error_with_a_suggestion(
    capsys, env, tmp_path, command, typed, closest
):
    code, out, err = run(capsys, command, typed, "--data-home", str(tmp_path / "home"))
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: unknown dataset")
    assert f"did you mean {closest!r}?" in err
    assert ", ".join(sorted(DATASETS)) in err
    assert "Traceback" not in err
    assert not (tmp_path / "home").exists()


def test_a_name_like_no_dataset_lists_the_valid_ones(capsys, env):
    code, _, err = run(capsys, "verify", "zzzz")
    assert code == 2
    assert "did you mean" not in err
    assert "unknown dataset 'zzzz'; valid names: assistments-2009" in err


# --------------------------------------------------------------------------- fetch


def fake_fetch(source_home: Path, calls: list[str]):
    """A stand-in for the download: copy a dataset's verified files from ``source_home``."""

    def fetch(dataset, home, *, offline=None, progress=True, **kwargs):
        calls.append(dataset.name)
        target = Path(home) / dataset.folder
        for data_file in dataset.files:
            (target / data_file.path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source_home / dataset.folder / data_file.path, target / data_file.path)
        return target

    return fetch


def test_fetch_of_a_cached_dataset_downloads_nothing(
    capsys, env, real_data_home, tmp_path, monkeypatch
):
    copy_dataset("german-credit", real_data_home, tmp_path)
    before = {p: p.stat().st_mtime_ns for p in files_under(tmp_path)}
    env.setenv(data.OFFLINE_ENV, "1")  # would fail if it tried to download
    code, out, err = run(capsys, "fetch", "german-credit", "--data-home", str(tmp_path))
    assert (code, err) == (0, "")
    assert "german-credit: already cached and verified" in out
    assert {p: p.stat().st_mtime_ns for p in files_under(tmp_path)} == before


def test_fetch_offline_fails_clearly_and_leaves_no_file(capsys, env, tmp_path):
    home = tmp_path / "home"
    env.setenv(data.OFFLINE_ENV, "1")
    code, out, err = run(capsys, "fetch", "cdnow", "hillstrom", "--data-home", str(home))
    assert code == 1
    lines = err.splitlines()
    assert lines[0] == (
        "error: cannot fetch cdnow: it is not in the cache, and network access is off "
        "(SMARTMKT_OFFLINE=1)"
    )
    assert "error: 2 of 2 datasets not fetched: cdnow, hillstrom" in lines
    assert "fetch --all --data-home DIR" in err and "SMARTMKT_DATA_HOME=DIR" in err
    assert "Traceback" not in err
    assert files_under(home) == []


def test_fetch_offline_in_a_fresh_interpreter(tmp_path):
    home = tmp_path / "home"
    result = run_module("fetch", "--all", SMARTMKT_DATA_HOME=str(home), SMARTMKT_OFFLINE="1")
    assert result.returncode == 1
    assert "error: 6 of 6 datasets not fetched" in result.stderr
    assert "Traceback" not in result.stderr
    assert files_under(home) == []


def test_fetch_offline_leaves_a_corrupt_file_as_it_was(capsys, env, real_data_home, tmp_path):
    copy_dataset("german-credit", real_data_home, tmp_path)
    damaged = tmp_path / "german-credit" / "german.data"
    flip_byte(damaged)
    content = damaged.read_bytes()
    env.setenv(data.OFFLINE_ENV, "1")
    code, _, _ = run(capsys, "fetch", "german-credit", "--data-home", str(tmp_path))
    assert code == 1
    assert damaged.read_bytes() == content


def test_fetch_without_network_says_how_to_prepare_a_cache(capsys, env, tmp_path, monkeypatch):
    def unreachable(dataset, home, **kwargs):
        raise NetworkError(
            "could not reach http://example.invalid/x (Name or service not known). Check ..."
        )

    monkeypatch.setattr(cli, "fetch", unreachable)
    code, _, err = run(capsys, "fetch", "cdnow", "--data-home", str(tmp_path))
    assert code == 1
    assert err.splitlines()[0] == (
        "error: cannot fetch cdnow: could not reach http://example.invalid/x "
        "(Name or service not known)"
    )
    assert "HTTPS_PROXY" in err and "fetch --all --data-home DIR" in err


def test_fetch_downloads_what_is_missing_and_shows_the_terms(
    capsys, env, real_data_home, tmp_path, monkeypatch
):
    calls: list[str] = []
    monkeypatch.setattr(cli, "fetch", fake_fetch(real_data_home, calls))
    copy_dataset("cdnow", real_data_home, tmp_path)
    code, out, err = run(capsys, "fetch", "cdnow", "german-credit", "--data-home", str(tmp_path))
    assert (code, err) == (0, "")
    assert calls == ["german-credit"]
    assert "german-credit: downloading 2 files (0.08 MB) from" in out
    assert "By downloading you accept its terms: UCI Machine Learning Repository" in out
    assert "cdnow: already cached" in out
    assert_fits(out, tmp_path)
    code, _, _ = run(capsys, "verify", "--data-home", str(tmp_path))
    assert code == 0


def test_fetch_all_fills_an_empty_folder_that_then_verifies(
    capsys, env, real_data_home, tmp_path, monkeypatch
):
    calls: list[str] = []
    monkeypatch.setattr(cli, "fetch", fake_fetch(real_data_home, calls))
    stick = tmp_path / "usb" / "smartmkt-data"
    code, _, _ = run(capsys, "fetch", "--all", "--data-home", str(stick))
    assert code == 0
    assert calls == sorted(DATASETS)
    # The learner's side: point the variable at the copy and verify it.
    env.setenv(data.DATA_HOME_ENV, str(stick))
    code, out, _ = run(capsys, "verify")
    assert code == 0 and "OK: 6 datasets verified." in out


def test_fetch_force_replaces_files_only_with_verified_downloads(
    capsys, env, real_data_home, tmp_path, monkeypatch
):
    calls: list[str] = []
    monkeypatch.setattr(cli, "fetch", fake_fetch(real_data_home, calls))
    copy_dataset("german-credit", real_data_home, tmp_path)
    cached = tmp_path / "german-credit" / "german.data"
    inode = cached.stat().st_ino
    code, out, _ = run(capsys, "fetch", "german-credit", "--force", "--data-home", str(tmp_path))
    assert code == 0 and calls == ["german-credit"]
    assert cached.stat().st_ino != inode, "the file was not replaced"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["german-credit"], "staging left behind"
    assert run(capsys, "verify", "--data-home", str(tmp_path))[0] == 0


def test_a_failed_forced_download_keeps_the_cached_copy(
    capsys, env, real_data_home, tmp_path, monkeypatch
):
    def unreachable(dataset, home, **kwargs):
        raise NetworkError("could not reach http://example.invalid/x (timed out). Check ...")

    monkeypatch.setattr(cli, "fetch", unreachable)
    copy_dataset("german-credit", real_data_home, tmp_path)
    before = {p: p.read_bytes() for p in files_under(tmp_path)}
    code, _, err = run(capsys, "fetch", "german-credit", "--force", "--data-home", str(tmp_path))
    assert code == 1 and "timed out" in err
    assert {p: p.read_bytes() for p in files_under(tmp_path)} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["german-credit"]


def test_fetch_force_offline_is_refused(capsys, env, real_data_home, tmp_path):
    copy_dataset("german-credit", real_data_home, tmp_path)
    env.setenv(data.OFFLINE_ENV, "1")
    code, _, err = run(capsys, "fetch", "german-credit", "--force", "--data-home", str(tmp_path))
    assert code == 1 and "--force needs the network" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["german-credit"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["fetch"], "name the datasets to fetch, or use --all"),
        (["fetch", "--all", "cdnow"], "give dataset names or --all, not both"),
    ],
)
def test_fetch_needs_names_or_all(capsys, env, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err


def test_an_interrupted_fetch_exits_with_130(capsys, env, tmp_path, monkeypatch):
    def interrupted(dataset, home, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "fetch", interrupted)
    code, _, err = run(capsys, "fetch", "cdnow", "--data-home", str(tmp_path))
    assert code == 130 and "interrupted" in err and "Traceback" not in err


def test_an_unreadable_cache_is_an_error_not_a_traceback(capsys, env, tmp_path, monkeypatch):
    def unreadable(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("smartmkt_helpers.data.registry.sha256_of", unreadable)
    home = tmp_path / "home"
    (home / "cdnow").mkdir(parents=True)
    (home / "cdnow" / "CDNOW_master.txt").write_bytes(b"x" * DATASETS["cdnow"].files[0].bytes)
    code, _, err = run(capsys, "verify", "--data-home", str(home))
    assert code == 1
    assert err.startswith("error: ") and "Permission denied" in err
    assert os.path.join("cdnow", "CDNOW_master.txt") in err
