"""script_add_args / script_setup / script_teardown: the flags of Rerun 0.4.0 example scripts."""

from __future__ import annotations

import argparse

import pyarrow as pa

import rerun as rr
import rerun.recording
from rerun import _session, _time


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    rr.script_add_args(parser)
    return parser.parse_args(list(argv))


def test_flags_and_defaults():
    args = parse()
    assert (args.headless, args.connect, args.serve, args.addr, args.save) == (False, False, False, None, None)
    args = parse("--headless", "--connect", "--addr", "127.0.0.1:9000", "--save", "x.rrd", "--serve")
    assert (args.headless, args.connect, args.serve, args.addr, args.save) == (True, True, True, "127.0.0.1:9000", "x.rrd")


def test_save_flag_streams_to_the_file(tmp_path, monkeypatch):
    _session.shutdown()
    _time.reset_time()
    spawned = []
    monkeypatch.setattr(rr, "spawn", lambda *a, **k: spawned.append(a))
    path = tmp_path / "script.rrd"
    args = parse("--save", str(path))
    rr.script_setup(args, "script_app")
    _session.log("a", {"rerun.radius": pa.array([1.0], pa.float32())})
    rr.script_teardown(args)  # returns at once without --serve
    rr.disconnect()
    rec = rerun.recording.load(path)
    assert rec.application_id == "script_app" and rec.entity_paths == ["a"]
    assert spawned == [] and not rr.strict_mode()
    _session.shutdown()


def test_headless_without_a_sink_flag_keeps_the_memory_buffer(monkeypatch):
    _session.shutdown()
    spawned = []
    monkeypatch.setattr(rr, "spawn", lambda *a, **k: spawned.append(a))
    rr.script_setup(parse("--headless"), "headless_app")
    assert spawned == []
    assert type(_session.get_sink()).__name__ == "MemorySink"
    rr.script_setup(parse(), "gui_app")
    assert spawned == [()]
    _session.shutdown()


def test_0_4_0_module_name_for_the_helpers():
    from rerun.script_helpers import script_add_args as helper

    assert helper is rr.script_add_args
