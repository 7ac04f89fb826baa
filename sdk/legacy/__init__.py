"""Read ``.rrd`` files written by the original Rerun Python SDK 0.4.0.

Rerun 0.4 files start with ``b"RRF0"``; ours start with ``b"RRPY"`` (:mod:`rerun.wire`).
:func:`read_legacy_rrd` turns a 0.4 file into the same events our own reader produces, with every
component converted to our Arrow types (see :mod:`rerun.legacy.convert`). ``zstandard`` and
``msgpack`` are only imported when a file is actually read.
"""

from rerun.legacy.container import LEGACY_MAGIC, LegacyVersion, parse_legacy_header
from rerun.legacy.reader import read_legacy_rrd


def is_legacy_rrd(data: bytes | memoryview) -> bool:
    """True when ``data`` starts with the Rerun 0.4 ``.rrd`` magic ``b"RRF0"``."""
    return bytes(data[:4]) == LEGACY_MAGIC


__all__ = ["LEGACY_MAGIC", "LegacyVersion", "is_legacy_rrd", "parse_legacy_header", "read_legacy_rrd"]
