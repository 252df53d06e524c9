"""pyproject.toml, constraints.txt and environment.yml tell one story."""

from __future__ import annotations

import re
import tomllib

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import REPO_ROOT


def _pyproject() -> dict:
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())


def _pins() -> dict[str, Version]:
    pins = {}
    for line in (REPO_ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[canonicalize_name(name)] = Version(version)
    return pins


def _all_requirements() -> list[Requirement]:
    project = _pyproject()["project"]
    requirements = [Requirement(r) for r in project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        requirements += [Requirement(r) for r in extra]
    return requirements


def test_every_requirement_is_pinned_within_its_range():
    pins = _pins()
    for requirement in _all_requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not pinned in constraints.txt"
        assert pins[name] in requirement.specifier, f"{name}=={pins[name]} breaks {requirement}"


def test_the_toolchain_versions_the_course_relies_on():
    pins = _pins()
    assert pins["jupyter-book"].major == 1  # version 2 cannot build offline
    assert pins["keras"].major == 3
    assert pins["pandas"].major >= 3 and pins["numpy"].major >= 2
    assert pins["scikit-surprise"] == Version("1.1.5")


def test_the_course_installs_where_learners_are():
    """Python 3.11 to 3.13; pandas 2.2 (Colab) as well as the pinned pandas 3."""
    requires_python = SpecifierSet(_pyproject()["project"]["requires-python"])
    for version in ("3.11", "3.12", "3.13"):
        assert Version(version) in requires_python, version
    assert Version("3.10") not in requires_python
    pandas = next(r for r in _all_requirements() if canonicalize_name(r.name) == "pandas")
    assert Version("2.2.2") in pandas.specifier and Version("3.1.1") in pandas.specifier
    core = {canonicalize_name(Requirement(r).name) for r in _pyproject()["project"]["dependencies"]}
    assert not core & {"jupyterlab", "ipykernel"}, "a hosted Jupyter must not get a second JupyterLab"


def test_make_test_covers_both_data_paths():
    """Notebooks on the twins (offline kernel), the book on the real data."""
    makefile = (REPO_ROOT / "Makefile").read_text()
    test_recipe = makefile.split("\ntest: ", 1)[1].split("\n\n", 1)[0]
    assert "test-unit-and-twins" in test_recipe and "book" in test_recipe
    assert "test-lab" in test_recipe, "the JupyterLab path (chapters 00 and 03 on the twins)"
    kernel_recipe = makefile.split("\ntwins-kernel: ", 1)[1].split("\n\n", 1)[0]
    assert '"SMARTMKT_OFFLINE": "1"' in kernel_recipe and "SMARTMKT_DATA_HOME" in kernel_recipe
    assert "rm -rf $(TWINS_HOME)" in kernel_recipe, "the twins' data cache starts empty"
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    assert "make test\n" in ci and "test-compat" in ci


def test_makefile_and_ci_resolve_the_data_home_once():
    makefile = (REPO_ROOT / "Makefile").read_text()
    assert "export SMARTMKT_DATA_HOME := $(abspath $(SMARTMKT_DATA_HOME))" in makefile
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    assert 'SMARTMKT_DATA_HOME="$(pwd)/$SMARTMKT_DATA_HOME"' in ci
    assert ci.index('SMARTMKT_DATA_HOME="$(pwd)/') < ci.index('cd "$repo"'), "resolve before cd"


def test_environment_yml_matches_pyproject():
    environment = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    conda_python = next(
        d for d in environment["dependencies"] if isinstance(d, str) and d.startswith("python")
    )
    python_version = conda_python.split("=", 1)[1]
    requires_python = SpecifierSet(_pyproject()["project"]["requires-python"])
    assert Version(python_version) in requires_python

    pip_lines = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert "-c constraints.txt" in pip_lines
    editable = next(line for line in pip_lines if line.startswith("-e "))
    extras = set(re.search(r"\[(.*)\]", editable).group(1).split(","))
    assert extras == set(_pyproject()["project"]["optional-dependencies"])


def test_makefile_and_ci_use_the_same_test_command():
    readme = (REPO_ROOT / "README.md").read_text()
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make test" in ci



def test_package_discovery_finds_every_subpackage():
    """A regular (not editable) install gets the subpackages too."""
    setuptools = pytest.importorskip("setuptools", reason="the build backend is not in this venv")
    find_packages = setuptools.find_packages

    include = _pyproject()["tool"]["setuptools"]["packages"]["find"]["include"]
    found = set(find_packages(where=str(REPO_ROOT), include=include))
    expected = {
        path.parent.relative_to(REPO_ROOT).as_posix().replace("/", ".")
        for path in (REPO_ROOT / "smartmkt_helpers").rglob("__init__.py")
    }
    assert found == expected


def test_package_data_covers_every_file_the_package_reads():
    """A regular install ships the data cards and the .toml tables too."""
    globs = _pyproject()["tool"]["setuptools"]["package-data"]["smartmkt_helpers"]
    package = REPO_ROOT / "smartmkt_helpers"
    data_files = [path.relative_to(package) for path in package.rglob("*")
                  if path.is_file() and path.suffix not in {".py", ".pyc"}]
    assert data_files, "no data file found in the package"
    uncovered = [path.as_posix() for path in data_files if not any(path.match(g) for g in globs)]
    assert not uncovered, f"not in [tool.setuptools.package-data]: {uncovered}"
