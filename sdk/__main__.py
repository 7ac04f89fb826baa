"""``python -m rerun``: see :mod:`rerun.cli`."""

import sys

from rerun.cli import main

if __name__ == "__main__":
    sys.exit(main())
