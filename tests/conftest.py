"""Shared fixtures for the test suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from smartmkt_helpers import data

REPO_ROOT = Path(__file__).resolve().parents[1]
# The verified copies of the real datasets: where SMARTMKT_DATA_HOME points (as in CI), else beside the
# repository.
_DATA_HOME = Path(os.environ.get("SMARTMKT_DATA_HOME", "")).expanduser()
SHARED_DATASETS = _DATA_HOME if _DATA_HOME.is_absolute() else REPO_ROOT.parent / "shared" / "datasets"


@pytest.fixture(scope="session")
def real_data_home() -> Path:
    """The cache that holds verified copies of the real datasets.

    CI points SMARTMKT_DATA_HOME at such a copy; on a machine without one the
    tests that need real data skip and say why (in CI they fail instead).
    """
    home = data.data_home()
    status = data.cache_status(home)
    if not (status["status"] == "verified").all():
        missing = ", ".join(status.index[status["status"] != "verified"])
        message = f"real datasets not verified in {home} ({missing}); set SMARTMKT_DATA_HOME"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return home


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """An environment without the course's variables."""
    for name in (data.DATA_HOME_ENV, data.OFFLINE_ENV, "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def subprocess_env(**overrides: str | None) -> dict[str, str]:
    """The current environment with some variables set (or removed with None)."""
    env = dict(os.environ)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env
