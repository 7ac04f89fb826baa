"""The default recording id: a UUID derived from the multiprocessing authkey.

Like Rerun 0.4, children started with ``fork`` or ``spawn`` inherit the parent's authkey, so every
process of one program logs into the same recording, while each new top-level process gets a new id.
"""

from __future__ import annotations

import hashlib
import uuid

_SALT = b"rerun-py recording id v1"


def default_recording_id() -> str:
    """A UUIDv4 string hashed from this process tree's ``multiprocessing`` authkey."""
    import multiprocessing

    authkey = bytes(multiprocessing.current_process().authkey)
    digest = hashlib.sha256(_SALT + authkey).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def check_recording_id(value) -> str:
    """Return ``value`` normalised as a hyphenated UUID string.

    Raises
    ------
    TypeError
        If ``value`` is not a UUID (a ``uuid.UUID`` or a string that parses as one).
    """
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value))
        except ValueError:
            pass
    raise TypeError(f'Invalid recording id - expected a UUID, got "{value}"')
