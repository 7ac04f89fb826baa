"""The patterns the official Rerun 0.4.0 example programs rely on, each as a program of our own run for real.

The official examples (``examples/python/{minimal,dna,multiprocessing,api_demo,text_logging,multithreading,
...}`` at tag v0.4.0) are not ours and are not in this repository; tests/examples/v040_official_examples.py
runs them unchanged against both SDKs. What each one needs from the SDK is checked here in strict mode
(``RERUN_STRICT=1``: a refused call fails the program) and with stderr required empty (no warning):

- ``minimal``: ``rr.spawn()`` at module level before any ``rr.init``, ``log_points(positions=..., colors=...)``;
- ``dna``: ``rr.init(name)`` then ``rr.spawn()``, ``rerun_demo.data`` / ``rerun_demo.util``, positions given
  as a *list* of 3-vectors, int64 colours from ``np.repeat``, ``log_line_segments`` of interleaved points,
  ``log_rigid3`` with a quaternion, time in seconds;
- ``multiprocessing``: ``rr.spawn(connect=False)``, then ``rr.connect()`` in the parent and in a forked child,
  both logging into one recording;
- ``api_demo`` / ``text_logging`` / ``multithreading``: the script helpers with ``--save``, a
  ``rr.log.text.LoggingHandler`` on the root logger and on a named one, clearing rects by logging ``[]``,
  ``log_point`` of a 2-element array, a lone extension component, one timeline set per thread.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
from net_support import free_port

from rerun.recording import Recording, load


def run_program(code: str, tmp_path: Path, *args: str, viewer_save: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, RERUN_STRICT="1")
    env.pop("DISPLAY", None)
    if viewer_save is not None:
        env["RERUN_VIEWER_ARGS"] = f"--headless --exit-after-idle 1 --save {viewer_save}"
    script = tmp_path / "program.py"
    script.write_text(textwrap.dedent(code))
    result = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, timeout=180, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-4000:]
    assert result.stderr == "", result.stderr[-4000:]
    return result


def wait_complete(path: Path) -> Recording:
    """The spawned viewer completes its --save file once it has been idle; wait for that (condition wait)."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if path.exists():
            recording = load(path)
            if recording.complete:
                return recording
        time.sleep(0.1)
    raise AssertionError(f"the spawned viewer did not complete {path} within 90 s")


def test_minimal_spawn_at_module_level_before_init(tmp_path):
    out = tmp_path / "viewer.rrd"
    port = free_port()
    run_program(
        f"""
        import numpy as np
        import rerun as rr

        rr.spawn(port={port})
        positions = np.vstack([xyz.ravel() for xyz in np.mgrid[3 * [slice(-5, 5, 10j)]]]).T
        colors = np.vstack([rgb.ravel() for rgb in np.mgrid[3 * [slice(0, 255, 10j)]]]).astype(np.uint8).T
        rr.log_points("my_points", positions=positions, colors=colors)
        """,
        tmp_path,
        viewer_save=out,
    )
    recording = wait_complete(out)
    assert recording.application_id == "unknown_app_id"  # 0.4.0's id when nothing called rr.init
    assert recording.entity_paths == ["my_points"]
    points = np.asarray(recording.table("my_points").column("rerun.point3d")[0].as_py())
    grid = np.linspace(-5, 5, 10)
    assert points.shape == (1000, 3)
    np.testing.assert_allclose(points[:3], [[-5, -5, grid[0]], [-5, -5, grid[1]], [-5, -5, grid[2]]], atol=1e-6)


