"""rr.serve when its server cannot start: a warning naming the port (strict mode raises); nothing logged is lost.

The serving itself (a page in a real browser, the ws:// stream, the server's lifetime) is in tests/web/.
"""

from __future__ import annotations

import logging
import socket

import pytest

import rerun as rr
import rerun.recording
from rerun import _session, _time


@pytest.fixture
def taken_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield sock.getsockname()[1]


def test_serve_on_a_taken_port_warns_naming_it_and_keeps_everything(tmp_path, caplog, capfd, taken_port):
    _session.shutdown()
    _time.reset_time()
    rr.init("serve_app")
    rr.log_scalar("before", 1.0)
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        ws_port = free.getsockname()[1]
    with caplog.at_level(logging.WARNING, logger="rerun"):
        assert rr.serve(open_browser=False, web_port=taken_port, ws_port=ws_port) is False
    assert any("rr.serve" in r.getMessage() for r in caplog.records)
    assert f"port {taken_port} on 127.0.0.1 is already in use" in capfd.readouterr().err
    rr.log_scalar("after", 2.0)
    path = tmp_path / "after_serve.rrd"
    rr.save(path)
    rr.disconnect()
    rec = rerun.recording.load(path)
    assert sorted(rec.entity_paths) == ["after", "before"]
    assert rec.table("before")["rerun.scalar"].to_pylist() == [[1.0]]


def test_serve_raises_in_strict_mode_when_it_cannot_start(taken_port):
    _session.shutdown()
    rr.init("serve_strict", strict=True)
    try:
        with pytest.raises(RuntimeError, match="web viewer"):
            rr.serve(open_browser=False, web_port=taken_port, ws_port=taken_port)
    finally:
        rr.set_strict_mode(False)


@pytest.mark.parametrize("kwargs", [{"web_port": 0}, {"ws_port": 70000}, {"web_port": "9090"}])
def test_serve_rejects_invalid_ports(kwargs):
    with pytest.raises(ValueError, match="port"):
        rr.serve(open_browser=False, **kwargs)
