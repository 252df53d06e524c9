"""The examples in the helper package's docstrings run and print what they show."""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil

import pytest

import smartmkt_helpers

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(smartmkt_helpers.__path__, prefix="smartmkt_helpers.")
    if ">>> " in (importlib.util.find_spec(info.name).loader.get_source(info.name) or "")
)


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples(module_name):
    module = importlib.import_module(module_name)
    failed, attempted = doctest.testmod(module, verbose=False, report=True)
    assert attempted > 0
    assert failed == 0, f"{failed} of {attempted} docstring examples failed in {module_name}"
