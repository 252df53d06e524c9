"""Command line of the simulated twins.

``python -m smartmkt_helpers.simulate --write-cards data/twins`` writes the
data card of every twin and their index; ``--check-cards data/twins``
exits with status 1 if a card on disk differs from the code's.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from smartmkt_helpers.simulate.cards import CARDS, INDEX_FILE, cards_index, data_card, write_cards


def _stale_cards(folder: Path) -> list[str]:
    expected = {f"{name}.md": data_card(name) for name in CARDS} | {INDEX_FILE: cards_index()}
    return [
        file for file, text in expected.items()
        if not (folder / file).is_file() or (folder / file).read_text(encoding="utf-8") != text
    ]


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m smartmkt_helpers.simulate", description=__doc__.split("\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write-cards", metavar="FOLDER", type=Path, help="write the data cards into FOLDER")
    group.add_argument("--check-cards", metavar="FOLDER", type=Path, help="check the data cards in FOLDER")
    arguments = parser.parse_args(argv)
    if arguments.write_cards is not None:
        for path in write_cards(arguments.write_cards):
            print(f"wrote {path}")
        return 0
    stale = _stale_cards(arguments.check_cards)
    for file in stale:
        print(f"out of date: {arguments.check_cards / file}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