def test_dna_rerun_demo_data_spawned_viewer_and_rigid3(tmp_path):
    out = tmp_path / "viewer.rrd"
    port = free_port()
    run_program(
        f"""
        from math import tau

        import numpy as np
        import rerun as rr
        from rerun_demo.data import build_color_spiral
        from rerun_demo.util import bounce_lerp, interleave

        rr.init("DNA Abacus")
        rr.spawn(port={port})
        rr.set_time_seconds("stable_time", 0)
        left, left_colors = build_color_spiral(20)
        right, right_colors = build_color_spiral(20, angular_offset=tau * 0.5)
        rr.log_points("dna/structure/left", left, colors=left_colors, radii=0.08)
        rr.log_points("dna/structure/right", right, colors=right_colors, radii=0.08)
        rr.log_line_segments("dna/structure/scaffolding", interleave(left, right), color=[128, 128, 128])
        offsets = np.linspace(0, 1, 20, endpoint=False)
        for i in range(5):
            t = i * 0.25
            rr.set_time_seconds("stable_time", t)
            beads = [bounce_lerp(left[n], right[n], t + offsets[n]) for n in range(20)]  # a list of 3-vectors
            shades = [[int(bounce_lerp(80, 230, (t + offsets[n]) * 2))] for n in range(20)]
            rr.log_points("dna/structure/scaffolding/beads", beads, radii=0.06, colors=np.repeat(shades, 3, axis=-1))
            angle = t / 4.0 * tau
            rr.log_rigid3("dna/structure", parent_from_child=([0, 0, 0], [0.0, 0.0, np.sin(angle / 2), np.cos(angle / 2)]))
        """,
        tmp_path,
        viewer_save=out,
    )
    recording = wait_complete(out)
    assert recording.application_id == "DNA Abacus"
    assert recording.entity_paths == [
        "dna/structure", "dna/structure/left", "dna/structure/right", "dna/structure/scaffolding",
        "dna/structure/scaffolding/beads",
    ]  # fmt: skip
    from rerun_demo.data import build_color_spiral
    from rerun_demo.util import bounce_lerp

    left, _ = build_color_spiral(20)
    right, _ = build_color_spiral(20, angular_offset=np.pi)
    beads = recording.table("dna/structure/scaffolding/beads")
    assert beads.num_rows == 5
    last = np.asarray(beads.column("rerun.point3d")[4].as_py())
    offsets = np.linspace(0, 1, 20, endpoint=False)
    expected = [bounce_lerp(left[n], right[n], 1.0 + offsets[n]) for n in range(20)]
    np.testing.assert_allclose(last, expected, atol=1e-5)
    colours = np.asarray(beads.column("rerun.colorrgba")[4].as_py())
    assert (colours[:, 0] == colours[:, 1]).all() and (colours[:, 3] == 255).all()  # grey, from int64 input
    segments = recording.table("dna/structure/scaffolding").column("rerun.linestrip3d")[0].as_py()
    assert len(segments) == 20
    np.testing.assert_allclose(segments[3], [left[3], right[3]], atol=1e-5)
    rotation = recording.table("dna/structure").column("rerun.transform")[4].as_py()[0]["rotation"]
    np.testing.assert_allclose(rotation, [0, 0, np.sin(np.pi / 4), np.cos(np.pi / 4)], atol=1e-6)  # t = 1: a quarter turn


def test_multiprocessing_spawn_without_connect_then_connect_from_parent_and_forked_child(tmp_path):
    out = tmp_path / "viewer.rrd"
    port = free_port()
    result = run_program(
        f"""
        import multiprocessing
        import os

        import rerun as rr


        def task(title):
            rr.connect("127.0.0.1:{port}")
            rr.log_text_entry("log", text=f"pid={{os.getpid()}} recording={{rr.get_recording_id()}}")
            rr.log_rect(title, [10, 20, 30, 40], label=title)


        if __name__ == "__main__":
            multiprocessing.set_start_method("fork")
            rr.init("multiprocessing")
            rr.spawn(port={port}, connect=False)
            task("main_task")
            child = multiprocessing.Process(target=task, args=("child_task",))
            child.start()
            child.join()
            assert child.exitcode == 0
            print(rr.get_recording_id())
        """,
        tmp_path,
        viewer_save=out,
    )
    recording = wait_complete(out)
    assert recording.recording_id == result.stdout.splitlines()[0]  # (the headless viewer prints its counts after)
    assert recording.entity_paths == ["child_task", "log", "main_task"]
    texts = [cell[0]["body"] for cell in recording.table("log").column("rerun.text_entry").to_pylist()]
    assert len(texts) == 2 and len({t.split()[0] for t in texts}) == 2  # two processes
    assert all(t.endswith(f"recording={recording.recording_id}") for t in texts)  # one recording id
    for title in ("main_task", "child_task"):
        table = recording.table(title)
        assert table.column("rerun.label").to_pylist() == [[title]]
        assert table.column("rerun.rect2d").to_pylist() == [[{"format": "XYWH", "rect": [10.0, 20.0, 30.0, 40.0]}]]


