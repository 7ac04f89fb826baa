"""Rectangles, line strips and segments, arrows and oriented boxes, as logged."""

import numpy as np
import pytest

import rerun as rr
from rerun import components as C

from _log_roundtrip import recorded


def test_rect_in_every_format_is_stored_as_given(tmp_path):
    with recorded(tmp_path) as rec:
        for fmt in rr.RectFormat:
            rr.log_rect(f"rects/{fmt.name}", [1, 2, 3, 4], rect_format=fmt, label="", class_id=0)
        rr.log_rect("rects/str", [0, 0, 0, 0], rect_format="xcycwh", color=np.array([9, 8, 7]))
    for fmt in rr.RectFormat:
        assert rec.cells(f"rects/{fmt.name}", C.RECT2D) == [[{"format": fmt.value, "rect": [1.0, 2.0, 3.0, 4.0]}]]
        assert rec.cells(f"rects/{fmt.name}", C.LABEL) == [[""]]
        assert rec.cells(f"rects/{fmt.name}", C.CLASS_ID) == [[0]]
    assert rec.cells("rects/str", C.RECT2D) == [[{"format": "XCYCWH", "rect": [0.0, 0.0, 0.0, 0.0]}]]
    assert rec.cells("rects/str", C.COLOR) == [[[9, 8, 7, 255]]]


def test_rects_flat_or_nx4_with_numpy_identifiers(tmp_path):
    rects = np.arange(12, dtype=np.float32).reshape(3, 4)
    with recorded(tmp_path) as rec:
        rr.log_rects("boxes", rects, identifiers=np.array([5, 6, 7]), labels=["a", "b", "c"], class_ids=[1, 2, 3])
        rr.log_rects("flat", rects.reshape(-1), rect_format=rr.RectFormat.XYXY)
    cells = rec.cells("boxes", C.RECT2D)[0]
    assert [cell["rect"] for cell in cells] == rects.tolist()
    assert rec.cells("boxes", C.INSTANCE_KEY) == [[5, 6, 7]]
    assert rec.cells("boxes", C.LABEL) == [["a", "b", "c"]]
    assert [cell["rect"] for cell in rec.cells("flat", C.RECT2D)[0]] == rects.tolist()


def test_line_strip_2d_and_3d_with_stroke_width_as_radius(tmp_path):
    strip3 = np.random.default_rng(0).random((5, 3), dtype=np.float32)
    with recorded(tmp_path) as rec:
        rr.log_line_strip("line3", strip3, stroke_width=0.5, color=[0.5, 0.5, 0.5])
        rr.log_line_strip("line2", [[0, 0], [1, 1]], stroke_width=0)
        rr.log_line_strip("empty", np.zeros((0, 3)))
    assert rec.cells("line3", C.LINESTRIP3D) == [[strip3.tolist()]]
    assert rec.cells("line3", C.RADIUS) == [[0.25]]
    assert rec.cells("line3", C.COLOR) == [[[188, 188, 188, 255]]]
    assert rec.cells("line2", C.LINESTRIP2D) == [[[[0.0, 0.0], [1.0, 1.0]]]]
    assert rec.cells("line2", C.RADIUS) == [[0.0]]
    assert rec.cells("empty", C.LINESTRIP3D) == [[[]]]


def test_line_segments_pair_up_points(tmp_path):
    points = np.arange(24, dtype=np.float32).reshape(8, 3)
    with recorded(tmp_path) as rec:
        rr.log_line_segments("segments", points, stroke_width=2.0, color=(1, 2, 3))
    strips = rec.cells("segments", C.LINESTRIP3D)[0]
    assert strips == [points[i : i + 2].tolist() for i in range(0, 8, 2)]
    assert rec.cells("segments", C.RADIUS) == [[1.0]]
    assert rec.cells("segments", C.COLOR) == [[[1, 2, 3, 255]]]


def test_log_path_is_a_deprecated_line_strip(tmp_path):
    with recorded(tmp_path) as rec:
        with pytest.warns(DeprecationWarning, match="log_line_strip"):
            rr.log_path("path", [[0, 0, 0], [1, 2, 3]])
    assert rec.cells("path", C.LINESTRIP3D) == [[[[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]]]]


def test_arrow_with_width_scale_as_radius(tmp_path):
    with recorded(tmp_path) as rec:
        rr.log_arrow("arrow", [1, 2, 3], [0, 0, 4], color=np.array([255, 0, 0]), label="up", width_scale=0.2)
        rr.log_arrow("nothing", None)
    assert rec.cells("arrow", C.ARROW3D) == [[{"origin": [1.0, 2.0, 3.0], "vector": [0.0, 0.0, 4.0]}]]
    assert rec.cells("arrow", C.RADIUS) == [[pytest.approx(0.1)]]
    assert rec.cells("arrow", C.LABEL) == [["up"]]
    assert not rec.has("nothing")


def test_obb_positional_arguments_as_in_040(tmp_path):
    with recorded(tmp_path) as rec:
        rr.log_obb("box", [1, 2, 3], [4, 5, 6], [0, 0, 0, 1], [255, 255, 0], 0.0, "crate", 0)
    assert rec.cells("box", C.BOX3D) == [[[1.0, 2.0, 3.0]]]
    assert rec.cells("box", C.VEC3D) == [[[4.0, 5.0, 6.0]]]
    assert rec.cells("box", C.QUATERNION) == [[[0.0, 0.0, 0.0, 1.0]]]
    assert rec.cells("box", C.COLOR) == [[[255, 255, 0, 255]]]
    assert rec.cells("box", C.RADIUS) == [[0.0]]
    assert rec.cells("box", C.LABEL) == [["crate"]]
    assert rec.cells("box", C.CLASS_ID) == [[0]]
