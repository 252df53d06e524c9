"""The data command line: list, fetch, verify and locate the course's datasets.

Run it as ``python -m smartmkt_helpers.data COMMAND`` (or ``smartmkt-data
COMMAND`` once the package is installed):

``list``
    Every registered dataset: its name, title, size in the cache, terms of
    use, and whether the cache holds it verified. ``--json`` for scripts.
``fetch NAME [NAME ...]`` or ``fetch --all``
    Download datasets from their official sources into the cache. Every
    file is checked against its SHA-256 before it is moved into place, so
    the cache never holds a half-written or unverified file. A dataset
    already cached and verified is not downloaded again (``--force`` does).
``verify [NAME ...]``
    Recompute the SHA-256 of the cached files and report ``ok``,
    ``missing`` or ``corrupt`` for each requested dataset (by default,
    every dataset whose folder is in the cache).
``path [NAME]``
    Print the cache folder (or one dataset's folder) and nothing else, so
    that ``cd "$(python -m smartmkt_helpers.data path)"`` works.

The cache folder is ``--data-home DIR`` when given, otherwise the
``SMARTMKT_DATA_HOME`` environment variable, otherwise the user cache
folder (``~/.cache/smartmkt`` on Linux). ``SMARTMKT_OFFLINE=1`` forbids any
network access.

Exit codes: 0 success; 1 a download or a verification failed (or the
cache holds nothing to verify); 2 usage error, such as an unknown dataset
name (the message lists the valid names and suggests the closest); 130
interrupted with Ctrl-C (nothing half-written is left behind). Errors go to
standard error, one line each, without a traceback.

Preparing a room without internet
---------------------------------
On a machine with internet, fill a folder once::

    python -m smartmkt_helpers.data fetch --all --data-home /media/usb/smartmkt-data

Copy that folder to a USB stick or a shared drive. Each learner copies it to
their disk (or uses it where it is: the cache is only read) and points the
course at it, then checks the copy::

    export SMARTMKT_DATA_HOME=/path/to/smartmkt-data        # Linux, macOS
    set SMARTMKT_DATA_HOME=D:\\smartmkt-data                  # Windows cmd
    $env:SMARTMKT_DATA_HOME = "D:\\smartmkt-data"             # PowerShell
    python -m smartmkt_helpers.data verify

``verify`` exits with 0 when every copied dataset is intact. The notebooks
then load the real data without touching the network; a dataset that is
not in the cache is replaced by its simulated twin. In a room without
internet also set ``SMARTMKT_OFFLINE=1``: a missing dataset then falls back
on its twin at once instead of waiting for the network to time out.

Most of these datasets' terms forbid redistribution (see ``list``): handing
copies to the participants of a workshop may count as redistribution. Read
each dataset's terms before copying it; where in doubt, let each learner
fetch it, or run the notebooks on the simulated twins.

Examples
--------
>>> from smartmkt_helpers.data.cli import main
>>> main(["path", "cdnow", "--data-home", "/srv/smartmkt"])
/srv/smartmkt/cdnow
0
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shutil
import sys
import tempfile
import textwrap
from collections.abc import Sequence
from pathlib import Path

from smartmkt_helpers.data.download import _OFFLINE_VALUES, fetch
from smartmkt_helpers.data.errors import (
    CacheNotWritableError,
    ChecksumError,
    DataUnavailableError,
    DiskFullError,
    NetworkError,
    OfflineError,
    ServerError,
    TruncatedDownloadError,
)
from smartmkt_helpers.data.registry import (
    DATA_HOME_ENV,
    DATASETS,
    OFFLINE_ENV,
    Dataset,
    cache_status,
    data_home,
    file_state,
)

__all__ = ["EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "main"]

#: Exit status: everything asked for was done and is verified.
EXIT_OK = 0
#: Exit status: a download or a verification failed.
EXIT_FAILED = 1
#: Exit status: the command line was wrong (unknown command, option or dataset).
EXIT_USAGE = 2
#: Exit status: interrupted with Ctrl-C.
EXIT_INTERRUPTED = 130

_WIDTH = 78
_MODULE_PROG = "python -m smartmkt_helpers.data"
_SCRIPT_PROG = "smartmkt-data"
_FORCE_PREFIX = ".fetch-force-"

_PREPARE_HINT = (
    "to prepare a machine without internet, on a machine with internet run",
    "  {prog} fetch --all --data-home DIR",
    f"then copy DIR to this machine and set {DATA_HOME_ENV}=DIR",
)

_EXIT_CODES = """\
exit codes:
  0    success
  1    a download or a verification failed
  2    usage error (unknown command, option or dataset name)
  130  interrupted (nothing half-written is left in the cache)"""

_MAIN_EPILOG = """\
examples:
  {prog} list
      what is cached, with sizes and terms of use
  {prog} fetch movielens-100k
      download one dataset into the cache
  {prog} fetch --all --data-home DIR
      fill DIR once, to copy it to a room without internet
  {prog} verify
      recompute the checksums of every cached dataset
  cd "$({prog} path)"
      go to the cache folder

