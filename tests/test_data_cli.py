"""The data command line: list, fetch, verify, path, and its exit codes.

Most tests call ``main([...])`` in this process; a few run ``python -m
smartmkt_helpers.data`` as learners do. None touches the network: downloads
are refused (``SMARTMKT_OFFLINE=1``) or stood in for by a fake ``fetch`` that
copies verified files from the real cache, which is only read.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from smartmkt_helpers import data
from smartmkt_helpers.data import cli
from smartmkt_helpers.data.errors import DownloadError
from smartmkt_helpers.data.registry import DATASETS
from tests.conftest import REPO_ROOT, subprocess_env


@pytest.fixture(autouse=True)
def env(clean_env: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No course variables set, and any attempt to open a URL fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the data CLI tests must not touch the network")

    clean_env.setattr(urllib.request, "urlopen", refuse)
    return clean_env


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the CLI in this process; return (exit code, stdout, stderr)."""
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_module(*argv: str, **env: str | None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m smartmkt_helpers.data`` in a fresh interpreter."""
    return subprocess.run([sys.executable, "-m", "smartmkt_helpers.data", *argv], cwd=REPO_ROOT,
                          env=subprocess_env(**env), capture_output=True, text=True, timeout=120)


def copy_dataset(name: str, source_home: Path, target_home: Path) -> Path:
    """Copy one dataset's folder into ``target_home`` (writable) and return it."""
    target = target_home / DATASETS[name].folder
    shutil.copytree(source_home / DATASETS[name].folder, target)
    for path in [target, *target.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


def files_under(home: Path) -> list[Path]:
    return sorted(p for p in home.rglob("*") if p.is_file()) if home.exists() else []


def test_module_help_names_the_four_commands_and_the_exit_codes():
    result = run_module("--help")
    assert result.returncode == 0, result.stderr
    for word in ("list", "fetch", "verify", "path", "exit codes", "130"):
        assert word in result.stdout


@pytest.mark.parametrize("argv", [[], ["verfy"], ["fetch"], ["fetch", "cdnow", "--all"], ["path", "movielens"]])
def test_usage_errors_exit_with_2(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and "error" in err


def test_an_unknown_name_lists_the_valid_ones(capsys):
    code, _, err = run(capsys, "verify", "movielens")
    assert code == 2 and "unknown dataset(s) ['movielens']" in err and "movielens-100k" in err


def test_list_on_an_empty_home_shows_every_dataset_missing(capsys, tmp_path):
    code, out, err = run(capsys, "list", "--data-home", str(tmp_path / "empty"))
    assert code == 0 and err == ""
    for name, dataset in DATASETS.items():
        assert name in out and dataset.terms in out
    assert out.count("missing") == len(DATASETS) and "0 of 6 datasets verified" in out
    assert not (tmp_path / "empty").exists()


def test_list_on_the_full_home_shows_every_dataset_verified(capsys, env, real_data_home):
    env.setenv(data.DATA_HOME_ENV, str(real_data_home))
    code, out, _ = run(capsys, "list")
    assert code == 0 and f"Data home: {real_data_home}" in out and "6 of 6 datasets verified" in out


def test_the_data_home_option_overrides_the_environment(capsys, env, tmp_path):
    env.setenv(data.DATA_HOME_ENV, str(tmp_path / "from-env"))
    assert run(capsys, "path")[1].strip() == str(tmp_path / "from-env")
    assert run(capsys, "path", "--data-home", str(tmp_path / "option"))[1].strip() == str(tmp_path / "option")


def test_a_relative_data_home_variable_is_a_usage_error(capsys, env, tmp_path):
    env.chdir(tmp_path)
    env.setenv(data.DATA_HOME_ENV, "relative/folder")
    code, _, err = run(capsys, "list")
    assert code == 2 and "must be an absolute path" in err and "Traceback" not in err


def test_verify_a_full_home_succeeds(capsys, real_data_home):
    code, out, err = run(capsys, "verify", "--data-home", str(real_data_home))
    assert code == 0 and err == ""
    assert all(f"{name}" in out for name in DATASETS) and out.count(" ok ") == len(DATASETS)


def test_verify_reports_corrupt_and_missing_files_and_how_to_repair(capsys, real_data_home, tmp_path):
    german = copy_dataset("german-credit", real_data_home, tmp_path)
    content = bytearray((german / "german.data").read_bytes())
    content[100] ^= 0xFF
    (german / "german.data").write_bytes(bytes(content))
    (copy_dataset("movielens-100k", real_data_home, tmp_path) / "u.item").unlink()
    copy_dataset("cdnow", real_data_home, tmp_path)
    code, out, err = run(capsys, "verify", "--data-home", str(tmp_path))
    assert code == 1
    assert "german-credit     corrupt  german.data (wrong checksum)" in out
    assert "movielens-100k    missing  u.item (missing)" in out
    assert "cdnow             ok" in out and "hillstrom" not in out  # only what is cached
    assert "fetch german-credit movielens-100k" in err


def test_verify_named_datasets_fails_on_a_missing_one(capsys, real_data_home, tmp_path):
    copy_dataset("cdnow", real_data_home, tmp_path)
    code, out, _ = run(capsys, "verify", "cdnow", "hillstrom", "--data-home", str(tmp_path))
    assert code == 1 and "hillstrom         missing" in out


def test_verify_fails_on_a_home_without_datasets(capsys, tmp_path):
    code, _, err = run(capsys, "verify", "--data-home", str(tmp_path))
    assert code == 1 and "holds none of the course's datasets" in err


def test_path_output_can_be_used_by_the_shell(tmp_path):
    result = run_module("path", "open-bandit", SMARTMKT_DATA_HOME=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{tmp_path / 'open-bandit'}\n" and result.stderr == ""


def test_fetch_of_a_cached_dataset_downloads_nothing(capsys, env, real_data_home, tmp_path):
    copy_dataset("german-credit", real_data_home, tmp_path)
    before = {p: p.stat().st_mtime_ns for p in files_under(tmp_path)}
    env.setenv(data.OFFLINE_ENV, "1")  # would fail if it tried to download
    code, out, err = run(capsys, "fetch", "german-credit", "--data-home", str(tmp_path))
    assert (code, err) == (0, "") and "german-credit: already cached and verified" in out
    assert {p: p.stat().st_mtime_ns for p in files_under(tmp_path)} == before


def test_fetch_offline_fails_clearly_and_leaves_no_file(tmp_path):
    home = tmp_path / "home"
    result = run_module("fetch", "--all", SMARTMKT_DATA_HOME=str(home), SMARTMKT_OFFLINE="1")
    assert result.returncode == 1
    assert "error: cannot fetch cdnow: cdnow is not in the cache and network access is off" in result.stderr
    assert "error: not fetched: assistments-2009, cdnow" in result.stderr
    assert "Traceback" not in result.stderr and files_under(home) == []


def test_fetch_shows_the_terms_downloads_what_is_missing_and_reports_failures(
    capsys, real_data_home, tmp_path, monkeypatch
):
    calls = []

    def fake_fetch(name, home, **kwargs):
        calls.append(name)
        if name == "hillstrom":
            raise DownloadError("could not reach http://example.invalid/x (Name or service not known)", "Check ...")
        return copy_dataset(name, real_data_home, home)

    monkeypatch.setattr(cli, "fetch", fake_fetch)
    copy_dataset("cdnow", real_data_home, tmp_path)
    code, out, err = run(capsys, "fetch", "cdnow", "german-credit", "hillstrom", "--data-home", str(tmp_path))
    assert code == 1 and calls == ["german-credit", "hillstrom"]
    assert "by downloading you accept its terms: UCI Machine Learning Repository" in out
    assert f"german-credit: verified, in {tmp_path / 'german-credit'}" in out
    assert "cannot fetch hillstrom: could not reach http://example.invalid/x" in err
    assert run(capsys, "verify", "cdnow", "german-credit", "--data-home", str(tmp_path))[0] == 0


def test_an_interrupted_fetch_exits_with_130(capsys, tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "fetch", interrupted)
    code, _, err = run(capsys, "fetch", "cdnow", "--data-home", str(tmp_path))
    assert code == 130 and "interrupted" in err
