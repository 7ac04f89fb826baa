"""Loopback helpers shared by the tests that start real viewers (import as ``from net_support import ...``)."""

from __future__ import annotations

import socket
import time

import pytest


def free_port() -> int:
    """A TCP port nobody listens on right now (never 9876, which a developer's viewer may hold)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int, proc, timeout: float = 30) -> None:
    """Wait until something accepts connections on ``port``; fail the test if ``proc`` exits first or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"viewer exited early: {proc.stderr.read()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    pytest.fail("viewer never listened")
