"""``python -m rerun_app``: the viewer (see :mod:`rerun_app.cli`)."""

import sys

from rerun_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
