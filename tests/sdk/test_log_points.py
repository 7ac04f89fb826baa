"""log_point / log_points: round trips through a real .rrd file, the 0.4.0 bug fixes, zero copy."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import rerun as rr
from rerun import components as C
from rerun.color import linear_to_srgb_u8

from _log_roundtrip import flat_values, recorded


def test_points_3d_with_per_point_colours_radii_labels_round_trip(tmp_path):
    rng = np.random.default_rng(3)
    positions = rng.normal(size=(20, 3)).astype(np.float32)
    colors = rng.integers(0, 256, size=(20, 3), dtype=np.uint8)
    radii = rng.uniform(0, 1, size=20).astype(np.float32)
    labels = [f"p{i}" for i in range(20)]
    with recorded(tmp_path) as rec:
        rr.log_points("world/points", positions, colors=colors, radii=radii, labels=labels, identifiers=np.arange(20) * 10)
    table = rec.table("world/points")
    assert table.num_rows == 1
    assert table.column("frame").to_pylist() == [7]
    np.testing.assert_array_equal(flat_values(table, C.POINT3D), positions)
    expected_rgba = np.column_stack([colors, np.full(20, 255, np.uint8)])
    np.testing.assert_array_equal(flat_values(table, C.COLOR), expected_rgba)
    np.testing.assert_array_equal(np.array(rec.cells("world/points", C.RADIUS)[0], np.float32), radii)
    assert rec.cells("world/points", C.LABEL) == [labels]
    assert rec.cells("world/points", C.INSTANCE_KEY) == [list(range(0, 200, 10))]


def test_points_2d_with_float_colour_splat_use_the_srgb_curve(tmp_path):
    positions = [[0, 0], [1, 1], [2, 4]]
    linear = np.array([0.2, 0.5, 1.0])
    with recorded(tmp_path) as rec:
        rr.log_points("pts2d", positions, colors=linear, radii=2.5)
    table = rec.table("pts2d")
    np.testing.assert_array_equal(flat_values(table, C.POINT2D), np.array(positions, np.float32))
    assert rec.cells("pts2d", C.COLOR) == [[list(linear_to_srgb_u8(linear)) + [255]]]
    assert rec.cells("pts2d", C.RADIUS) == [[2.5]]


def test_falsy_values_and_origin_points_are_logged_unlike_040(tmp_path):
    zeros = np.zeros((4, 3), np.float32)
    with recorded(tmp_path) as rec:
        rr.log_points("zeros", zeros, radii=0, class_ids=0, labels="")
        rr.log_point("one", [0, 0, 0], radius=0.0, class_id=0, label="", keypoint_id=0)
    np.testing.assert_array_equal(flat_values(rec.table("zeros"), C.POINT3D), zeros)
    assert rec.cells("zeros", C.RADIUS) == [[0.0]]
    assert rec.cells("zeros", C.CLASS_ID) == [[0]]
    assert rec.cells("zeros", C.LABEL) == [[""]]
    assert rec.cells("one", C.POINT3D) == [[[0.0, 0.0, 0.0]]]
    assert rec.cells("one", C.KEYPOINT_ID) == [[0]]
    assert rec.cells("one", C.CLASS_ID) == [[0]]
    assert rec.cells("one", C.LABEL) == [[""]]


def test_bare_string_label_is_one_label_and_numpy_colour_works(tmp_path):
    with recorded(tmp_path) as rec:
        rr.log_points("pts", [[1, 2, 3], [4, 5, 6]], labels="abc", colors=np.array([10, 20, 30], np.uint8))
        rr.log_point("pt", [1, 2, 3], color=np.array([10, 20, 30, 40]))
    assert rec.cells("pts", C.LABEL) == [["abc"]]
    assert rec.cells("pts", C.COLOR) == [[[10, 20, 30, 255]]]
    assert rec.cells("pt", C.COLOR) == [[[10, 20, 30, 40]]]


def test_keypoint_ids_without_class_ids_use_class_zero(tmp_path):
    with recorded(tmp_path) as rec:
        rr.log_points("skeleton", np.ones((3, 2)), keypoint_ids=[0, 1, 2])
    assert rec.cells("skeleton", C.KEYPOINT_ID) == [[0, 1, 2]]
    assert rec.cells("skeleton", C.CLASS_ID) == [[0]]


def test_point_position_is_judged_by_total_size_and_timeless_has_no_time(tmp_path):
    with recorded(tmp_path) as rec:
        rr.log_point("p", [[1, 2, 3]], timeless=True)
        rr.log_point("p", [4, 5])
    table = rec.table("p")
    assert rec.cells("p", C.POINT3D) == [[[1.0, 2.0, 3.0]], None]
    assert rec.cells("p", C.POINT2D) == [None, [[4.0, 5.0]]]
    assert table.column("frame").to_pylist() == [None, 7]


def test_empty_positions_log_zero_points(tmp_path):
    with recorded(tmp_path) as rec:
        rr.log_points("empty", np.zeros((0, 3), np.float32))
    assert rec.cells("empty", C.POINT3D) == [[]]


def test_one_million_float32_points_are_not_copied(monkeypatch):
    """The Arrow array handed to the session shares memory with the caller's positions."""
    seen = {}

    def capture(entity_path, components, *, timeless=False):
        seen.update(components)

    from rerun import _session

    monkeypatch.setattr(_session, "log", capture)
    positions = np.random.default_rng(0).random((1_000_000, 3), dtype=np.float32)
    colors = np.random.default_rng(1).integers(0, 256, (1_000_000, 3), dtype=np.uint8)
    rr.log_points("big", positions, colors=colors)
    values = seen[C.POINT3D].values
    shared = np.frombuffer(values.buffers()[1], dtype=np.float32)
    assert np.shares_memory(shared, positions)
    rgba = np.frombuffer(seen[C.COLOR].values.buffers()[1], np.uint8).reshape(-1, 4)
    np.testing.assert_array_equal(rgba[:, :3], colors)
    assert (rgba[:, 3] == 255).all()


def test_trailing_slash_is_dropped_and_quoted_paths_are_kept_as_written(tmp_path):
    with recorded(tmp_path) as rec:
        rr.log_points("world/points/", [[1, 2, 3]])
        rr.log_points('world/"cam 1"/#3', [[4, 5, 6]])
    assert rec.cells("world/points", C.POINT3D) == [[[1.0, 2.0, 3.0]]]
    assert rec.cells('world/"cam 1"/#3', C.POINT3D) == [[[4.0, 5.0, 6.0]]]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    positions=st.integers(0, 40).flatmap(
        lambda n: st.sampled_from([2, 3]).flatmap(
            lambda d: hnp.arrays(
                st.sampled_from([np.float32, np.float64, np.int16]),
                (n, d),
                elements=st.integers(-1000, 1000),
            )
        )
    ),
    splat_colour=st.booleans(),
)
def test_any_point_cloud_round_trips_exactly(tmp_path_factory, positions, splat_colour):
    n, dims = positions.shape
    rng = np.random.default_rng(n)
    colors = rng.integers(0, 256, size=(1 if splat_colour else n, 4), dtype=np.uint8)
    with recorded(tmp_path_factory.mktemp("prop")) as rec:
        rr.log_points("cloud", positions, colors=colors[0] if splat_colour else colors)
    component = C.POINT2D if dims == 2 else C.POINT3D
    np.testing.assert_array_equal(
        np.array(rec.cells("cloud", component)[0], np.float32).reshape(n, dims), positions.astype(np.float32)
    )
    assert rec.cells("cloud", C.COLOR) == [colors.tolist()]
