"""The data command line: ``python -m smartmkt_helpers.data list|fetch|verify|path`` (or ``smartmkt-data``).

``verify`` recomputes the SHA-256 of the cached files (by default of every
dataset whose folder is cached). Exit codes: 0 success, 1 a download or a
verification failed, 2 usage error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from smartmkt_helpers.data.download import fetch
from smartmkt_helpers.data.errors import DataUnavailableError
from smartmkt_helpers.data.registry import DATASETS, cache_status, data_home, file_state


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m smartmkt_helpers.data",
        description="List, fetch, verify and locate the course's real datasets.",
        epilog="exit codes: 0 success, 1 a download or verification failed, 2 usage error, 130 interrupted",
    )
    home = argparse.ArgumentParser(add_help=False)
    home.add_argument("--data-home", metavar="DIR", help="the cache folder (default: $SMARTMKT_DATA_HOME, "
                      "else the user cache folder)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands.add_parser("list", parents=[home], help="the datasets: size, cache status, title and terms")
    fetching = commands.add_parser("fetch", parents=[home], help="download datasets into the cache, verified")
    fetching.add_argument("names", nargs="*", metavar="NAME")
    fetching.add_argument("--all", action="store_true", help="fetch every dataset")
    verifying = commands.add_parser("verify", parents=[home], help="recompute the cached files' checksums")
    verifying.add_argument("names", nargs="*", metavar="NAME")
    locating = commands.add_parser("path", parents=[home], help="print the cache folder or a dataset's folder")
    locating.add_argument("name", nargs="?", metavar="NAME", choices=sorted(DATASETS))
    return parser


def _list(home: Path, args: argparse.Namespace) -> int:
    status = cache_status(home)
    print(f"Data home: {home}\n")
    for name, dataset in sorted(DATASETS.items()):
        print(f"{name:<17} {dataset.total_bytes / 1e6:6.2f} MB  {status.loc[name, 'status']:<8}  {dataset.title}")
        print(f"{'':<38}terms: {dataset.terms}")
    print(f"\n{(status['status'] == 'verified').sum()} of {len(DATASETS)} datasets verified in the cache.")
    return 0


def _fetch(home: Path, args: argparse.Namespace) -> int:
    if args.all == bool(args.names):
        print("error: name the datasets to fetch, or use --all (not both)", file=sys.stderr)
        return 2
    failed = []
    for name in sorted(DATASETS) if args.all else dict.fromkeys(args.names):
        if all(file_state(DATASETS[name], f, home) == "verified" for f in DATASETS[name].files):
            print(f"{name}: already cached and verified")
            continue
        print(f"{name}: from {DATASETS[name].source}; by downloading you accept its terms: {DATASETS[name].terms}")
        try:
            print(f"{name}: verified, in {fetch(name, home, progress=sys.stderr.isatty())}")
        except DataUnavailableError as error:
            print(f"error: cannot fetch {name}: {error}", file=sys.stderr)
            failed.append(name)
    if failed:
        print(f"error: not fetched: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def _verify(home: Path, args: argparse.Namespace) -> int:
    names = args.names or [name for name, dataset in sorted(DATASETS.items()) if (home / dataset.folder).is_dir()]
    if not names:
        print(f"error: the data home {home} holds none of the course's datasets", file=sys.stderr)
        return 1
    print(f"Data home: {home}")
    failed = []
    for name in dict.fromkeys(names):
        dataset = DATASETS[name]
        states = {f.path: file_state(dataset, f, home) for f in dataset.files}
        bad = {path: state for path, state in states.items() if state != "verified"}
        verdict = "ok" if not bad else "missing" if set(bad.values()) == {"missing"} else "corrupt"
        detail = ", ".join(f"{path} ({state})" for path, state in bad.items()) or f"{len(states)} files verified"
        print(f"{name:<17} {verdict:<8} {detail}")
        if bad:
            failed.append(name)
    if failed:
        print(f"error: {len(failed)} dataset(s) failed verification; repair with: "
              f"python -m smartmkt_helpers.data fetch {' '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def _path(home: Path, args: argparse.Namespace) -> int:
    print(home / DATASETS[args.name].folder if args.name else home)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the data command line and return its exit status (0, 1, 2 or 130)."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:  # --help (0) or a usage error (2)
        return exit_.code if isinstance(exit_.code, int) else 2
    unknown = [name for name in getattr(args, "names", []) if name not in DATASETS]
    if unknown:
        print(f"error: unknown dataset(s) {unknown}; valid names: {', '.join(sorted(DATASETS))}", file=sys.stderr)
        return 2
    try:
        home = Path(args.data_home).expanduser().resolve() if args.data_home else data_home()
        command = {"list": _list, "fetch": _fetch, "verify": _verify, "path": _path}[args.command]
        return command(home, args)
    except ValueError as error:  # a relative SMARTMKT_DATA_HOME
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted; the cache holds only the files verified before", file=sys.stderr)
        return 130
