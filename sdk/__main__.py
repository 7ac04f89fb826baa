"""``python -m rerun``: see :mod:`rerun.cli`."""

import sys

from rerun import unregister_shutdown  # noqa: F401  (0.4.0 exposed it here)
from rerun.cli import main

if __name__ == "__main__":
    sys.exit(main())
