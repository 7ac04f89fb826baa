"""Transforms: pinhole, rigid3 (inversion), view coordinates, unknown transform."""

import numpy as np
import pytest

import rerun as rr
from rerun import components as C

from _log_roundtrip import recorded

AXIS_CODE = {"U": 1, "D": 2, "R": 3, "L": 4, "F": 5, "B": 6}


def quat_rotate(q, v):
    """Rotate v by unit quaternion q = (x, y, z, w) through the rotation matrix."""
    x, y, z, w = q
    matrix = np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )
    return matrix @ np.asarray(v, float)


def test_pinhole_is_stored_row_major_with_resolution(tmp_path):
    intrinsics = np.array([[100.0, 0, 50], [0, 110, 40], [0, 0, 1]])
    with recorded(tmp_path) as rec:
        rr.log_pinhole("world/cam/image", child_from_parent=intrinsics, width=100, height=80)
    (transform,) = rec.cells("world/cam/image", C.TRANSFORM)[0]
    assert transform["kind"] == "pinhole"
    assert transform["image_from_cam"] == intrinsics.reshape(9).tolist()
    assert transform["resolution"] == [100.0, 80.0]


def test_rigid3_parent_from_child_is_stored_as_given(tmp_path):
    translation, rotation = [1.0, 2.0, 3.0], [0.0, 0.0, np.sin(0.25), np.cos(0.25)]
    with recorded(tmp_path) as rec:
        rr.log_rigid3("world/robot", parent_from_child=(translation, rotation), xyz="FLU")
    table = rec.table("world/robot")
    (transform,) = table.column(C.TRANSFORM).to_pylist()[0]
    assert transform["kind"] == "rigid3"
    np.testing.assert_allclose(transform["translation"], translation, rtol=1e-6)
    np.testing.assert_allclose(transform["rotation"], rotation, rtol=1e-6)
    assert table.column(C.VIEW_COORDINATES).to_pylist()[0] == [bytes([5, 4, 1])]


def test_rigid3_child_from_parent_is_inverted(tmp_path):
    angle = 0.7
    q = np.array([np.sin(angle / 2), 0.0, 0.0, np.cos(angle / 2)])  # about +X
    t = np.array([1.0, -2.0, 0.5])
    with recorded(tmp_path) as rec:
        rr.log_rigid3("child", child_from_parent=(t, q))
    (transform,) = rec.cells("child", C.TRANSFORM)[0]
    stored_t, stored_q = np.array(transform["translation"]), np.array(transform["rotation"])
    # composing the stored parent_from_child with the given child_from_parent is the identity
    point = np.array([0.3, 0.2, -1.0])
    in_child = quat_rotate(q, point) + t
    back = quat_rotate(stored_q, in_child) + stored_t
    np.testing.assert_allclose(back, point, atol=1e-5)


def test_rigid3_identity_rotation_negates_translation(tmp_path):
    with recorded(tmp_path) as rec:
        rr.log_rigid3("c", child_from_parent=([1, 2, 3], [0, 0, 0, 1]))
    (transform,) = rec.cells("c", C.TRANSFORM)[0]
    assert transform["translation"] == [-1.0, -2.0, -3.0]
    assert transform["rotation"] == [0.0, 0.0, 0.0, 1.0]


@pytest.mark.parametrize(
    "up, right_handed, expected",
    [
        ("+X", True, "URF"), ("+X", False, "URB"), ("-X", True, "DRB"), ("-X", False, "DRF"),
        ("+Y", True, "RUB"), ("+Y", False, "RUF"), ("-Y", True, "RDF"), ("-Y", False, "RDB"),
        ("+Z", True, "RFU"), ("+Z", False, "RBU"), ("-Z", True, "RBD"), ("-Z", False, "RFD"),
    ],
)  # fmt: skip
def test_up_axis_maps_to_the_040_view_coordinates(tmp_path, up, right_handed, expected):
    with recorded(tmp_path) as rec:
        rr.log_view_coordinates("/", up=up, right_handed=right_handed)
    assert rec.cells("/", C.VIEW_COORDINATES) == [[bytes(AXIS_CODE[c] for c in expected)]]


def test_xyz_view_coordinates_and_unknown_transform(tmp_path):
    with recorded(tmp_path) as rec:
        rr.log_view_coordinates("cam", xyz="RDF", right_handed=True, timeless=True)
        rr.log_unknown_transform("detached")
    assert rec.cells("cam", C.VIEW_COORDINATES) == [[bytes([3, 2, 5])]]
    cam = rec.table("cam")  # timeless: null on every timeline, log_time included
    assert all(cam.column(name).null_count == 1 for name in cam.column_names if name != C.VIEW_COORDINATES)
    (transform,) = rec.cells("detached", C.TRANSFORM)[0]
    assert transform["kind"] == "unknown" and transform["rotation"] is None


def test_xyz_and_up_together_warn_and_use_xyz(tmp_path, caplog):
    with recorded(tmp_path) as rec:
        rr.log_view_coordinates("cam", xyz="RUB", up="+Z")
    assert rec.cells("cam", C.VIEW_COORDINATES) == [[bytes([3, 1, 6])]]
    assert any("'up' is ignored" in r.getMessage() for r in caplog.records)
