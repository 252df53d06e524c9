"""What the machine running the course has: versions, threads, Keras backend."""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata

import pandas as pd

from smartmkt_helpers.config import CORE_PACKAGES


def cpu_threads() -> int:
    """Return how many CPU cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def package_versions(packages: tuple[str, ...] = CORE_PACKAGES) -> pd.Series:
    """Installed version of each package ('not installed' if absent)."""
    versions = {}
    for package in packages:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return pd.Series(versions, name="version").rename_axis("package")


def keras_summary() -> dict[str, str]:
    """Import Keras and report its version, backend and the backend's devices."""
    import keras

    backend = keras.backend.backend()
    devices = "unknown"
    if backend == "jax":
        import jax

        devices = ", ".join(sorted({d.platform.upper() for d in jax.devices()}))
    return {"keras": keras.__version__, "backend": backend, "devices": devices}


def environment_report() -> pd.Series:
    """One table of what a learner's machine has, for the getting-started chapter."""
    summary = {"Python": sys.version.split()[0], "platform": platform.platform(terse=True),
               "CPU threads available": str(cpu_threads())}
    keras_info = keras_summary()
    summary.update({"Keras": keras_info["keras"], "Keras backend": keras_info["backend"],
                    "backend devices": keras_info["devices"]})
    return pd.Series(summary, name="value").rename_axis("item")
