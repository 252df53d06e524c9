"""``python -m smartmkt_helpers.data``: the data command line.

See :mod:`smartmkt_helpers.data.cli` for the commands and exit codes.
"""

import sys

from smartmkt_helpers.data.cli import main

if __name__ == "__main__":
    sys.exit(main())
