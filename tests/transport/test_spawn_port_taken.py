"""rr.spawn when the port is held by a program that is not a rerun viewer, and with logging off."""

from __future__ import annotations

import logging
import socket
import threading

import pytest

import rerun as rr
from rerun import _session


@pytest.fixture
def foreign_server():
    """A plain TCP server on a free port that answers every connection with an HTTP error and closes."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    server.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() (close() alone does not)
    server.close()
    thread.join(timeout=10)


def test_spawn_on_a_port_taken_by_another_program_warns_and_returns_false(foreign_server, caplog):
    sink_before = _session.get_sink()
    with caplog.at_level(logging.WARNING, logger="rerun"):
        assert rr.spawn(port=foreign_server) is False
    messages = [r.getMessage() for r in caplog.records if r.name == "rerun"]
    assert len(messages) == 1
    assert f"port {foreign_server}" in messages[0] and "not a rerun viewer" in messages[0]
    assert _session.get_sink() is sink_before  # still buffering in memory


def test_spawn_on_a_port_taken_by_another_program_raises_in_strict_mode(foreign_server):
    rr.set_strict_mode(True)
    try:
        with pytest.raises(RuntimeError, match=f"port {foreign_server} .* not a rerun viewer"):
            rr.spawn(port=foreign_server)
    finally:
        rr.set_strict_mode(False)


def test_spawn_with_logging_disabled_returns_false():
    rr.set_enabled(False)
    try:
        assert rr.spawn(port=1) is False
    finally:
        rr.set_enabled(True)