def test_script_helpers_logging_handlers_clears_and_threads_with_save(tmp_path):
    out = tmp_path / "out.rrd"
    run_program(
        """
        import argparse
        import logging
        import threading

        import numpy as np
        import rerun as rr

        parser = argparse.ArgumentParser(description="patterns of the 0.4.0 api_demo, text_logging, multithreading")
        rr.script_add_args(parser)
        args = parser.parse_args()
        rr.script_setup(args, "patterns")

        logging.getLogger().addHandler(rr.log.text.LoggingHandler())
        logging.getLogger().setLevel(-1)
        logging.info("through the root logger")
        other = logging.getLogger("a.b")
        other.addHandler(rr.log.text.LoggingHandler("3rd_party_logs"))
        other.warning("through a named logger")
        rr.log_text_entry("logs", "plain", level=rr.LogLevel.WARN)

        rr.set_time_seconds("sim_time", 0)
        rr.log_rects("rects", np.array([[0, 0, 10, 10], [5, 5, 10, 10]]), colors=np.array([[255, 0, 0], [0, 255, 0]]))
        rr.set_time_seconds("sim_time", 1)
        rr.log_rects("rects", [])  # how the api_demo clears its rects
        rr.log_point("ext/point", np.array([64, 64]), color=(255, 0, 0))
        rr.log_extension_components("ext/point", {"confidence": 0.9})

        def rect_logger(path, color):
            for frame in range(20):
                rr.set_time_sequence("frame", frame)
                rects = np.hstack((np.full((5, 2), frame), np.ones((5, 2))))
                rr.log_rects(path, rects, colors=color, rect_format=rr.RectFormat.XYWH)

        threads = [threading.Thread(target=rect_logger, args=(f"thread/{i}", np.random.rand(3))) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        rr.script_teardown(args)
        """,
        tmp_path,
        "--save",
        str(out),
    )
    recording = load(out)
    assert recording.complete and recording.warnings == []
    assert recording.application_id == "patterns"
    # A LoggingHandler logs under the logger's name, dots as slashes ("root" for the root logger), below its
    # prefix if it has one; the named logger's record also propagates to the root logger's handler.
    assert recording.entity_paths == [
        "3rd_party_logs/a/b", "a/b", "ext/point", "logs", "rects", "root", "thread/0", "thread/1", "thread/2", "thread/3",
    ]  # fmt: skip
    entries = lambda path: recording.table(path).column("rerun.text_entry").to_pylist()  # noqa: E731
    assert entries("root") == [[{"body": "through the root logger", "level": "INFO"}]]
    assert entries("3rd_party_logs/a/b") == entries("a/b") == [[{"body": "through a named logger", "level": "WARN"}]]
    assert entries("logs") == [[{"body": "plain", "level": "WARN"}]]
    rects = recording.table("rects").column("rerun.rect2d").to_pylist()
    assert [len(cell) for cell in rects] == [2, 0]  # the second row clears them
    point = recording.table("ext/point")
    assert point.column("rerun.point2d").to_pylist()[0] == [[64.0, 64.0]]
    assert point.column("ext.confidence").to_pylist()[-1] == [0.9]
    for i in range(4):
        frames = recording.table(f"thread/{i}").column("frame").to_pylist()
        assert frames == list(range(20))  # each thread's own time
