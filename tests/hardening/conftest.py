"""The hardening tests reuse the transport fixtures (real headless viewers, the /dev/shm leak check)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "transport"))

from transport_kit import no_leaked_rings, viewer, viewer_factory  # noqa: E402,F401  (pytest fixtures)
