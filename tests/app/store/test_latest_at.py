"""Latest-at semantics: what an entity shows at a time cursor."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from rerun_app.store import SPLAT_KEY, Store, Timeline
from store_helpers import batch, frame, points

FRAME = Timeline("frame", "sequence")
RED, BLUE = [255, 0, 0, 255], [0, 0, 255, 255]


def _store(*batches) -> Store:
    store = Store()
    for path, rows in batches:
        store.add_log_batch(path, batch(path, rows))
    return store


def test_newest_row_at_or_before_the_cursor_wins():
    pts = [points(2, seed) for seed in range(3)]
    store = _store(("p", [{"time": frame(t), "rerun.point3d": pts[i]} for i, t in enumerate([10, 20, 30])]))
    assert store.latest_at("p", FRAME, 9) is None
    for cursor, expected in [(10, 0), (19, 0), (20, 1), (29, 1), (30, 2), (10**9, 2)]:
        result = store.latest_at("p", FRAME, cursor)
        np.testing.assert_array_equal(result.numpy("rerun.point3d"), np.array(pts[expected], dtype=np.float32))
        assert result.row_time == [10, 20, 30][expected]


def test_same_time_the_last_logged_row_wins():
    store = _store(("p", [{"time": frame(5), "rerun.radius": [1.0]}, {"time": frame(5), "rerun.radius": [2.0]}]))
    store.add_log_batch("p", batch("p", [{"time": frame(5), "rerun.radius": [3.0]}]))
    assert store.latest_at("p", FRAME, 5).numpy("rerun.radius").tolist() == [3.0]


def test_timeless_data_shows_before_timed_data_and_on_every_timeline():
    store = _store(("p", [{"rerun.radius": [7.0]}, {"time": frame(10), "rerun.radius": [1.0]}]))
    assert store.latest_at("p", FRAME, 5).numpy("rerun.radius").tolist() == [7.0]
    assert store.latest_at("p", FRAME, 5).row_time is None
    assert store.latest_at("p", FRAME, 10).numpy("rerun.radius").tolist() == [1.0]
    # Another timeline (even an unknown one) and no timeline at all show only the timeless value.
    assert store.latest_at("p", Timeline("other", "time"), 10**18).numpy("rerun.radius").tolist() == [7.0]
    assert store.latest_at("p", None, None).numpy("rerun.radius").tolist() == [7.0]
    assert store.stats().entities["p"].timeless_rows == 1


def test_an_entity_logged_on_one_timeline_is_invisible_on_another_unless_timeless():
    store = _store(
        ("a", [{"time": {("frame", "sequence"): 1}, "rerun.radius": [1.0]}]),
        ("b", [{"time": {("sim", "time"): 100}, "rerun.radius": [2.0]}]),
    )
    assert store.latest_at("a", Timeline("sim", "time"), 10**6) is None
    assert store.latest_at("b", FRAME, 10**6) is None
    assert store.latest_at("a", FRAME, 1).numpy("rerun.radius").tolist() == [1.0]
    assert store.latest_at("b", Timeline("sim", "time"), 100).numpy("rerun.radius").tolist() == [2.0]


def test_two_timelines_in_one_row_and_rows_on_only_one_of_them():
    both = {("frame", "sequence"): 1, ("log_time", "time"): 1000}
    only_log_time = {("log_time", "time"): 2000}
    store = _store(("p", [{"time": both, "rerun.radius": [1.0]}, {"time": only_log_time, "rerun.radius": [2.0]}]))
    log_time = Timeline("log_time", "time")
    assert store.latest_at("p", log_time, 1500).numpy("rerun.radius").tolist() == [1.0]
    assert store.latest_at("p", log_time, 2000).numpy("rerun.radius").tolist() == [2.0]
    # The second row is not on "frame": the frame cursor still shows the first.
    assert store.latest_at("p", FRAME, 10**6).numpy("rerun.radius").tolist() == [1.0]
    assert store.timelines() == sorted([FRAME, log_time])


def test_components_logged_in_different_calls_combine():
    pts = points(3)
    store = _store(
        ("p", [{"time": frame(1), "rerun.point3d": pts}, {"time": frame(2), "rerun.colorrgba": [RED, BLUE, RED]}])
    )
    at1 = store.latest_at("p", FRAME, 1)
    assert set(at1.components) == {"rerun.point3d"}
    at2 = store.latest_at("p", FRAME, 2)
    assert set(at2.components) == {"rerun.point3d", "rerun.colorrgba"}
    np.testing.assert_array_equal(at2.numpy("rerun.point3d"), np.array(pts, dtype=np.float32))
    np.testing.assert_array_equal(at2.numpy("rerun.colorrgba"), np.array([RED, BLUE, RED], dtype=np.uint8))
    assert at2.component_times == {"rerun.point3d": 1, "rerun.colorrgba": 2}
    assert at2.row_time == 2


def test_a_splat_applies_to_every_instance_lazily():
    pts = points(4)
    store = _store(("p", [{"time": frame(1), "rerun.point3d": pts, "rerun.colorrgba": [RED], "rerun.radius": [0.5]}]))
    result = store.latest_at("p", FRAME, 1)
    assert result.num_instances == 4
    assert result.is_splat("rerun.colorrgba") and not result.is_splat("rerun.point3d")
    assert len(result.raw("rerun.colorrgba")) == 1
    colors = result.numpy("rerun.colorrgba")
    assert colors.shape == (4, 4) and not colors.flags.writeable  # a broadcast view, not a copy
    np.testing.assert_array_equal(colors, np.tile(np.array(RED, dtype=np.uint8), (4, 1)))
    assert result.components["rerun.radius"].to_pylist() == [0.5] * 4


def test_a_single_instance_row_is_not_a_splat_for_later_points():
    # Points (3) at t=1, then one colour alone at t=2 in a row of its own: it belongs to instance 0 only.
    store = _store(("p", [{"time": frame(1), "rerun.point3d": points(3)}, {"time": frame(2), "rerun.colorrgba": [BLUE]}]))
    result = store.latest_at("p", FRAME, 2)
    assert not result.is_splat("rerun.colorrgba")
    assert result.components["rerun.colorrgba"].to_pylist() == [BLUE, None, None]


def test_a_row_with_the_splat_instance_key_is_a_splat_for_other_rows():
    store = _store(
        (
            "p",
            [
                {"time": frame(1), "rerun.point3d": points(3)},
                {"time": frame(2), "rerun.colorrgba": [BLUE], "rerun.instance_key": [SPLAT_KEY]},
            ],
        )
    )
    result = store.latest_at("p", FRAME, 2)
    assert result.is_splat("rerun.colorrgba")
    assert result.components["rerun.colorrgba"].to_pylist() == [BLUE] * 3
    assert "rerun.instance_key" not in result


def test_components_from_other_rows_join_by_instance_key():
    pts = points(3)
    store = _store(
        (
            "p",
            [
                {"time": frame(1), "rerun.point3d": pts, "rerun.instance_key": [10, 20, 30]},
                # Labels for two of the three instances, in another order.
                {"time": frame(2), "rerun.label": ["thirty", "ten"], "rerun.instance_key": [30, 10]},
            ],
        )
    )
    result = store.latest_at("p", FRAME, 2, primary="rerun.point3d")
    assert result.num_instances == 3
    assert result.instance_keys.tolist() == [10, 20, 30]
    assert result.components["rerun.label"].to_pylist() == ["ten", None, "thirty"]
    np.testing.assert_array_equal(result.numpy("rerun.point3d"), np.array(pts, dtype=np.float32))


def test_primary_sets_the_instance_count():
    store = _store(("p", [{"time": frame(1), "rerun.point3d": points(5)}, {"time": frame(2), "rerun.point3d": points(2)}]))
    store.add_log_batch("p", batch("p", [{"time": frame(0), "rerun.radius": [1.0, 2.0, 3.0]}]))
    result = store.latest_at("p", FRAME, 2, primary="rerun.point3d")
    assert result.num_instances == 2
    assert result.components["rerun.radius"].to_pylist() == [1.0, 2.0]
    # Without a primary, the geometry (points) sets the count.
    assert store.latest_at("p", FRAME, 2).num_instances == 2


def test_without_geometry_the_longest_cell_sets_the_instance_count():
    store = _store(("p", [{"time": frame(1), "rerun.label": ["a", "b", "c"]}, {"time": frame(2), "rerun.radius": [1.0, 2.0]}]))
    result = store.latest_at("p", FRAME, 2)
    assert result.num_instances == 3
    assert result.components["rerun.radius"].to_pylist() == [1.0, 2.0, None]


def test_stale_longer_colours_do_not_inflate_the_point_count():
    # 4 coloured points, then 2 points alone: two points show, with the first two colours.
    colors = [[i, 0, 0, 255] for i in range(4)]
    store = _store(
        ("p", [{"time": frame(1), "rerun.point3d": points(4), "rerun.colorrgba": colors}, {"time": frame(2), "rerun.point3d": points(2, seed=9)}])
    )
    result = store.latest_at("p", FRAME, 2)
    assert result.num_instances == 2
    np.testing.assert_array_equal(result.numpy("rerun.point3d"), np.array(points(2, seed=9), dtype=np.float32))
    np.testing.assert_array_equal(result.numpy("rerun.colorrgba"), np.array(colors[:2], dtype=np.uint8))


def test_numpy_views_are_zero_copy_into_the_ingested_batch():
    pts = np.arange(30, dtype=np.float32).reshape(10, 3)
    colors = np.arange(40, dtype=np.uint8).reshape(10, 4)
    rb = batch("p", [{"time": frame(1), "rerun.point3d": pts.tolist(), "rerun.colorrgba": colors.tolist()}])
    store = Store()
    store.add_log_batch("p", rb)
    result = store.latest_at("p", FRAME, 1)
    got_pts, got_colors = result.numpy("rerun.point3d"), result.numpy("rerun.colorrgba")
    assert got_pts.dtype == np.float32 and got_pts.shape == (10, 3)
    assert got_colors.dtype == np.uint8 and got_colors.shape == (10, 4)
    np.testing.assert_array_equal(got_pts, pts)
    np.testing.assert_array_equal(got_colors, colors)
    stored = np.frombuffer(rb.column("rerun.point3d").values.values.buffers()[1], dtype=np.float32)
    assert np.shares_memory(got_pts, stored)


def test_zero_copy_works_for_a_row_in_the_middle_of_a_batch():
    rows = [{"time": frame(t), "rerun.point3d": points(t + 1, seed=t)} for t in range(5)]
    store = _store(("p", rows))
    for t in range(5):
        np.testing.assert_array_equal(
            store.latest_at("p", FRAME, t).numpy("rerun.point3d"), np.array(points(t + 1, seed=t), dtype=np.float32)
        )


def test_out_of_order_arrival_is_sorted_by_time():
    store = Store()
    for t in [30, 10, 20, 5, 25]:
        store.add_log_batch("p", batch("p", [{"time": frame(t), "rerun.radius": [float(t)]}]))
    store.add_log_batch("p", batch("p", [{"time": frame(t), "rerun.radius": [float(t)]} for t in [40, 15, 35]]))
    logged = [30, 10, 20, 5, 25, 40, 15, 35]
    for cursor in range(0, 45):
        earlier = [t for t in logged if t <= cursor]
        result = store.latest_at("p", FRAME, cursor)
        if not earlier:
            assert result is None
        else:
            assert result.numpy("rerun.radius").tolist() == [float(max(earlier))]


def test_a_clear_hides_the_entity_from_its_time_until_new_data():
    store = _store(
        ("p", [{"rerun.label": ["timeless"]}, {"time": frame(1), "rerun.radius": [1.0]}]),
        ("p/child", [{"time": frame(1), "rerun.radius": [9.0]}]),
    )
    store.clear("p", False, [["frame", "sequence", 5]])
    assert set(store.latest_at("p", FRAME, 4).components) == {"rerun.label", "rerun.radius"}
    assert store.latest_at("p", FRAME, 5) is None
    assert store.latest_at("p", FRAME, 100) is None
    # Not recursive: the child is untouched.
    assert store.latest_at("p/child", FRAME, 100).numpy("rerun.radius").tolist() == [9.0]
    # New data after the clear shows again (only what was logged anew).
    store.add_log_batch("p", batch("p", [{"time": frame(8), "rerun.radius": [8.0]}]))
    assert store.latest_at("p", FRAME, 7) is None
    after = store.latest_at("p", FRAME, 8)
    assert set(after.components) == {"rerun.radius"} and after.numpy("rerun.radius").tolist() == [8.0]
    # A timeline the clear was not on is unaffected.
    assert store.latest_at("p", Timeline("other", "time"), 10).numpy("rerun.label").tolist() == ["timeless"]


def test_data_logged_at_the_clear_time_after_the_clear_is_visible():
    store = _store(("p", [{"time": frame(5), "rerun.radius": [1.0]}]))
    store.clear("p", False, {("frame", "sequence"): 5})
    assert store.latest_at("p", FRAME, 5) is None
    store.add_log_batch("p", batch("p", [{"time": frame(5), "rerun.radius": [2.0]}]))
    assert store.latest_at("p", FRAME, 5).numpy("rerun.radius").tolist() == [2.0]


def test_a_recursive_clear_hides_descendants_too_but_not_siblings():
    store = _store(
        ("world", [{"time": frame(1), "rerun.radius": [1.0]}]),
        ("world/a", [{"time": frame(1), "rerun.radius": [2.0]}]),
        ("world/a/b", [{"rerun.radius": [3.0]}]),
        ("worldly", [{"time": frame(1), "rerun.radius": [4.0]}]),
    )
    generations = {p: store.generation(p) for p in store.entity_paths()}
    store.clear("world", True, {"time_point": [["frame", "sequence", 3]]})
    for path in ["world", "world/a", "world/a/b"]:
        assert store.latest_at(path, FRAME, 2) is not None
        assert store.latest_at(path, FRAME, 3) is None
        assert store.generation(path) > generations[path]
    assert store.latest_at("worldly", FRAME, 3).numpy("rerun.radius").tolist() == [4.0]
    assert store.generation("worldly") == generations["worldly"]


def test_a_recursive_clear_on_an_entity_without_data_applies_to_later_children():
    store = Store()
    store.clear("robot", True, [["frame", "sequence", 10]])
    store.add_log_batch("robot/arm", batch("robot/arm", [{"time": frame(t), "rerun.radius": [float(t)]} for t in (5, 12)]))
    assert store.latest_at("robot/arm", FRAME, 9).numpy("rerun.radius").tolist() == [5.0]
    assert store.latest_at("robot/arm", FRAME, 10) is None
    assert store.latest_at("robot/arm", FRAME, 12).numpy("rerun.radius").tolist() == [12.0]


def test_only_requested_components_are_looked_up():
    store = _store(("p", [{"time": frame(1), "rerun.point3d": points(2), "rerun.radius": [1.0]}]))
    result = store.latest_at("p", FRAME, 1, components=["rerun.radius", "rerun.label"])
    assert set(result.components) == {"rerun.radius"}


def test_a_batch_mixing_timeless_and_timed_rows():
    store = _store(("p", [{"time": frame(3), "rerun.radius": [3.0]}, {"rerun.radius": [0.0]}, {"time": frame(1), "rerun.radius": [1.0]}]))
    assert store.latest_at("p", FRAME, 0).numpy("rerun.radius").tolist() == [0.0]
    assert store.latest_at("p", FRAME, 2).numpy("rerun.radius").tolist() == [1.0]
    assert store.latest_at("p", FRAME, 3).numpy("rerun.radius").tolist() == [3.0]
    stats = store.stats().entities["p"]
    assert (stats.rows, stats.timeless_rows, stats.total_rows) == (2, 1, 3)


def test_an_empty_cell_is_data_with_no_instances():
    store = _store(("p", [{"time": frame(1), "rerun.point3d": points(3)}, {"time": frame(2), "rerun.point3d": []}]))
    result = store.latest_at("p", FRAME, 2)
    assert result.num_instances == 0 and result.numpy("rerun.point3d").shape == (0, 3)


def test_paths_are_looked_up_in_canonical_form():
    store = _store(("world/points", [{"time": frame(1), "rerun.radius": [1.0]}]))
    assert store.entity_paths() == ["world/points"]
    for spelling in ["world/points", "/world/points", "world/points/"]:
        assert store.latest_at(spelling, FRAME, 1) is not None
    assert store.latest_at("world", FRAME, 1) is None
    assert store.latest_at("nothing/here", FRAME, 1) is None


def test_timeline_by_name_and_by_pair():
    store = _store(("p", [{"time": frame(1), "rerun.radius": [1.0]}]))
    assert store.latest_at("p", "frame", 1) is not None
    assert store.latest_at("p", ("frame", "sequence"), 1) is not None
    store.add_log_batch("p", batch("p", [{"time": {("frame", "time"): 5}, "rerun.radius": [2.0]}]))
    with pytest.raises(ValueError, match="both a sequence and a time"):
        store.latest_at("p", "frame", 1)
    assert store.latest_at("p", Timeline("frame", "time"), 5).numpy("rerun.radius").tolist() == [2.0]


def test_numpy_of_strings_and_nullable_values():
    store = Store()
    rb = batch("p", [{"time": frame(1), "rerun.label": ["a", None, "c"], "rerun.radius": [1.0, None, 3.0]}])
    store.add_log_batch("p", rb)
    result = store.latest_at("p", FRAME, 1)
    assert result.numpy("rerun.label").tolist() == ["a", None, "c"]
    radius = result.numpy("rerun.radius")
    assert radius[0] == 1.0 and np.isnan(radius[1]) and radius[2] == 3.0
    with pytest.raises(KeyError, match="rerun.point3d"):
        result.numpy("rerun.point3d")


def test_tables_and_metadata_paths_are_accepted():
    rb = batch("meta/path", [{"time": frame(1), "rerun.radius": [1.0]}, {"time": frame(2), "rerun.radius": [2.0]}])
    store = Store()
    store.add_log_batch(None, pa.Table.from_batches([rb.slice(0, 1), rb.slice(1, 1)]))
    assert store.entity_paths() == ["meta/path"]
    assert store.latest_at("meta/path", FRAME, 2).numpy("rerun.radius").tolist() == [2.0]


def test_the_root_entity_holds_data_and_a_recursive_clear_on_it_reaches_everything():
    store = _store(("/", [{"rerun.label": ["root"]}]), ("a/b", [{"time": frame(1), "rerun.radius": [1.0]}]))
    assert store.entity_paths() == ["/", "a/b"]
    tree = store.entity_tree()
    assert tree.has_data and tree.children["a"].children["b"].has_data
    assert store.latest_at("/", None, None).raw("rerun.label").to_pylist() == ["root"]
    store.clear("/", True, [["frame", "sequence", 2]])
    assert store.latest_at("a/b", FRAME, 1) is not None
    assert store.latest_at("a/b", FRAME, 2) is None and store.latest_at("/", FRAME, 2) is None
    assert store.latest_at("/", FRAME, 1).raw("rerun.label").to_pylist() == ["root"]


def test_missing_instances_keep_the_dtype_nan_for_floats_zero_for_integers():
    colors = [[9, 9, 9, 255], [7, 7, 7, 255]]
    store = _store(
        ("p", [{"time": frame(1), "rerun.colorrgba": colors, "rerun.instance_key": [0, 2]}, {"time": frame(2), "rerun.point3d": points(3)}])
    )
    result = store.latest_at("p", FRAME, 2)
    got = result.numpy("rerun.colorrgba")
    assert got.dtype == np.uint8 and got.tolist() == [colors[0], [0, 0, 0, 0], colors[1]]
    store.add_log_batch("p", batch("p", [{"time": frame(3), "rerun.radius": [0.5, None, 1.5]}]))
    radius = store.latest_at("p", FRAME, 3).numpy("rerun.radius")
    assert radius.dtype == np.float32 and radius[0] == 0.5 and np.isnan(radius[1]) and radius[2] == 1.5
