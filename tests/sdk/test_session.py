"""Session behaviour seen by a user: enable/strict switches, recording ids, sinks, shutdown, crashes.

Most cases run in a real subprocess, because they concern process-wide state (environment
variables, atexit, fork, kill -9).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid

import pyarrow as pa
import pytest

import rerun as rr
import rerun.recording
from rerun import _session


def run_python(code: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("RERUN")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.parametrize(
    ("value", "default_enabled", "expected"),
    [("off", True, False), ("0", True, False), ("FALSE", True, False), ("on", False, True), ("1", False, True), ("true", False, True)],
)
def test_rerun_env_overrides_default_enabled(value, default_enabled, expected):
    result = run_python(
        f"""
        import rerun as rr
        rr.init("app", default_enabled={default_enabled})
        print(rr.is_enabled())
        """,
        env={"RERUN": value},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(expected)


@pytest.mark.parametrize("value", ["maybe", ""])
def test_invalid_rerun_env_warns_and_is_ignored(value):
    result = run_python(
        """
        import warnings
        warnings.simplefilter("always")
        import rerun as rr
        rr.init("app", default_enabled=True)
        print(rr.is_enabled())
        """,
        env={"RERUN": value},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
    assert f"RERUN={value!r}" in result.stderr and "ignored" in result.stderr


def test_rerun_off_makes_save_and_logging_no_ops(tmp_path):
    path = tmp_path / "off.rrd"
    result = run_python(
        f"""
        import pyarrow as pa
        import rerun as rr
        from rerun import _session
        rr.init("app")
        rr.save({str(path)!r})
        _session.log("a", {{"rerun.radius": pa.array([1.0], pa.float32())}})
        _session.log_scalar_row("s", 1.0, None, None, None, None)
        rr.set_time_sequence("frame", 1.5)  # not even validated when disabled
        print(len(_session.get_sink()))
        """,
        env={"RERUN": "off"},
    )
    assert result.returncode == 0, result.stderr
    assert "Rerun is disabled - save() call ignored" in result.stdout
    assert result.stdout.strip().endswith("0")
    assert not path.exists()


def test_strict_mode_switches_work(fresh):
    assert not rr.strict_mode()
    rr.init("app", strict=True)
    assert rr.strict_mode()
    rr.set_strict_mode(False)
    assert not rr.strict_mode()
    result = run_python("import rerun as rr; rr.init('a'); print(rr.strict_mode())", env={"RERUN_STRICT": "1"})
    assert result.stdout.strip() == "True", result.stderr


def test_recording_id_is_a_uuid_and_checked(fresh):
    assert uuid.UUID(rr.get_recording_id()).version == 4
    before = rr.get_recording_id()
    rr.set_recording_id("xyz")  # warned and dropped (see test_bad_input)
    assert rr.get_recording_id() == before
    rr.set_strict_mode(True)
    try:
        with pytest.raises(TypeError, match='expected a UUID, got "xyz"'):
            rr.set_recording_id("xyz")
    finally:
        rr.set_strict_mode(False)


def test_set_recording_id_starts_a_new_recording(fresh, tmp_path):
    path = tmp_path / "ids.rrd"
    original = rr.get_recording_id()
    rr.save(path)
    _session.log("a", {"rerun.radius": pa.array([1.0], pa.float32())})
    other = str(uuid.uuid4())
    rr.set_recording_id(other)
    _session.log("a", {"rerun.radius": pa.array([2.0], pa.float32())})
    rr.disconnect()
    rr.set_recording_id(original)
    rec = rerun.recording.load(path)
    assert [b["recording_id"] for b in rec.begins] == [original, other]
    assert [e[2] for e in rec.events() if e[0] == "log"] == [original, other]
    assert rec.recording_ids == [original, other]
    assert rec.table("a", recording_id=other).column("rerun.radius").to_pylist() == [[2.0]]
    assert rec.table("a").num_rows == 2


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_children_share_the_recording_id(method, tmp_path):
    script = tmp_path / "children.py"
    script.write_text(textwrap.dedent(
        f"""
        import multiprocessing as mp
        import rerun as rr

        def child(queue):
            import rerun as rr
            queue.put(rr.get_recording_id())

        if __name__ == "__main__":
            ctx = mp.get_context({method!r})
            queue = ctx.Queue()
            proc = ctx.Process(target=child, args=(queue,))
            proc.start()
            print(rr.get_recording_id(), queue.get(timeout=60))
            proc.join()
        """
    ))
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    parent, child = result.stdout.split()
    assert parent == child


def test_two_processes_get_different_ids():
    code = "import rerun as rr; print(rr.get_recording_id())"
    assert run_python(code).stdout != run_python(code).stdout


def test_disconnect_right_after_save_does_not_deadlock(tmp_path):
    path = tmp_path / "dc.rrd"
    result = run_python(
        f"""
        import rerun as rr
        from rerun import _session
        rr.init("app")
        for i in range(10):
            rr.set_time_sequence("frame", i)
            _session.log_scalar_row("s", float(i), None, None, None, None)
        rr.save({str(path)!r})
        for i in range(10):
            _session.log_scalar_row("s", float(i), None, None, None, None)
        rr.disconnect()
        rr.save({str(path) + '.2'!r})
        rr.save({str(path) + '.3'!r})
        rr.disconnect()
        print("done")
        """,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "done"
    rec = rerun.recording.load(path)
    assert rec.complete and rec.table("s").num_rows == 20


def test_exit_without_disconnect_completes_the_file(tmp_path):
    path = tmp_path / "exit.rrd"
    result = run_python(
        f"""
        import rerun as rr
        from rerun import _session
        rr.init("app")
        rr.save({str(path)!r})
        for i in range(1000):
            _session.log_scalar_row("s", float(i), None, None, None, None)
        """
    )
    assert result.returncode == 0, result.stderr
    rec = rerun.recording.load(path)
    assert rec.complete and rec.application_id == "app"
    assert rec.table("s").num_rows == 1000


def test_unregister_shutdown_leaves_the_file_without_goodbye(tmp_path):
    path = tmp_path / "noexit.rrd"
    result = run_python(
        f"""
        import rerun as rr
        from rerun import _session
        rr.init("app")
        rr.save({str(path)!r})
        rr.unregister_shutdown()
        """
    )
    assert result.returncode == 0, result.stderr
    assert not rerun.recording.load(path).complete


def _rows_in_file(path, entity: str) -> int:
    """Rows of ``entity`` readable now from a file another process is still writing (torn tail ignored)."""
    if not path.exists():
        return 0
    recording = rerun.recording.load(path)
    return recording.table(entity).num_rows if entity in recording.entity_paths else 0


def test_kill_9_mid_stream_leaves_every_complete_frame_readable(tmp_path):
    path = tmp_path / "killed.rrd"
    code = f"""
        import sys
        import numpy as np, pyarrow as pa
        import rerun as rr
        from rerun import _session
        rr.init("app")
        rr.save({str(path)!r})
        cloud = pa.FixedSizeListArray.from_arrays(pa.array(np.ones(300_000, np.float32)), 3)
        i = 0
        while True:
            rr.set_time_sequence("step", i)
            _session.log_scalar_row("s", float(i), None, None, None, None)
            if i % 50 == 0:
                _session.log("cloud", {{"rerun.point3d": cloud}})
            if i == 2000:
                print("ready", flush=True)
            i += 1
    """
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        # Rows reach the file within ~10 ms (the flush timer), but a loaded machine may starve the child's writer
        # thread for longer than any fixed sleep: wait until rows 0..2000 are readable, then kill mid-stream.
        deadline = time.monotonic() + 30
        while not _rows_in_file(path, "s") > 2000:
            assert time.monotonic() < deadline, "rows 0..2000 never reached the file"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    rec = rerun.recording.load(path)
    assert not rec.complete
    steps = rec.table("s").column("step").to_pylist()
    assert steps == list(range(len(steps))) and len(steps) > 2000
    clouds = rec.table("cloud")
    assert clouds.num_rows >= 2000 // 50
    assert all(n == 100_000 for n in pa.chunked_array(clouds.column("rerun.point3d")).combine_chunks().value_lengths().to_pylist())


def test_rows_reach_the_file_without_an_explicit_flush(fresh, tmp_path):
    path = tmp_path / "timer.rrd"
    rr.save(path)
    size_before = path.stat().st_size
    _session.log_scalar_row("s", 1.0, None, None, None, None)
    deadline = time.monotonic() + 30  # the flush timer fires within ms; a loaded machine may starve its thread
    while path.stat().st_size == size_before and time.monotonic() < deadline:
        time.sleep(0.005)
    reader = rerun.recording.load(path)  # file still open: no GOODBYE yet
    assert reader.table("s").column("rerun.scalar").to_pylist() == [[1.0]]
    assert not reader.complete


def test_save_to_an_impossible_path_names_it(fresh, tmp_path):
    missing = tmp_path / "no" / "such" / "dir" / "x.rrd"
    rr.set_strict_mode(True)
    try:
        with pytest.raises(OSError, match="Failed to create file .*x.rrd"):
            rr.save(missing)
    finally:
        rr.set_strict_mode(False)


def test_logging_from_many_threads_keeps_every_row(fresh, tmp_path):
    path = tmp_path / "threads.rrd"
    rr.save(path)
    per_thread = 5000

    def worker(index):
        for i in range(per_thread):
            rr.set_time_sequence("i", i)
            _session.log_scalar_row(f"t{index % 2}", float(index), None, None, None, None)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rr.disconnect()
    rec = rerun.recording.load(path)
    for entity, owners in (("t0", (0, 2)), ("t1", (1, 3))):
        table = rec.table(entity)
        values = [cell[0] for cell in table.column("rerun.scalar").to_pylist()]
        steps = table.column("i").to_pylist()
        for owner in owners:
            assert [s for s, v in zip(steps, values) if v == owner] == list(range(per_thread))


def test_init_spawn_calls_rr_spawn(fresh, monkeypatch):
    calls = []
    monkeypatch.setattr(rr, "spawn", lambda *a, **k: calls.append((a, k)))
    rr.init("app", spawn=True)
    assert calls == [((), {})]


def test_sink_stats_count_what_was_written(fresh, tmp_path):
    path = tmp_path / "stats.rrd"
    rr.save(path)
    _session.log_scalar_row("s", 1.0, None, None, None, None)
    _session.flush()
    stats = _session.get_sink().stats()
    assert stats["sent_messages"] == 2  # BEGIN_RECORDING + one LOG batch
    assert stats["sent_bytes"] == path.stat().st_size - 8  # everything after the stream header
    assert stats["dropped_messages"] == 0


def test_forked_child_does_not_write_into_the_parents_file(tmp_path):
    path = tmp_path / "fork.rrd"
    child_path = tmp_path / "child.rrd"
    result = run_python(
        f"""
        import os
        import rerun as rr
        from rerun import _session
        rr.init("app")
        rr.save({str(path)!r})
        _session.log_scalar_row("parent", 1.0, None, None, None, None)
        pid = os.fork()
        if pid == 0:
            _session.log_scalar_row("child", 2.0, None, None, None, None)  # buffered in the child only
            rr.save({str(child_path)!r})
            rr.disconnect()
            os._exit(0)
        os.waitpid(pid, 0)
        _session.log_scalar_row("parent", 3.0, None, None, None, None)
        """
    )
    assert result.returncode == 0, result.stderr
    parent = rerun.recording.load(path)
    assert parent.complete and parent.warnings == []
    assert parent.entity_paths == ["parent"]
    assert parent.table("parent").column("rerun.scalar").to_pylist() == [[1.0], [3.0]]
    child = rerun.recording.load(child_path)
    assert child.entity_paths == ["child"] and child.recording_id == parent.recording_id


def test_disk_full_mid_stream_keeps_the_file_readable(tmp_path):
    path = tmp_path / "full.rrd"
    result = run_python(
        f"""
        import resource, signal, warnings
        import numpy as np, pyarrow as pa
        import rerun as rr
        from rerun import _session
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (1_000_000, 1_000_000))
        rr.init("app")
        rr.save({str(path)!r})
        cloud = pa.FixedSizeListArray.from_arrays(pa.array(np.ones(90_000, np.float32)), 3)  # 360 kB
        errors = []
        for i in range(6):
            rr.set_time_sequence("step", i)
            try:
                _session.log("cloud", {{"rerun.point3d": cloud}})
            except OSError as exc:
                errors.append(str(exc))
        rr.disconnect()
        print(len(errors))
        print(errors[0])
        """
    )
    assert result.returncode == 0, result.stderr
    count, message = result.stdout.strip().splitlines()
    assert count == "1"  # raised once, later frames dropped quietly
    assert str(path) in message and "later messages to it are dropped" in message
    rec = rerun.recording.load(path)
    assert rec.table("cloud").column("step").to_pylist() == [0, 1]
    assert not rec.complete


def test_switching_sinks_while_threads_log_loses_and_repeats_nothing(fresh, tmp_path):
    first, second = tmp_path / "first.rrd", tmp_path / "second.rrd"
    rr.save(first)
    stop = threading.Event()
    counts = {}

    def worker(name):
        i = 0
        while not stop.is_set():
            rr.set_time_sequence("i", i)
            _session.log_scalar_row(name, float(i), None, None, None, None)
            i += 1
        counts[name] = i

    threads = [threading.Thread(target=worker, args=(f"w{k}",)) for k in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(0.05)
    rr.save(second)
    time.sleep(0.05)
    rr.disconnect()
    stop.set()
    for thread in threads:
        thread.join()
    a, b = rerun.recording.load(first), rerun.recording.load(second)
    assert a.complete and b.complete

    def steps_in(rec, name):
        return rec.table(name).column("i").to_pylist() if name in rec.entity_paths else []

    for name in counts:
        steps = steps_in(a, name) + steps_in(b, name)
        assert steps == list(range(len(steps))), name
        assert 0 < len(steps) <= counts[name]


@pytest.mark.parametrize("method", ["fork", "forkserver", "spawn"])
def test_multiprocessing_children_complete_their_own_files(method, tmp_path):
    # fork/forkserver children end with os._exit (no atexit): their last rows and GOODBYE used to be lost.
    script = tmp_path / "workers.py"
    script.write_text(
        textwrap.dedent(
            """
            import multiprocessing as mp
            import sys
            import rerun as rr
            from rerun import _session

            def child(path):
                rr.save(path)
                for i in range(100):
                    _session.log_scalar_row("c", float(i), None, None, None, None)

            if __name__ == "__main__":
                ctx = mp.get_context(sys.argv[1])
                procs = [ctx.Process(target=child, args=(f"{sys.argv[2]}/w{k}.rrd",)) for k in range(2)]
                for p in procs:
                    p.start()
                for p in procs:
                    p.join()
            """
        )
    )
    result = subprocess.run([sys.executable, str(script), method, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for k in range(2):
        rec = rerun.recording.load(tmp_path / f"w{k}.rrd")
        assert rec.complete
        assert rec.table("c").column("rerun.scalar").to_pylist() == [[float(i)] for i in range(100)]


def test_a_new_sink_gets_begin_then_the_backlog_in_order_then_close(fresh):
    from rerun.sinks import Sink
    from rerun.wire import FrameKind

    class ListSink(Sink):
        def __init__(self):
            super().__init__()
            self.seen = []

        def send_log(self, batch):
            entity = batch.schema.metadata[b"rerun.entity_path"].decode()
            self.seen.append(("log", entity, batch.column(batch.schema.get_field_index("rerun.scalar")).to_pylist()))

        def send_control(self, kind, obj):
            self.seen.append((FrameKind(kind).name, obj.get("application_id")))

        def close(self, goodbye=None):
            self.seen.append(("closed",))

    rr.init("sinks")
    _session.log_scalar_row("a", 1.0, None, None, None, None)
    _session.log_scalar_row("a", 2.0, None, None, None, None)
    sink = ListSink()
    _session.set_sink(sink)
    _session.log_scalar_row("a", 3.0, None, None, None, None)
    rr.disconnect()
    assert sink.seen == [
        ("BEGIN_RECORDING", "sinks"),
        ("log", "a", [[1.0], [2.0]]),
        ("log", "a", [[3.0]]),
        ("closed",),
    ]


def test_a_lone_surrogate_is_refused_at_the_call_and_loses_no_other_entity(tmp_path):
    """The reported sequence: rows logged after a bad path or text all reach the file, nothing raises."""
    path = tmp_path / "surrogates.rrd"
    result = run_python(
        f"""
        import rerun as rr
        rr.init("app")
        rr.save({str(path)!r})
        rr.log_text_entry("good/before", "ok")
        rr.log_text_entry("a/\\udcff", "bad path")
        rr.log_text_entry("good/text", "bad \\udcff body")
        rr.log_points("good/after", [[1, 2, 3]])
        rr.log_text_entry("good/after2", "ok")
        rr.disconnect()
        """
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "rr.log_text_entry: argument 'entity_path'" in result.stderr and "lone surrogate" in result.stderr
    assert "rr.log_text_entry: argument 'text'" in result.stderr
    rec = rerun.recording.load(path)
    assert rec.entity_paths == ["good/after", "good/after2", "good/before", "rerun"]
    assert rec.complete


def test_a_row_that_cannot_be_encoded_drops_only_its_entity_and_the_flush_never_raises(fresh, tmp_path, caplog):
    """Defence behind the call checks: a row that reached the session unchecked costs only its own entity."""
    path = tmp_path / "isolated.rrd"
    rr.save(path)
    _session.log_scalar_row("first", 1.0, None, None, None, None)
    _session.log_text_row("broken", "bad \udcff body", "INFO", None, False)  # skips log_text_entry's check
    _session.log_scalar_row("last", 2.0, None, None, None, None)
    with caplog.at_level(logging.WARNING, logger="rerun"):
        rr.disconnect()  # must not raise
    rec = rerun.recording.load(path)
    assert rec.entity_paths == ["first", "last"]
    assert rec.table("last").column("rerun.scalar").to_pylist() == [[2.0]]
    assert rec.complete
    (message,) = [r.getMessage() for r in caplog.records if r.name == "rerun"]
    assert "1 pending row(s) of entity 'broken' could not be encoded" in message and "UnicodeEncodeError" in message
