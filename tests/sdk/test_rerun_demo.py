"""``rerun_demo``: the demo data package Rerun 0.4.0 shipped beside ``rerun`` (the dna example imports it).

Results are compared with what rerun-sdk 0.4.0's own ``rerun_demo`` returned for the same calls
(tests/fixtures/rerun_demo_v040/reference.npz, written by make_reference.py with the reference SDK).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from net_support import free_port

from rerun.recording import load

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "rerun_demo_v040"


def reference_module():
    spec = importlib.util.spec_from_file_location("make_reference", FIXTURE / "make_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_results_equal_those_of_rerun_demo_0_4_0():
    from rerun_demo import data, turbo, util

    expected = np.load(FIXTURE / "reference.npz")
    got = reference_module().results(data, util, turbo)
    assert sorted(got) == sorted(expected.files)
    for name in expected.files:
        assert got[name].dtype == expected[name].dtype, name
        np.testing.assert_array_equal(got[name], expected[name], err_msg=name)


def test_color_grid_points_and_colours():
    from rerun_demo.data import ColorGrid, build_color_grid, color_grid

    assert isinstance(color_grid, ColorGrid)
    assert color_grid.positions.shape == (1000, 3) and color_grid.colors.shape == (1000, 3)
    assert color_grid.colors.dtype == np.uint8
    assert color_grid.positions.min() == -10 and color_grid.positions.max() == 10
    # Colours follow the grid: red with x, green with y, blue with z.
    for axis in range(3):
        order = np.argsort(color_grid.positions[:, axis], kind="stable")
        assert np.all(np.diff(color_grid.colors[order, axis].astype(int)) >= 0)
    twisted = build_color_grid(3, 3, 2, twist=np.pi / 2)
    top = twisted.positions[1::2]  # z varies fastest: odd rows are the top layer
    bottom = twisted.positions[0::2]
    straight = build_color_grid(3, 3, 2).positions
    # top layer turned +45 degrees about +Z, bottom layer -45 degrees
    c = np.cos(np.pi / 4)
    turn = lambda p, s: np.stack([c * p[:, 0] - s * c * p[:, 1], s * c * p[:, 0] + c * p[:, 1], p[:, 2]], axis=1)  # noqa: E731
    np.testing.assert_allclose(top, turn(straight[1::2], 1), atol=1e-12)
    np.testing.assert_allclose(bottom, turn(straight[0::2], -1), atol=1e-12)


def test_rect_pyramid_and_color_spiral():
    import rerun as rr
    from rerun_demo.data import build_color_spiral, build_rect_pyramid, rect_pyramid
    from rerun_demo.turbo import turbo_colormap_data

    assert rect_pyramid.format is rr.RectFormat.XCYCWH
    assert rect_pyramid.rects.shape == (20, 4)
    np.testing.assert_allclose(rect_pyramid.rects[:, 2], np.arange(1, 21) * 5.0)
    np.testing.assert_array_equal(rect_pyramid.colors[[0, -1]], turbo_colormap_data[[0, -1]])
    pyramid = build_rect_pyramid(4, width=8, height=6)
    np.testing.assert_allclose(pyramid.rects, [[0, 0, 2, 1.2], [0, 2, 4, 1.2], [0, 4, 6, 1.2], [0, 6, 8, 1.2]])
    spiral = build_color_spiral(51, radius=3, angular_step=0.02, z_step=0.5)
    np.testing.assert_allclose(np.linalg.norm(spiral.positions[:, :2], axis=1), 3.0)
    np.testing.assert_allclose(spiral.positions[[0, 25, 50]], [[0, 3, 0], [0, -3, 12.5], [0, 3, 25]], atol=1e-12)


def test_util_helpers():
    from rerun_demo.util import bounce_lerp, interleave

    assert [bounce_lerp(0.0, 10.0, t) for t in (0, 0.25, 1, 1.25, 2, 2.5)] == [0.0, 2.5, 10.0, 7.5, 0.0, 5.0]
    np.testing.assert_array_equal(bounce_lerp(np.array([0.0, 4.0]), np.array([2.0, 0.0]), 0.5), [1.0, 2.0])
    a = np.array([[1, 1], [2, 2]])
    assert interleave(a, -a).tolist() == [[1, 1], [-1, -1], [2, 2], [-2, -2]]


def test_logging_the_demo_data_works(tmp_path):
    """The 0.4.0 package docstring's example, and the other two objects, log without a warning."""
    import rerun as rr
    from _log_roundtrip import recorded
    from rerun_demo.data import color_grid, color_spiral, rect_pyramid

    with recorded(tmp_path, strict=True) as rec:
        rr.log_points("my_points", color_grid.positions, colors=color_grid.colors)
        rr.log_rects("pyramid", rect_pyramid.rects, rect_format=rect_pyramid.format, colors=rect_pyramid.colors)
        rr.log_points("spiral", color_spiral.positions, colors=color_spiral.colors)
    assert np.asarray(rec.cells("my_points", "rerun.colorrgba")[0])[:, :3].tolist() == color_grid.colors.tolist()
    assert len(rec.cells("pyramid", "rerun.rect2d")[0]) == 20
    assert len(rec.cells("spiral", "rerun.point3d")[0]) == 100


def run_demo(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rerun_demo", *args], capture_output=True, text=True, timeout=120, env=env)


def check_cube(path: Path) -> None:
    from rerun_demo.data import build_color_grid

    recording = load(path)
    assert recording.complete and recording.warnings == []
    assert recording.application_id == "Cube"
    table = recording.table("cube")
    assert table.num_rows == 100
    assert table.column("step").to_pylist() == list(range(100))
    first = np.asarray(table.column("rerun.point3d")[0].as_py())
    np.testing.assert_allclose(first, build_color_grid().positions, atol=1e-5)  # twist 0 at step 0
    twist = (np.pi / 4) * np.sin(2 * np.pi * 25 / 99)  # one sine period over the 100 steps
    quarter = np.asarray(table.column("rerun.point3d")[25].as_py())
    np.testing.assert_allclose(quarter, build_color_grid(twist=twist).positions, atol=1e-5)
    assert table.column("rerun.radius")[0].as_py() == [0.5]


def test_python_m_rerun_demo_cube_saves_the_twisting_cube(tmp_path):
    out = tmp_path / "cube.rrd"
    result = run_demo("--cube", "--save", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr == ""
    check_cube(out)


def test_python_m_rerun_demo_streams_to_a_spawned_viewer(tmp_path):
    """No argument: ``--cube`` through ``rr.spawn()``; the spawned (headless) viewer records what it gets."""
    out = tmp_path / "viewer.rrd"
    env = dict(os.environ, RERUN_VIEWER_ARGS=f"--headless --exit-after-idle 1 --save {out}")
    env.pop("DISPLAY", None)
    result = run_demo("--port", str(free_port()), env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr and "warn" not in result.stderr.lower()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (out.exists() and load(out).complete):
        time.sleep(0.1)  # condition wait: the viewer completes its file once idle
    check_cube(out)


def test_python_m_rerun_demo_colmap_says_there_is_no_bundled_recording():
    result = run_demo("--colmap")
    assert result.returncode == 1
    assert "bundles no COLMAP recording" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["--cube", "--colmap"], ["--bogus"]])
def test_python_m_rerun_demo_bad_arguments(args):
    result = run_demo(*args)
    assert result.returncode == 2 and "usage: python -m rerun_demo" in result.stderr
