"""Smoke tests of the examples: each runs as a real subprocess with ``--save`` (strict mode, no display), and
what it recorded is read back with ``rerun.recording.load`` and checked against what the example claims to show.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from rerun.recording import load
from rerun.wire.frames import FrameKind, iter_frames

from _example_runs import (EXAMPLES, HeadlessViewer, columns, example_env, free_port, is_timeless, run_example,
                           run_script, tensor_of)

NS = 1_000_000_000
SYNTHETIC_EXAMPLES = ["minimal", "dna", "car", "clock", "plots", "api_demo", "text_logging", "multithreading",
                      "multiprocessing", "rerun_demo"]



@pytest.fixture
def headless_viewer(tmp_path):
    """A started headless viewer, killed after the test whatever happens.

    (Here, not in a conftest.py: a second ``conftest`` module would shadow tests/conftest.py for the test
    modules that do ``from conftest import ...``.)
    """
    viewer = HeadlessViewer(tmp_path)
    try:
        yield viewer
    finally:
        viewer.kill()

def points_of(cell: list) -> np.ndarray:
    return np.array(cell, dtype=np.float64)


def test_readme_lists_every_example():
    readme = (EXAMPLES / "README.md").read_text()
    on_disk = sorted(p.parent.name for p in EXAMPLES.glob("*/main.py"))
    assert on_disk == sorted(SYNTHETIC_EXAMPLES + ["depth_stream"])
    for name in on_disk:
        assert f"| `{name}/` |" in readme, f"examples/README.md does not list {name}"


@pytest.mark.parametrize("name", SYNTHETIC_EXAMPLES)
def test_example_runs_headless_at_its_default_size(tmp_path, name):
    """``--headless``: no viewer, no file; with its default sizes the example still runs cleanly (strict mode)."""
    run_script(name, *(["--cube"] if name == "rerun_demo" else []), "--headless", cwd=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_minimal_logs_a_grid_coloured_by_position(tmp_path):
    recording, _ = run_example("minimal", tmp_path, "--size", "4")
    grid = columns(recording, "my_points")
    positions = points_of(grid["rerun.point3d"][0])
    assert positions.shape == (4**3, 3)
    for axis in range(3):
        assert sorted(set(positions[:, axis])) == pytest.approx(np.linspace(-5, 5, 4))
    colors = np.array(grid["rerun.colorrgba"][0])
    expected = np.round((positions + 5) / 10 * 255)
    np.testing.assert_array_equal(colors[:, :3], expected)
    assert grid["rerun.radius"] == [[0.5]]


def test_dna_helix_strands_rungs_beads_and_spin(tmp_path):
    points, radius, steps, fps = 40, 1.5, 12, 30.0
    recording, _ = run_example("dna", tmp_path, "--points", str(points), "--radius", str(radius),
                               "--steps", str(steps), "--fps", str(fps))
    left = points_of(columns(recording, "dna/structure/left")["rerun.point3d"][0])
    right = points_of(columns(recording, "dna/structure/right")["rerun.point3d"][0])
    for strand in (left, right):
        assert strand.shape == (points, 3)
        np.testing.assert_allclose(np.hypot(strand[:, 0], strand[:, 1]), radius, rtol=1e-5)
    np.testing.assert_allclose(right[:, :2], -left[:, :2], atol=1e-5)  # the strands face each other
    np.testing.assert_allclose(right[:, 2], left[:, 2])

    strips = columns(recording, "dna/structure/scaffolding")["rerun.linestrip3d"][0]
    rungs = np.array(strips, dtype=np.float64)  # (n, 2, 3): one 2-point strip per rung
    assert rungs.shape[1:] == (2, 3) and len(rungs) > 1
    for start, end in rungs:
        assert np.min(np.linalg.norm(left - start, axis=1)) < 1e-5
        assert np.min(np.linalg.norm(right - end, axis=1)) < 1e-5

    beads = columns(recording, "dna/structure/scaffolding/beads")
    assert beads["stable_time"] == [round(step / fps * NS) for step in range(steps)]
    for cell in beads["rerun.point3d"]:
        bead = points_of(cell)
        assert bead.shape == (len(rungs), 3)
        along = rungs[:, 1] - rungs[:, 0]
        s = np.einsum("ij,ij->i", bead - rungs[:, 0], along) / np.einsum("ij,ij->i", along, along)
        assert np.all((s > -1e-4) & (s < 1 + 1e-4))  # each bead between the ends of its rung ...
        np.testing.assert_allclose(rungs[:, 0] + s[:, None] * along, bead, atol=1e-4)  # ... and on it

    spin = columns(recording, "dna/structure")
    assert spin["stable_time"] == beads["stable_time"]
    quats = np.array([cell[0]["rotation"] for cell in spin["rerun.transform"]])
    assert all(cell[0]["kind"] == "rigid3" for cell in spin["rerun.transform"])
    np.testing.assert_allclose(quats[:, :2], 0.0, atol=1e-7)  # about +Z only
    np.testing.assert_allclose(np.linalg.norm(quats, axis=1), 1.0, rtol=1e-6)
    angles = 2 * np.arctan2(quats[:, 2], quats[:, 3])
    times = np.array(spin["stable_time"]) / NS
    assert np.all(np.diff(angles) > 0)  # it keeps spinning the same way, at a steady rate
    np.testing.assert_allclose(angles[1:] / times[1:], angles[1] / times[1], rtol=1e-4)


def test_car_depth_image_agrees_with_camera_pinhole_and_car(tmp_path):
    width, height = 96, 64
    recording, _ = run_example("car", tmp_path, "--resolution", f"{width}x{height}")
    frames = list(range(40))
    camera = columns(recording, "world/camera")
    pinhole = columns(recording, "world/camera/image")
    rgb = columns(recording, "world/camera/image/rgb")
    depth = columns(recording, "world/camera/image/depth")
    bbox = columns(recording, "world/camera/image/car_bbox")
    car = columns(recording, "world/car")
    for table in (camera, pinhole, rgb, depth, bbox, car):
        assert table["frame_nr"] == frames

    assert camera["rerun.view_coordinates"][0] == [b"\x03\x02\x05"]  # RDF
    for i in frames:
        cam = camera["rerun.transform"][i][0]
        pin = pinhole["rerun.transform"][i][0]
        assert cam["kind"] == "rigid3" and pin["kind"] == "pinhole"
        assert pin["resolution"] == [width, height]
        k = np.array(pin["image_from_cam"]).reshape(3, 3)  # row-major
        image = tensor_of(rgb["rerun.tensor"][i][0])
        assert image.shape == (height, width, 3) and image.dtype == np.uint8
        depth_cell = depth["rerun.tensor"][i][0]
        assert depth_cell["meaning"] == "depth" and depth_cell["meter"] == 1000.0
        depth_mm = tensor_of(depth_cell)
        assert depth_mm.shape == (height, width) and depth_mm.dtype == np.uint16

        # The road is the plane z=0 below the camera: the bottom row sees it at z = height * fy / (v - cy).
        camera_height = cam["translation"][2]
        v = height - 1
        expected_road_mm = 1000 * camera_height * k[1, 1] / (v + 0.5 - k[1, 2])
        assert depth_mm[v, 0] == pytest.approx(expected_road_mm, abs=1)

        # The car's rear face is the plane at its distance ahead; the 2D box frames it.
        half = np.array(car["rerun.box3d"][i][0])
        centre = np.array(car["rerun.vec3d"][i][0])
        gap = centre[1] - half[1] - cam["translation"][1]
        rect = bbox["rerun.rect2d"][i][0]
        assert rect["format"] == "XYXY"
        u0, v0, u1, v1 = rect["rect"]
        assert u1 - u0 == pytest.approx(k[0, 0] * 2 * half[0] / gap, rel=1e-4)
        assert v1 - v0 == pytest.approx(k[1, 1] * 2 * half[2] / gap, rel=1e-4)
        inside = depth_mm[int(v0) + 1:int(v1), int(u0) + 1:int(u1)]
        assert inside.size > 0
        np.testing.assert_allclose(inside, 1000 * gap, atol=1)
        assert bbox["rerun.label"][i] == ["car"]


def test_car_streams_to_a_live_viewer_what_it_saves_to_a_file(tmp_path, headless_viewer):
    """The same run over ``--connect`` (a real viewer process, shared-memory ring) and ``--save``."""
    frames, size = 10, ["--resolution", "96x64"]
    saved, _ = run_example("car", tmp_path, "--frames", str(frames), *size)
    run_script("car", "--frames", str(frames), *size, "--connect", "--addr", headless_viewer.addr, cwd=tmp_path)
    live = headless_viewer.stop()
    assert live.entity_paths == saved.entity_paths
    assert live.recording_id != saved.recording_id  # two runs, two recordings
    for path in ("world/camera/image/rgb", "world/camera/image/depth"):
        from_file, from_viewer = columns(saved, path), columns(live, path)
        assert from_viewer["frame_nr"] == from_file["frame_nr"] == list(range(frames))
        for a, b in zip(from_file["rerun.tensor"], from_viewer["rerun.tensor"]):
            assert (a[0]["meaning"], a[0]["meter"]) == (b[0]["meaning"], b[0]["meter"])
            np.testing.assert_array_equal(tensor_of(a[0]), tensor_of(b[0]))
    assert columns(live, "world/car")["rerun.vec3d"] == columns(saved, "world/car")["rerun.vec3d"]


def test_clock_hands_point_at_the_time(tmp_path):
    steps, step_seconds = 30, 7.0
    recording, _ = run_example("clock", tmp_path, "--steps", str(steps), "--step-seconds", str(step_seconds))
    lengths = {}
    for hand, period in (("seconds", 60.0), ("minutes", 3600.0), ("hours", 43200.0)):
        arrows = columns(recording, f"world/{hand}_hand")
        tips = columns(recording, f"world/{hand}_pt")
        assert arrows["sim_time"] == [round(i * step_seconds * NS) for i in range(steps)]
        for t_ns, arrow, tip in zip(arrows["sim_time"], arrows["rerun.arrow3d"], tips["rerun.point3d"]):
            origin, vector = np.array(arrow[0]["origin"]), np.array(arrow[0]["vector"])
            np.testing.assert_array_equal(origin, 0.0)
            np.testing.assert_allclose(tip[0], vector, atol=1e-6)
            angle = math.atan2(vector[0], vector[1]) % (2 * math.pi)  # clockwise from 12 o'clock
            expected = 2 * math.pi * ((t_ns / NS) % period) / period
            wrapped = (angle - expected + math.pi) % (2 * math.pi) - math.pi  # 359.99° is 0°
            assert abs(wrapped) < 1e-4
            lengths.setdefault(hand, set()).add(round(float(np.linalg.norm(vector)), 4))
    assert all(len(v) == 1 for v in lengths.values())  # each hand keeps its length
    length = {hand: v.pop() for hand, v in lengths.items()}
    assert length["seconds"] > length["minutes"] > length["hours"]
    dial = columns(recording, "world/frame")
    assert is_timeless(recording, "world/frame") and len(dial["rerun.box3d"][0]) == 1


def test_plots_scalars_are_sin_and_cos_of_their_time(tmp_path):
    frames, period, bars = 120, 40.0, 16
    recording, _ = run_example("plots", tmp_path, "--frames", str(frames), "--period", str(period), "--bars", str(bars))
    for name, function in (("trig/sin", np.sin), ("trig/cos", np.cos)):
        series = columns(recording, name)
        assert series["frame_nr"] == list(range(frames))
        values = np.array([cell[0] for cell in series["rerun.scalar"]])
        np.testing.assert_allclose(values, function(2 * np.pi * np.arange(frames) / period), atol=1e-12)
        assert set(label for cell in series["rerun.label"] for label in cell) == {f"{name[5:]}(t)"}

    scatter = columns(recording, "scatter/samples")
    assert len(scatter["frame_nr"]) == frames // 2
    assert all(cell == [{"scattered": True}] for cell in scatter["rerun.scalar_plot_props"])

    parabola = columns(recording, "parabola")
    values = np.array([cell[0] for cell in parabola["rerun.scalar"]])
    colors = [tuple(cell[0]) for cell in parabola["rerun.colorrgba"]]
    assert (values < 0).any() and (values >= 0).any()
    assert {c for c, v in zip(colors, values) if v < 0}.isdisjoint({c for c, v in zip(colors, values) if v >= 0})

    chart = tensor_of(columns(recording, "bar_chart")["rerun.tensor"][0][0])
    assert chart.shape == (bars,)
    np.testing.assert_allclose(chart, chart[::-1])  # a symmetric bell
    assert chart.argmax() in (bars // 2 - 1, bars // 2) and chart.min() < 0.05 * chart.max()


def test_api_demo_segmentation_matches_its_annotation_context(tmp_path):
    recording, _ = run_example("api_demo", tmp_path)
    context = columns(recording, "seg_demo")["rerun.annotation_context"][0]
    labels = {entry["class_id"]: entry["label"] for entry in context}
    assert len(labels) == 3 and all(labels.values())

    image_cell = columns(recording, "seg_demo/img")["rerun.tensor"][0][0]
    assert image_cell["meaning"] == "class_id"
    image = tensor_of(image_cell)
    assert set(np.unique(image)) - {0} == set(labels)  # every class of the image has a label, and v.v.

    rects = columns(recording, "seg_demo/rects")
    class_ids = rects["rerun.class_id"][0]
    assert sorted(class_ids) == sorted(labels)
    centres = np.array(columns(recording, "seg_demo/centres")["rerun.point2d"][0])
    for rect, class_id, centre in zip(rects["rerun.rect2d"][0], class_ids, centres):
        assert rect["format"] == "XYXY"
        x0, y0, x1, y1 = rect["rect"]
        np.testing.assert_allclose(centre, [(x0 + x1) / 2, (y0 + y1) / 2])
        assert image[int(centre[1]), int(centre[0])] == class_id
    assert columns(recording, "seg_demo/centres")["rerun.class_id"][0] == class_ids


def test_api_demo_clears_extensions_mesh_text_and_view_coordinates(tmp_path):
    recording, _ = run_example("api_demo", tmp_path)
    rect_times = {columns(recording, f"null_demo/rect/{i}")["sim_time"][0] for i in range(3)}
    clears = [(c["entity_path"], c["recursive"], dict((n, v) for n, _, v in c["time_point"])["sim_time"])
              for c in recording.clears]
    expected = [("null_demo/rect/0", False), ("null_demo/rect", True)]
    assert [(path, recursive) for path, recursive, _ in clears] == expected
    assert min(t for _, _, t in clears) > max(rect_times)
    assert clears[0][2] < clears[1][2]

    point = columns(recording, "extension_components/point")
    assert point["ext.confidence"][0] == pytest.approx([0.9])
    ext_points = columns(recording, "extension_components/points")
    assert ext_points["ext.corner"][0] == ["left", "middle", "right"]
    assert len(ext_points["rerun.point2d"][0]) == 3 and ext_points["ext.training"][0] == [True]

    mesh = columns(recording, "mesh/tetrahedron")["rerun.mesh3d"][0][0]
    vertices = np.array(mesh["positions"]).reshape(-1, 3)
    indices = np.array(mesh["indices"])
    assert len(indices) % 3 == 0 and indices.max() < len(vertices)
    assert len(mesh["vertex_colors"]) == len(vertices)

    entries = columns(recording, "logs")["rerun.text_entry"]
    levels = Counter(cell[0]["level"] for cell in entries)
    assert {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL"} <= set(levels)

    assert columns(recording, "world")["rerun.view_coordinates"] == [[bytes([3, 5, 1])]]  # up="+Z": RFU
    camera = columns(recording, "world/camera")
    assert [b"\x03\x02\x05"] in camera["rerun.view_coordinates"]  # RDF
    assert "rigid3" in [cell[0]["kind"] for cell in camera["rerun.transform"] if cell]
    assert columns(recording, "world/camera/image")["rerun.transform"][0][0]["kind"] == "pinhole"


def test_api_demo_keypoints_form_a_skeleton_whose_bones_keep_their_length(tmp_path):
    recording, _ = run_example("api_demo", tmp_path, "--demo", "keypoints")
    assert is_timeless(recording, "keypoints_demo")
    (description,) = columns(recording, "keypoints_demo")["rerun.annotation_context"][0]
    keypoint_labels = {k["id"]: k["label"] for k in description["keypoint_annotations"]}
    bones = description["keypoint_connections"]
    assert bones and all(a in keypoint_labels and b in keypoint_labels for a, b in bones)

    person = columns(recording, "keypoints_demo/person")
    assert len(person["sim_time"]) > 1
    lengths = []
    for points, keypoint_ids, class_ids in zip(person["rerun.point2d"], person["rerun.keypoint_id"],
                                               person["rerun.class_id"]):
        assert class_ids == [description["class_id"]]
        assert sorted(keypoint_ids) == sorted(keypoint_labels)  # every point is a labelled keypoint
        where = {k: np.array(p) for k, p in zip(keypoint_ids, points)}
        lengths.append([np.linalg.norm(where[a] - where[b]) for a, b in bones])
    lengths = np.array(lengths)
    np.testing.assert_allclose(lengths, np.broadcast_to(lengths[0], lengths.shape), rtol=1e-5)  # limbs keep length
    first, moved = np.array(person["rerun.point2d"][0]), np.array(person["rerun.point2d"][2])
    assert np.abs(first - moved).max() > 1.0  # something waves


def test_text_logging_entries_carry_the_logged_messages_and_levels(tmp_path):
    frames = 7
    recording, proc = run_example("text_logging", tmp_path, "--frames", str(frames))
    # The example prints each record as "LEVEL logger: message" too: that is what the recording must hold.
    printed = Counter()
    for line in proc.stderr.splitlines():
        match = re.fullmatch(r"(\w+) ([\w.]+): (.*)", line)
        if match:
            level, logger, message = match.groups()
            path = "logs/" + logger.replace(".", "/")
            printed[(path, "WARN" if level == "WARNING" else level, message)] += 1
    assert len(printed) > frames
    assert {level for _, level, _ in printed} >= {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL"}

    recorded = Counter()
    for path in recording.entity_paths:
        table = columns(recording, path)
        for frame, cell in zip(table.get("frame", [None] * len(table["rerun.text_entry"])), table["rerun.text_entry"]):
            entry = cell[0]
            recorded[(path, entry["level"], entry["body"])] += 1
            number = re.match(r"frame (\d+):", entry["body"])
            if number:
                assert frame == int(number.group(1))  # logged at the frame it talks about
    direct = [key for key in recorded if key[0] == "logs/direct"]
    assert len(direct) == 1
    del recorded[direct[0]]
    assert recorded == printed


def test_multithreading_each_thread_logs_on_its_own_timeline_position(tmp_path):
    threads, frames, rects = 3, 20, 5
    recording, _ = run_example("multithreading", tmp_path, "--threads", str(threads), "--frames", str(frames),
                               "--rects", str(rects))
    assert recording.entity_paths == [f"thread/{i}" for i in range(threads)]
    colors = set()
    for i in range(threads):
        table = columns(recording, f"thread/{i}")
        assert table["frame"] == list(range(frames))
        for cell in table["rerun.rect2d"]:
            assert len(cell) == rects and all(r["format"] == "XYWH" for r in cell)
            xywh = np.array([r["rect"] for r in cell])
            assert np.all(xywh[:, 2:] > 0) and np.all(xywh[:, :2] >= 0)
        thread_colors = {tuple(c[0]) for c in table["rerun.colorrgba"]}
        assert len(thread_colors) == 1
        colors |= thread_colors
    assert len(colors) == threads


def _check_multiprocessing_recordings(recordings: list) -> None:
    """All data is in one recording, and each of the three processes logged its own text and rect."""
    recording_ids = {begin["recording_id"] for rec in recordings for begin in rec.begins}
    assert len(recording_ids) == 1
    (recording_id,) = recording_ids
    assert {rec.application_id for rec in recordings} == {"multiprocessing"}
    pids, rects = set(), set()
    for rec in recordings:
        for _, path, batch_recording_id, _ in (e for e in rec.events() if e[0] == "log"):
            assert batch_recording_id == recording_id
        for cell in columns(rec, "log")["rerun.text_entry"]:
            body = cell[0]["body"]
            assert body.endswith(f"using the rerun recording id {recording_id}")
            pids.add(re.search(r"pid=(\d+)", body).group(1))
        rects |= {p for p in rec.entity_paths if p != "log"}
    assert rects == {"main_task", "child_fork", "child_spawn"}
    assert len(pids) == 3


def test_multiprocessing_fork_and_spawn_children_share_the_recording_id(tmp_path):
    _, proc = run_example("multiprocessing", tmp_path)
    files = sorted(tmp_path.glob("multiprocessing*.rrd"))
    assert [f.name for f in files] == ["multiprocessing-child_fork.rrd", "multiprocessing-child_spawn.rrd",
                                       "multiprocessing.rrd"]
    recordings = [load(f) for f in files]
    assert all(rec.complete for rec in recordings)
    _check_multiprocessing_recordings(recordings)

    # What the README promises: the viewer opens the files together as one recording.
    stats_path = tmp_path / "stats.json"
    viewer = subprocess.run([sys.executable, "-m", "rerun_app", "--headless", "--port", str(free_port()),
                             "--exit-after-idle", "0.3", "--stats-json", str(stats_path), *map(str, files)],
                            capture_output=True, text=True, timeout=60, env=example_env())
    assert viewer.returncode == 0, viewer.stderr[-2000:]
    (store,) = json.loads(stats_path.read_text())["store"]["recordings"].values()
    expected_rows = Counter()
    for rec in recordings:
        for path in rec.entity_paths:
            expected_rows[path] += rec.num_rows(path)
    assert store["rows_per_entity"] == dict(expected_rows)


def test_multiprocessing_into_one_viewer(tmp_path, headless_viewer):
    proc = run_script("multiprocessing", "--connect", "--addr", headless_viewer.addr, cwd=tmp_path)
    recording = headless_viewer.stop()
    # A child's failure does not change the parent's exit code: show its stderr if its data is missing.
    assert {"main_task", "child_fork", "child_spawn"} <= set(recording.entity_paths), proc.stderr[-3000:]
    _check_multiprocessing_recordings([recording])


def test_multiprocessing_forked_child_leaves_the_parents_file_alone(tmp_path):
    """A forked child that opens its own sink must not close (write GOODBYE into) the file it inherited."""
    run_example("multiprocessing", tmp_path, "--start-methods", "fork")
    data = memoryview((tmp_path / "multiprocessing.rrd").read_bytes())
    kinds = [frame.kind for frame in iter_frames(data, 8, [])]
    assert kinds.count(FrameKind.GOODBYE) == 1 and kinds[-1] == FrameKind.GOODBYE


def test_rerun_demo_cube_twists_about_its_vertical_axis(tmp_path):
    steps, size = 9, 3
    recording, _ = run_example("rerun_demo", tmp_path, "--cube", "--steps", str(steps), "--size", str(size))
    cube = columns(recording, "cube")
    assert cube["step"] == list(range(steps))
    first = points_of(cube["rerun.point3d"][0])
    assert first.shape == (size**3, 3)
    axis = np.linspace(-1, 1, size)
    for k in range(3):  # step 0 is untwisted: a plain grid, coloured by position
        np.testing.assert_allclose(sorted(set(np.round(first[:, k], 6))), axis, atol=1e-6)
    np.testing.assert_array_equal(np.array(cube["rerun.colorrgba"][0])[:, :3], np.round(first * 127.5 + 127.5))
    twisted = False
    for cell in cube["rerun.point3d"][1:]:
        points = points_of(cell)
        np.testing.assert_allclose(points[:, 2], first[:, 2], atol=1e-6)  # layers stay at their height
        np.testing.assert_allclose(np.hypot(points[:, 0], points[:, 1]), np.hypot(first[:, 0], first[:, 1]), atol=1e-5)
        rotation = np.arctan2(points[:, 1], points[:, 0]) - np.arctan2(first[:, 1], first[:, 0])
        rotation = (rotation + np.pi) % (2 * np.pi) - np.pi
        off_axis = np.hypot(first[:, 0], first[:, 1]) > 1e-6
        for z in np.unique(first[:, 2]):  # one rotation per layer
            layer = off_axis & (first[:, 2] == z)
            assert np.ptp(rotation[layer]) < 1e-4
        twisted |= np.ptp(rotation[off_axis]) > 0.1
    assert twisted


def test_depth_stream_depth_matches_the_synthetic_room(tmp_path):
    width, height, frames, cloud = 160, 120, 4, 2000
    recording, proc = run_example("depth_stream", tmp_path, "--frames", str(frames), "--resolution",
                                  f"{width}x{height}", "--no-pacing", "--cloud-points", str(cloud))
    sys.path.insert(0, str(EXAMPLES / "depth_stream"))
    try:
        import synthetic_room
    finally:
        sys.path.remove(str(EXAMPLES / "depth_stream"))

    camera = columns(recording, "world/camera")
    pinhole = columns(recording, "world/camera/image")
    rgb = columns(recording, "world/camera/image/rgb")
    depth = columns(recording, "world/camera/image/depth")
    for table in (camera, pinhole, rgb, depth):
        assert table["frame"] == list(range(frames))
    fps = 30.0  # the example's default --fps
    assert depth["sim_time"] == [round(i / fps * NS) for i in range(frames)]
    for i in range(frames):
        expected_camera = synthetic_room.camera_on_orbit(i / fps, width, height)
        expected_rgb, expected_depth = synthetic_room.render(expected_camera)
        pose = camera["rerun.transform"][i][0]
        assert pose["kind"] == "rigid3"
        np.testing.assert_allclose(pose["translation"], expected_camera.position, rtol=1e-6)
        pin = pinhole["rerun.transform"][i][0]
        np.testing.assert_allclose(np.array(pin["image_from_cam"]).reshape(3, 3), expected_camera.intrinsics, rtol=1e-6)
        assert pin["resolution"] == [width, height]
        image = tensor_of(rgb["rerun.tensor"][i][0])
        assert image.shape == (height, width, 3)
        np.testing.assert_array_equal(image, expected_rgb)
        depth_cell = depth["rerun.tensor"][i][0]
        assert depth_cell["meaning"] == "depth" and depth_cell["meter"] == 1000.0
        np.testing.assert_array_equal(tensor_of(depth_cell), expected_depth)

    cloud_points = columns(recording, "world/scene_cloud")
    assert is_timeless(recording, "world/scene_cloud")
    expected_xyz, _ = synthetic_room.scene_point_cloud(cloud)
    np.testing.assert_allclose(cloud_points["rerun.point3d"][0], expected_xyz, rtol=1e-6)
    assert len(columns(recording, "world/trajectory")["rerun.linestrip3d"]) == frames


# --- the same scripts under the original rerun-sdk 0.4.0 -------------------------------------------------------

REFERENCE_PYTHON = Path(os.environ.get("RERUN_REFERENCE_PYTHON", "/work/refvenv/bin/python"))
REFERENCE_RUNS = {  # small sizes: the point is the structure of what gets recorded
    "minimal": ["--size", "3"],
    "dna": ["--points", "20", "--steps", "10"],
    "car": ["--frames", "3", "--resolution", "64x48"],
    "clock": ["--steps", "10"],
    "plots": ["--frames", "30", "--bars", "8"],
    "api_demo": [],
    "text_logging": ["--frames", "6"],
    "multithreading": ["--threads", "2", "--frames", "5", "--rects", "3"],
    "rerun_demo": ["--cube", "--steps", "5", "--size", "3"],
}
# Differences of layout, not of content: we give timeless rows a null log_time column, and splat rows
# need no explicit instance keys.
IGNORED_COLUMNS = {"log_time", "rerun.instance_key"}


def _structure(recording) -> dict:
    """entity path → (component names, {timeline: sorted distinct times}), ``log_time`` left out."""
    out = {}
    for path in recording.entity_paths:
        table = columns(recording, path)
        timelines = {name for name, _ in recording.timelines(path)} - {"log_time"}
        components = set(table) - IGNORED_COLUMNS - timelines
        times = {name: sorted({t for t in table[name] if t is not None}) for name in timelines}
        out[path] = (components, times)
    return out


@pytest.mark.skipif(not REFERENCE_PYTHON.exists(), reason=f"no rerun-sdk 0.4.0 interpreter at {REFERENCE_PYTHON} "
                                                          "(set RERUN_REFERENCE_PYTHON)")
@pytest.mark.parametrize("name", sorted(REFERENCE_RUNS))
def test_example_records_the_same_entities_under_rerun_0_4_0(tmp_path, name):
    """The examples are plain 0.4 API: run unchanged on the original SDK they record the same structure."""
    ours, _ = run_example(name, tmp_path, *REFERENCE_RUNS[name])
    reference_file = tmp_path / f"{name}-0.4.0.rrd"
    env = {k: v for k, v in example_env().items() if k != "PYTHONPATH"}
    proc = subprocess.run([str(REFERENCE_PYTHON), str(EXAMPLES / name / "main.py"), *REFERENCE_RUNS[name],
                           "--save", str(reference_file)], capture_output=True, text=True, timeout=120, env=env,
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "Ignoring rerun log call" not in proc.stderr, proc.stderr[-4000:]  # 0.4.0 warns instead of raising
    reference = load(reference_file)
    assert reference.application_id == ours.application_id
    assert _structure(ours) == _structure(reference)
