"""The connection handshake shared by the logging side and the viewer.

A client opens TCP and sends either

- a plain stream (``b"RRPY"`` stream header, then frames): anything that can write a ``.rrd`` stream
  can pipe it into the viewer; or
- a handshake message ``b"RRHS"`` + u32 LE length + a UTF-8 JSON object, answered by the viewer with
  a message of the same shape. Hello fields: ``protocol`` (int), ``format_version``, ``pid``,
  ``recording_id``, ``ring`` (``{"name", "capacity"}`` to move payloads to a shared-memory ring, or
  null for TCP), ``probe`` (true: only asking whether a viewer listens). Reply: ``ok``, ``protocol``,
  ``ring`` (true if the viewer attached the ring), ``segments`` (true if big frames may come in
  shared-memory segments, see :mod:`rerun.transport.segments`), ``error`` (when not ok).

On Linux the viewer also listens on the abstract Unix socket :func:`unix_socket_name` (``port``): a
same-host ring client connects there and sends, with its hello (``"wake": "eventfd"``), two
eventfds (data: client→viewer, space: viewer→client) over ``SCM_RIGHTS``; the reply's ``wake``
says whether the viewer uses them (``"eventfd"``) or wants byte wake-ups on the socket.

After a TCP handshake the client sends the stream header and frames on the socket. After a ring
handshake the frames go through the ring and the socket only carries one-byte wake-ups
(:data:`WAKE_DATA` client→viewer, :data:`WAKE_SPACE` viewer→client) until either side closes it.
"""

from __future__ import annotations

import json
import os
import socket
import struct

from rerun.wire.frames import WireError

HANDSHAKE_MAGIC = b"RRHS"
#: Environment variable holding the shared token a viewer started with ``--token`` requires in the hello.
TOKEN_ENV = "RERUN_TOKEN"
PROTOCOL_VERSION = 1
MAX_HANDSHAKE_BYTES = 64 << 10
_LENGTH = struct.Struct("<I")

WAKE_DATA = b"W"
WAKE_SPACE = b"S"


def unix_socket_name(port: int) -> str:
    """Name (in the abstract namespace, without its leading NUL) of the viewer's Unix socket."""
    return f"rerun-viewer-{int(port)}"


def is_eventfd(fd: int) -> bool:
    """True if ``fd`` is an eventfd (a peer's fd is checked before we block or write on it)."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}") == "anon_inode:[eventfd]"
    except OSError:
        return False


def encode_handshake(obj: dict) -> bytes:
    """Magic, length and JSON body of one handshake message."""
    body = json.dumps(obj, separators=(",", ":")).encode("utf-8")
    return HANDSHAKE_MAGIC + _LENGTH.pack(len(body)) + body


def recv_exact(sock: socket.socket, n: int) -> bytes:
    """Read exactly ``n`` bytes; raise ConnectionError on EOF first."""
    chunks = bytearray()
    while len(chunks) < n:
        part = sock.recv(n - len(chunks))
        if not part:
            raise ConnectionError(f"connection closed after {len(chunks)} of {n} expected bytes")
        chunks += part
    return bytes(chunks)


def read_handshake_body(sock: socket.socket) -> dict:
    """Read the length and JSON body that follow an already-consumed ``RRHS`` magic.

    Raises
    ------
    WireError
        For an oversized or non-JSON-object body.
    """
    (length,) = _LENGTH.unpack(recv_exact(sock, _LENGTH.size))
    if length > MAX_HANDSHAKE_BYTES:
        raise WireError(f"handshake of {length} bytes exceeds the limit of {MAX_HANDSHAKE_BYTES}")
    body = recv_exact(sock, length)
    try:
        obj = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WireError(f"handshake body is not valid JSON ({exc})") from None
    if not isinstance(obj, dict):
        raise WireError("handshake body is not a JSON object")
    return obj


def read_handshake(sock: socket.socket) -> dict:
    """Read one whole handshake message (magic included)."""
    magic = recv_exact(sock, len(HANDSHAKE_MAGIC))
    if magic != HANDSHAKE_MAGIC:
        raise WireError(f"expected a rerun viewer handshake, got bytes {magic!r}")
    return read_handshake_body(sock)
