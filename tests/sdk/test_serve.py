"""rr.serve: the web viewer is not available yet, so it warns (raises in strict mode) and loses nothing."""

from __future__ import annotations

import argparse
import logging
import threading

import pytest

import rerun as rr
import rerun.recording
from rerun import _session, _time


def test_serve_warns_and_keeps_everything_for_a_later_save(tmp_path, caplog):
    _session.shutdown()
    _time.reset_time()
    rr.init("serve_app")
    rr.log_scalar("before", 1.0)
    with caplog.at_level(logging.WARNING, logger="rerun"):
        assert rr.serve() is False
    assert any("rr.serve" in r.getMessage() and "rr.save()" in r.getMessage() for r in caplog.records)
    rr.log_scalar("after", 2.0)
    path = tmp_path / "after_serve.rrd"
    rr.save(path)
    rr.disconnect()
    rec = rerun.recording.load(path)
    assert sorted(rec.entity_paths) == ["after", "before"]
    assert rec.table("before")["rerun.scalar"].to_pylist() == [[1.0]]


def test_serve_raises_in_strict_mode():
    _session.shutdown()
    rr.init("serve_strict", strict=True)
    try:
        with pytest.raises(NotImplementedError, match="rr.serve"):
            rr.serve()
    finally:
        rr.set_strict_mode(False)


def test_script_teardown_does_not_block_when_serving_is_unavailable():
    _session.shutdown()
    parser = argparse.ArgumentParser()
    rr.script_add_args(parser)
    args = parser.parse_args(["--serve"])
    rr.script_setup(args, "serve_script")
    done = threading.Event()
    thread = threading.Thread(target=lambda: (rr.script_teardown(args), done.set()), daemon=True)
    thread.start()
    assert done.wait(10), "script_teardown blocked although no web viewer is being served"
    rr.disconnect()