The cache folder is --data-home DIR, else ${home_env}, else the
user cache folder. {offline_env}=1 forbids any network access.

{exit_codes}
"""


class UsageError(Exception):
    """A command line that names something that does not exist."""


# --------------------------------------------------------------------------- the parser


def _prog() -> str:
    script = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return _SCRIPT_PROG if script.startswith(_SCRIPT_PROG) else _MODULE_PROG


def _build_parser(prog: str) -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog=prog,
        description="List, fetch, verify and locate the course's real datasets.",
        epilog=_MAIN_EPILOG.format(
            prog=prog, home_env=DATA_HOME_ENV, offline_env=OFFLINE_ENV, exit_codes=_EXIT_CODES
        ),
        formatter_class=formatter,
    )
    home_help = f"the cache folder (default: ${DATA_HOME_ENV}, else the user cache folder)"
    parser.add_argument("--data-home", metavar="DIR", help=home_help)
    # The same option after the command; SUPPRESS keeps the one given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-home", metavar="DIR", default=argparse.SUPPRESS, help=home_help
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(
        name: str, summary: str, details: str, examples: list[tuple[str, str]]
    ) -> argparse.ArgumentParser:
        shown = "\n".join(
            f"  {command.format(prog=prog)}\n      {comment}" for command, comment in examples
        )
        return commands.add_parser(
            name,
            parents=[common],
            help=summary,
            description=f"{summary}\n\n{details}",
            epilog=f"examples:\n{shown}\n\n{_EXIT_CODES}",
            formatter_class=formatter,
        )

    listing = add(
        "list",
        "List the datasets: size, terms, and whether the cache holds them verified.",
        "Sizes are those of the files in the cache. 'verified' means every file is\n"
        "there with its registered SHA-256; 'partial', 'corrupt' and 'missing' say\n"
        "what is wrong (run verify for the details).",
        [
            ("{prog} list", "a table for people"),
            ("{prog} list --json > datasets.json", "with sources and citations, for scripts"),
        ],
    )
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")

    fetching = add(
        "fetch",
        "Download datasets into the cache, verifying every file's SHA-256.",
        "Each file is streamed to a temporary folder, checked against its SHA-256\n"
        "and only then moved into place: the cache never holds a half-written or\n"
        "unverified file. A dataset already cached and verified is not downloaded\n"
        "again. Downloading a dataset means accepting its terms of use, printed\n"
        f"before each download (all of them: list). With {OFFLINE_ENV}=1 nothing is\n"
        "downloaded.",
        [
            ("{prog} fetch cdnow hillstrom", "two datasets"),
            ("{prog} fetch --all --data-home /media/usb/data",
             "every dataset, into a folder to copy to a room without internet"),
            ("{prog} fetch movielens-100k --force", "download again, although verified"),
        ],
    )
    fetching.add_argument("names", nargs="*", metavar="NAME", help="datasets to fetch")
    fetching.add_argument("--all", action="store_true", help="fetch every dataset")
    fetching.add_argument(
        "--force",
        action="store_true",
        help="download again even when the cache holds a verified copy",
    )
    fetching.add_argument("-q", "--quiet", action="store_true", help="no progress bars")

    verifying = add(
        "verify",
        "Recompute the checksums of cached datasets: ok, missing or corrupt.",
        "Exits with 0 only when every requested dataset is present and intact.\n"
        "Without names it checks every dataset whose folder is in the cache, and\n"
        "fails when there is none (a wrong data home).",
        [
            ("{prog} verify", "every dataset in the cache"),
            ("{prog} verify cdnow hillstrom", "these two; a missing one fails"),
            ("{prog} verify --data-home /media/usb/data", "a copy on a USB stick"),
        ],
    )
    verifying.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help="datasets to verify (default: every dataset whose folder is in the cache)",
    )

    locating = add(
        "path",
        "Print the cache folder, or one dataset's folder, and nothing else.",
        "The folder is printed whether or not it exists yet.",
        [
            ('cd "$({prog} path)"', "go to the cache folder"),
            ('ls "$({prog} path movielens-100k)"', "the files of one dataset"),
        ],
    )
    locating.add_argument("name", nargs="?", metavar="NAME", help="a dataset")
    return parser


# --------------------------------------------------------------------------- helpers


def _resolve_name(name: str) -> Dataset:
    """Return the dataset called ``name`` or raise UsageError naming the closest one."""
    if name in DATASETS:
        return DATASETS[name]
    # Accept a dataset's folder name (``ml-100k``) as a hint, not as a name.
    candidates = {known: known for known in DATASETS}
    candidates.update({d.folder: d.name for d in DATASETS.values()})
    close = difflib.get_close_matches(name.lower(), list(candidates), n=1, cutoff=0.5)
    if not close:
        close = [known for known in DATASETS if name.lower() in known]
    suggestion = f"did you mean {candidates[close[0]]!r}? " if close else ""
    raise UsageError(
        f"unknown dataset {name!r}; {suggestion}valid names: {', '.join(sorted(DATASETS))}"
    )


def _resolve_names(names: Sequence[str]) -> list[Dataset]:
    unique = list(dict.fromkeys(names))
    return [_resolve_name(name) for name in unique]


def _home(args: argparse.Namespace) -> tuple[Path, str]:
    """The cache folder and where that choice came from."""
    given = getattr(args, "data_home", None)
    if given:
        return Path(given).expanduser().resolve(), "--data-home"
    if os.environ.get(DATA_HOME_ENV, "").strip():
        try:
            return data_home(), DATA_HOME_ENV
        except ValueError as error:  # a relative path: say so in one line
            raise UsageError(str(error)) from None
    return data_home(), "default"


def _offline() -> str | None:
    """Why the network is off (``SMARTMKT_OFFLINE=1``), or None when it is on."""
    setting = os.environ.get(OFFLINE_ENV, "").strip()
    return f"{OFFLINE_ENV}={setting}" if setting.lower() in _OFFLINE_VALUES else None


def _states(dataset: Dataset, home: Path) -> dict[str, str]:
    return {f.path: file_state(dataset, f, home) for f in dataset.files}


def _megabytes(num_bytes: int) -> str:
    return f"{num_bytes / 1e6:.2f} MB"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def _hint(*lines: str) -> None:
    """Print advice to standard error: the first line after ``hint:``, the others below it."""
    for number, line in enumerate(lines):
        print(("hint: " if number == 0 else "      ") + line, file=sys.stderr)


def _wrap(text: str, indent: int) -> list[str]:
    return textwrap.wrap(
        text, _WIDTH - indent, break_long_words=True, break_on_hyphens=False
    ) or [""]


# --------------------------------------------------------------------------- list


def _cmd_list(args: argparse.Namespace, prog: str) -> int:
    home, origin = _home(args)
    status = cache_status(home)
    if args.json:
        records = [
            {
                "name": name,
                "title": dataset.title,
                "folder": str(home / dataset.folder),
                "bytes": dataset.total_bytes,
                "files": len(dataset.files),
                "verified_files": int(status.loc[name, "verified"]),
                "status": str(status.loc[name, "status"]),
                "terms": dataset.terms,
                "source": dataset.source,
                "citation": dataset.citation,
            }
            for name, dataset in sorted(DATASETS.items())
        ]
        print(json.dumps({"data_home": str(home), "datasets": records}, indent=2))
        return EXIT_OK

    print(f"Data home: {home} ({origin})")
    print()
    name_width = max(len(name) for name in DATASETS)
    header = f"{'dataset':<{name_width}}  {'size MB':>7}  {'cache':<8}  title / terms"
    print(header)
    print("-" * min(_WIDTH, len(header) + 24))
    indent = name_width + 2 + 7 + 2 + 8 + 2
    for name, dataset in sorted(DATASETS.items()):
        title = _wrap(dataset.title, indent)
        terms = _wrap("terms: " + dataset.terms, indent)
        size = f"{dataset.total_bytes / 1e6:7.2f}"
        print(f"{name:<{name_width}}  {size}  {status.loc[name, 'status']:<8}  {title[0]}")
        for line in title[1:] + terms:
            print(" " * indent + line)
    num_verified = int((status["status"] == "verified").sum())
    print()
    print(f"{num_verified} of {len(DATASETS)} datasets verified in the cache.")
    if num_verified < len(DATASETS):
        print(f"Fetch one:  {prog} fetch NAME")
        print(f"Fetch all:  {prog} fetch --all")
    return EXIT_OK


# --------------------------------------------------------------------------- fetch

_FAILURE_HINTS: list[tuple[type[DataUnavailableError], tuple[str, ...]]] = [
    (OfflineError, (f"network access is off: unset {OFFLINE_ENV} to download",)),
    (NetworkError, ("check the connection (behind a proxy, set HTTPS_PROXY)",)),
    (ServerError, ("the source answered with an error; try again later, or update the",
                   "course package if the address has changed")),
    (TruncatedDownloadError, ("the connection broke; try again",)),
    (ChecksumError, ("a download differed from the registered file; try again later",)),
    (DiskFullError, ("free some space, or choose a folder with room: --data-home DIR",)),
    (CacheNotWritableError, ("choose a writable folder: --data-home DIR",)),
]
#: Failures after which a prepared cache is the way out.
_NO_DOWNLOAD = (OfflineError, NetworkError, ServerError, ChecksumError)


def _first_clause(error: BaseException) -> str:
    """The part of a data-layer message that says what happened (not what to do)."""
    text = " ".join(str(error).split())
    if isinstance(error, ChecksumError):
        return text.split(". ")[0].rstrip(".")
    return text.split(". ")[0].split("; ")[0].rstrip(".")


def _fetch_forced(dataset: Dataset, home: Path, progress: bool) -> None:
    """Download every file of ``dataset`` again, replacing the cached ones only when verified."""
    home.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=_FORCE_PREFIX, dir=home))
    try:
        fresh = fetch(dataset, staging, offline=False, progress=progress)
        for data_file in dataset.files:
            target = home / dataset.folder / data_file.path
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(fresh / data_file.path, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _fetch_one(dataset: Dataset, home: Path, force: bool, progress: bool) -> None:
    """Fetch one dataset and print what happened; raise DataUnavailableError on failure."""
    states = _states(dataset, home)
    needed = [path for path, state in states.items() if state != "verified"]
    if not needed and not force:
        print(f"{dataset.name}: already cached and verified; --force downloads it again")
        return
    offline = _offline()
    if offline:
        state = "it is not in the cache" if needed else "--force needs the network"
        raise OfflineError(f"{state}, and network access is off ({offline})")
    to_get = dataset.files if force else [dataset.file(path) for path in needed]
    print(f"{dataset.name}: downloading {_count(len(to_get), 'file')} "
          f"({_megabytes(sum(f.bytes for f in to_get))}) from")
    print(f"  {dataset.source}")
    for line in _wrap(f"By downloading you accept its terms: {dataset.terms}", 2):
        print("  " + line)
    if force:
        _fetch_forced(dataset, home, progress)
    else:
        fetch(dataset, home, offline=False, progress=progress)
    print(f"{dataset.name}: verified, in {home / dataset.folder}")


def _cmd_fetch(args: argparse.Namespace, prog: str) -> int:
    if args.all and args.names:
        raise UsageError("give dataset names or --all, not both")
    if not args.all and not args.names:
        raise UsageError(f"name the datasets to fetch, or use --all (see `{prog} list`)")
    if args.all:
        datasets = sorted(DATASETS.values(), key=lambda dataset: dataset.name)
    else:
        datasets = _resolve_names(args.names)
    home, origin = _home(args)
    print(f"Data home: {home} ({origin})")
    progress = not args.quiet and sys.stderr.isatty()
    failures: dict[str, DataUnavailableError] = {}
    for dataset in datasets:
        try:
            _fetch_one(dataset, home, args.force, progress)
        except DataUnavailableError as error:
            _error(f"cannot fetch {dataset.name}: {_first_clause(error)}")
            failures[dataset.name] = error
    if not failures:
        return EXIT_OK
    failed_names = ", ".join(failures)
    _error(f"{len(failures)} of {_count(len(datasets), 'dataset')} not fetched: {failed_names}")
    hints = dict.fromkeys(
        hint
        for error in failures.values()
        for kind, hint in _FAILURE_HINTS
        if isinstance(error, kind)
    )
    if any(isinstance(error, _NO_DOWNLOAD) for error in failures.values()):
        hints[_PREPARE_HINT] = None
    for hint in hints:
        _hint(*(line.format(prog=prog) for line in hint))
    return EXIT_FAILED


# --------------------------------------------------------------------------- verify


def _verdict(states: dict[str, str]) -> tuple[str, str]:
    """Summarise the file states of one dataset as (status, detail)."""
    bad = {path: state for path, state in states.items() if state != "verified"}
    if not bad:
        return "ok", f"{_count(len(states), 'file')} verified"
    damaged = [f"{path} ({state})" for path, state in bad.items() if state != "missing"]
    missing = [path for path, state in bad.items() if state == "missing"]
    if damaged:
        detail = "; ".join(damaged)
        if missing:
            detail += f"; missing {', '.join(missing)}"
        return "corrupt", detail
    if len(missing) == len(states):
        return "missing", "not in the cache"
    return "missing", f"{len(missing)} of {len(states)} files missing: {', '.join(missing)}"


def _cmd_verify(args: argparse.Namespace, prog: str) -> int:
    home, origin = _home(args)
    if args.names:
        datasets = _resolve_names(args.names)
    else:
        if not home.is_dir():
            _error(f"the data home {home} ({origin}) does not exist")
            _hint(f"set {DATA_HOME_ENV} (or --data-home) to the folder that holds the datasets")
            return EXIT_FAILED
        datasets = [d for d in DATASETS.values() if (home / d.folder).is_dir()]
        if not datasets:
            _error(f"the data home {home} ({origin}) holds none of the course's datasets")
            _hint(f"set {DATA_HOME_ENV} (or --data-home) to the folder that holds them,",
                  f"or fill this one: {prog} fetch --all")
            return EXIT_FAILED
    print(f"Data home: {home} ({origin})")
    name_width = max(len(d.name) for d in datasets)
    failed: dict[str, str] = {}
    for dataset in sorted(datasets, key=lambda d: d.name):
        status, detail = _verdict(_states(dataset, home))
        lines = _wrap(detail, name_width + 11)
        print(f"{dataset.name:<{name_width}}  {status:<7}  {lines[0]}")
        for line in lines[1:]:
            print(" " * (name_width + 11) + line)
        leftovers = sorted((home / dataset.folder).glob(".fetch-*"))
        if leftovers:
            print(" " * (name_width + 11)
                  + f"(leftover temporary folder(s) from an interrupted fetch: "
                  f"{', '.join(p.name for p in leftovers)}; safe to delete)")
        if status != "ok":
            failed[dataset.name] = status
    if not failed:
        print(f"OK: {_count(len(datasets), 'dataset')} verified.")
        return EXIT_OK
    summary = ", ".join(f"{name} ({status})" for name, status in failed.items())
    _error(f"{len(failed)} of {_count(len(datasets), 'dataset')} failed verification: {summary}")
    names = " ".join(failed)
    _hint("to repair, download only the missing or corrupt files:",
          f"  {prog} fetch {names}",
          "or copy those folders again from a verified cache")
    return EXIT_FAILED


# --------------------------------------------------------------------------- path


def _cmd_path(args: argparse.Namespace, prog: str) -> int:
    home, _ = _home(args)
    print(home / _resolve_name(args.name).folder if args.name else home)
    return EXIT_OK


_COMMANDS = {"list": _cmd_list, "fetch": _cmd_fetch, "verify": _cmd_verify, "path": _cmd_path}


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    """Run the data command line and return its exit status.

    Parameters
    ----------
    argv : list of str, optional
        The arguments after the program name; defaults to ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success, 1 when a download or verification failed, 2 on a usage
        error, 130 when interrupted.

    Examples
    --------
    >>> main(["path", "--data-home", "/srv/smartmkt"])
    /srv/smartmkt
    0
    """
    prog = _prog()
    parser = _build_parser(prog)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, or argparse's own usage errors
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return _COMMANDS[args.command](args, prog)
    except UsageError as error:
        _error(str(error))
        return EXIT_USAGE
    except KeyboardInterrupt:
        _error("interrupted; the cache holds only the files verified before")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `list | head`: the reader left, nothing to say
        sys.stderr.close()
        return EXIT_OK
    except OSError as error:
        _error(f"{error.filename or 'the cache'}: {error.strerror or error}")
        return EXIT_FAILED
