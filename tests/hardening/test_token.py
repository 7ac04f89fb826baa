"""Issue 9 item 9: a viewer started with ``--token`` (for a bind beyond loopback) serves only loggers whose
``RERUN_TOKEN`` matches; others are refused with a reason, and counted without a source each."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from rerun.transport.handshake import PROTOCOL_VERSION, encode_handshake, read_handshake
from rerun.wire.frames import STREAM_HEADER
from rerun_app.cli import non_loopback_warning

from peer_kit import closed_by_peer, wait_until

LOGGER = """
import sys, rerun as rr
rr.init("tokened")
rr.connect(sys.argv[1])
rr.set_time_sequence("frame", 0)
rr.log_scalar(sys.argv[2], 1.5)
rr.disconnect()
"""


def _log(viewer, entity: str, token: str | None) -> None:
    env = {k: v for k, v in os.environ.items() if k != "RERUN_TOKEN"}
    if token is not None:
        env["RERUN_TOKEN"] = token
    result = subprocess.run([sys.executable, "-c", LOGGER, viewer.addr, entity], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def test_only_loggers_with_the_token_are_served(viewer_factory):
    viewer = viewer_factory("--token", "s3cret")
    _log(viewer, "with/token", "s3cret")
    _log(viewer, "wrong/token", "guess")
    _log(viewer, "no/token", None)
    with socket.create_connection(("127.0.0.1", viewer.port), timeout=30) as sock:  # a plain stream has no token
        sock.sendall(STREAM_HEADER)
        wait_until(lambda: closed_by_peer(sock), 60, "the viewer to close a plain stream")
    with socket.create_connection(("127.0.0.1", viewer.port), timeout=30) as sock:
        sock.sendall(encode_handshake({"protocol": PROTOCOL_VERSION, "pid": os.getpid(), "token": "nope", "ring": None}))
        reply = read_handshake(sock)
    assert not reply["ok"] and "requires a token" in reply["error"]
    stats = viewer.stop()
    rows = {path: n for r in stats["store"]["recordings"].values() for path, n in r["rows_per_entity"].items()}
    assert rows == {"with/token": 1}
    assert stats["connections"]["without_a_frame"] >= 4  # each refused logger, the plain stream, the raw hello
    assert "requires" in stats["connections"]["last_refusal"] or "token" in stats["connections"]["last_refusal"]


def test_the_non_loopback_warning_points_to_the_token_and_says_traffic_is_plain():
    assert "--token" in non_loopback_warning("0.0.0.0")
    with_token = non_loopback_warning("0.0.0.0", token=True)
    assert "only loggers with the --token" in with_token and "not encrypted" in with_token
