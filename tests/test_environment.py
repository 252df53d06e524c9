"""The environment report, the default Keras backend and JAX's cache of compiled programs."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from smartmkt_helpers import environment
from tests.conftest import subprocess_env


def test_cpu_threads_is_positive():
    assert environment.cpu_threads() >= 1


def test_package_versions_reports_missing_packages():
    versions = environment.package_versions(("pandas", "no-such-package-xyz"))
    assert versions["no-such-package-xyz"] == "not installed"
    assert versions["pandas"][0].isdigit()


def test_environment_report_has_the_backend():
    report = environment.environment_report()
    assert report["Keras backend"] == "jax"
    # The course needs no GPU, but runs on one: any device JAX names is fine.
    assert report["backend devices"]
    import jax

    assert report["backend devices"] == ", ".join(sorted({d.platform.upper() for d in jax.devices()}))
    assert int(report["CPU threads available"]) >= 1


def _backend_in_fresh_python(**env: str | None) -> str:
    code = "import smartmkt_helpers, keras; print(keras.backend.backend())"
    completed = subprocess.run(
        [sys.executable, "-c", code],
        env=subprocess_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return completed.stdout.strip().splitlines()[-1]


def test_keras_runs_on_jax_without_any_setting():
    assert _backend_in_fresh_python(KERAS_BACKEND=None) == "jax"


@pytest.mark.parametrize("backend", ["numpy"])
def test_an_explicit_keras_backend_wins(backend):
    assert _backend_in_fresh_python(KERAS_BACKEND=backend) == backend


def _jax_cache_in_fresh_python(**env: str | None) -> tuple[str, list[str]]:
    """The cache folder JAX uses after ``import smartmkt_helpers``, and its files after one jit."""
    code = ("import os, smartmkt_helpers, jax, jax.numpy as jnp; "
            "jax.jit(lambda x: x * 2 + 1)(jnp.ones(3)).block_until_ready(); "
            "folder = jax.config.jax_compilation_cache_dir or ''; "
            "print(repr((folder, sorted(os.listdir(folder)) if folder else [])))")
    completed = subprocess.run([sys.executable, "-c", code], env=subprocess_env(**env),
                               capture_output=True, text=True, timeout=120, check=True)
    return ast.literal_eval(completed.stdout.strip().splitlines()[-1])


def test_jax_keeps_compiled_programs_in_the_default_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    folder, files = _jax_cache_in_fresh_python(JAX_COMPILATION_CACHE_DIR=None)
    assert folder == str(tmp_path / ".cache" / "smartmkt" / "jax")
    assert any(name.endswith("-cache") for name in files), files  # a quick program is kept too


def test_a_chosen_jax_cache_folder_wins_and_an_empty_one_turns_it_off(tmp_path):
    chosen = tmp_path / "jax"
    folder, files = _jax_cache_in_fresh_python(JAX_COMPILATION_CACHE_DIR=str(chosen))
    assert folder == str(chosen) and files
    assert _jax_cache_in_fresh_python(JAX_COMPILATION_CACHE_DIR="") == ("", [])
