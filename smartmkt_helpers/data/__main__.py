"""``python -m smartmkt_helpers.data``: the data command line."""

import sys

from smartmkt_helpers.data.cli import main

if __name__ == "__main__":
    sys.exit(main())
