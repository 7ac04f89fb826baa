"""Range queries, scalar plots, timelines, entity tree, generations and stats."""

from __future__ import annotations

import numpy as np
import pytest

from rerun_app.store import Store, Timeline
from store_helpers import batch, frame, points

FRAME = Timeline("frame", "sequence")
LOG_TIME = Timeline("log_time", "time")


def _scalar_store(times: list[int], values: list[float | None], chunk: int = 7) -> Store:
    store = Store()
    for start in range(0, len(times), chunk):
        rows = [
            {"time": {("frame", "sequence"): t, ("log_time", "time"): 1000 + i}, "rerun.scalar": None if v is None else [v]}
            for i, (t, v) in enumerate(zip(times[start : start + chunk], values[start : start + chunk]), start)
        ]
        store.add_log_batch("plot/a", batch("plot/a", rows))
    return store


def test_range_returns_the_cells_in_the_window_in_time_order():
    rng = np.random.default_rng(1)
    times = rng.permutation(50).tolist()  # arrival out of time order
    store = Store()
    for t in times:
        store.add_log_batch("p", batch("p", [{"time": frame(t), "rerun.point3d": points(t % 4, seed=t)}]))
    got_times, cells = store.range("p", "rerun.point3d", FRAME, 10, 19)
    assert got_times.tolist() == list(range(10, 20))
    for t, cell in zip(got_times.tolist(), cells):
        assert cell.to_pylist() == np.array(points(t % 4, seed=t), dtype=np.float32).tolist()
    all_times, _ = store.range("p", "rerun.point3d", FRAME)
    assert all_times.tolist() == sorted(times)


def test_range_bounds_outside_int64_or_reversed():
    store = _scalar_store([1, 2, 3], [1.0, 2.0, 3.0])
    assert store.range_scalars("plot/a", FRAME, -(2**70), 2**70)[0].tolist() == [1, 2, 3]
    assert store.range_scalars("plot/a", FRAME, 3, 1)[0].tolist() == []
    assert store.range("plot/a", "rerun.scalar", FRAME, 3, 1)[1] == []
    assert store.latest_at("plot/a", FRAME, 2**70).numpy("rerun.scalar").tolist() == [3.0]
    with pytest.raises(TypeError, match="t0: expected an int"):
        store.range_scalars("plot/a", FRAME, 1.5, 3)


def test_range_of_unknown_things_is_empty():
    store = _scalar_store([1, 2], [1.0, 2.0])
    for args in [("nope", "rerun.scalar", FRAME), ("plot/a", "rerun.radius", FRAME), ("plot/a", "rerun.scalar", Timeline("x", "time"))]:
        times, cells = store.range(*args)
        assert len(times) == 0 and cells == []


def test_range_scalars_matches_the_logged_values():
    rng = np.random.default_rng(2)
    n = 500
    times = np.sort(rng.integers(0, 1000, n)).tolist()
    values = [None if i % 37 == 0 else float(v) for i, v in enumerate(rng.normal(size=n))]
    store = _scalar_store(times, values)
    t0, t1 = 200, 700
    got_t, got_v = store.range_scalars("plot/a", FRAME, t0, t1)
    # A null cell means "not logged in that row": it is not part of the plot.
    expected = [(t, v) for t, v in zip(times, values) if t0 <= t <= t1 and v is not None]
    assert got_t.tolist() == [t for t, _ in expected]
    assert got_v.tolist() == [v for _, v in expected]
    assert got_v.dtype == np.float64 and not got_v.flags.writeable


def test_range_scalars_skips_null_cells_and_gives_nan_for_empty_ones():
    store = Store()
    store.add_log_batch(
        "s",
        batch("s", [{"time": frame(1), "rerun.scalar": [1.5]}, {"time": frame(2), "rerun.scalar": None}, {"time": frame(3), "rerun.scalar": []}, {"time": frame(4), "rerun.scalar": [None]}]),
    )
    times, values = store.range_scalars("s", FRAME)
    assert times.tolist() == [1, 3, 4]
    assert values[0] == 1.5 and np.isnan(values[1]) and np.isnan(values[2])


def test_range_scalars_of_a_non_float_component_reads_the_cells():
    store = Store()
    store.add_log_batch("s", batch("s", [{"time": frame(t), "rerun.radius": [t / 2]} for t in range(5)]))
    times, values = store.range_scalars("s", FRAME, 1, 3, component="rerun.radius")
    assert times.tolist() == [1, 2, 3] and values.tolist() == [0.5, 1.0, 1.5]


def test_timelines_time_range_and_times_with_data():
    store = Store()
    store.add_log_batch("a", batch("a", [{"time": {("frame", "sequence"): t, ("log_time", "time"): 10 * t}, "rerun.radius": [1.0]} for t in [3, 1, 3]]))
    store.add_log_batch("b", batch("b", [{"time": {("frame", "sequence"): 7}, "rerun.radius": [1.0]}, {"rerun.radius": [2.0]}]))
    assert store.timelines() == [FRAME, LOG_TIME]
    assert store.time_range(FRAME) == (1, 7)
    assert store.time_range(LOG_TIME) == (10, 30)
    assert store.time_range(Timeline("nope", "time")) is None
    assert store.times_with_data(FRAME).tolist() == [1, 3, 7]
    assert store.times_with_data(FRAME, "a").tolist() == [1, 3]
    assert store.times_with_data(FRAME, "b").tolist() == [7]
    assert store.times_with_data(LOG_TIME, "b").tolist() == []
    assert store.times_with_data(Timeline("nope", "time")).tolist() == []


def test_times_with_data_of_a_subtree():
    store = Store()
    for path, times in {"w": [5], "w/a": [1, 3], "w/a/b": [2, 3], "wx": [4]}.items():
        store.add_log_batch(path, batch(path, [{"time": frame(t), "rerun.radius": [1.0]} for t in times]))
    assert store.times_with_data(FRAME, "w", recursive=True).tolist() == [1, 2, 3, 5]
    assert store.times_with_data(FRAME, "w/a", recursive=True).tolist() == [1, 2, 3]
    assert store.times_with_data(FRAME, "w").tolist() == [5]
    assert store.times_with_data(FRAME, "nothing", recursive=True).tolist() == []
    store.add_log_batch("w/a/b", batch("w/a/b", [{"time": frame(9), "rerun.radius": [1.0]}]))
    assert store.times_with_data(FRAME, "w", recursive=True).tolist() == [1, 2, 3, 5, 9]


def test_times_with_data_follows_appends_and_out_of_order_inserts():
    store = Store()
    logged: list[int] = []
    rng = np.random.default_rng(3)
    for step in range(40):
        # Mostly in order with repeats, sometimes a late arrival.
        t = step // 2 if step % 9 else int(rng.integers(0, 20))
        logged.append(t)
        store.add_log_batch("p", batch("p", [{"time": frame(t), "rerun.radius": [1.0]}]))
        assert store.times_with_data(FRAME).tolist() == sorted(set(logged))
        assert store.times_with_data(FRAME, "p").tolist() == sorted(set(logged))


def test_entity_tree_has_intermediate_nodes_and_sorted_children():
    store = Store()
    for path in ["world/points", "world/camera/image", "a", "world"]:
        store.add_log_batch(path, batch(path, [{"time": frame(1), "rerun.radius": [1.0]}]))
    tree = store.entity_tree()
    assert tree.path == "/" and list(tree.children) == ["a", "world"]
    world = tree.children["world"]
    assert world.has_data and list(world.children) == ["camera", "points"]
    camera = world.children["camera"]
    assert not camera.has_data and camera.path == "world/camera"
    assert camera.children["image"].path == "world/camera/image"
    assert sorted(node.path for node in tree.walk() if node.has_data) == store.entity_paths()
    assert tree.find("world/camera/image") is camera.children["image"] and tree.find("nope") is None
    # Rebuilt when a new entity appears.
    store.add_log_batch("b/c", batch("b/c", [{"time": frame(1), "rerun.radius": [1.0]}]))
    assert "b" in store.entity_tree().children


def test_generations_bump_on_every_change_of_that_entity_only():
    store = Store()
    store.add_log_batch("a", batch("a", [{"time": frame(1), "rerun.radius": [1.0]}]))
    store.add_log_batch("b", batch("b", [{"time": frame(1), "rerun.radius": [1.0]}]))
    a, b, total = store.generation("a"), store.generation("b"), store.generation()
    store.add_log_batch("a", batch("a", [{"time": frame(2), "rerun.radius": [2.0]}]))
    assert store.generation("a") > a and store.generation("b") == b and store.generation() > total
    a, total = store.generation("a"), store.generation()
    store.clear("b", False, [["frame", "sequence", 3]])
    assert store.generation("b") > b and store.generation("a") == a and store.generation() > total
    assert store.generation("unknown") == 0


def test_stats_count_rows_and_bytes_per_entity():
    store = Store()
    big = batch("big", [{"time": frame(t), "rerun.point3d": points(1000, seed=t)} for t in range(3)])
    small = batch("small", [{"time": frame(1), "rerun.radius": [1.0]}])
    store.add_log_batch("big", big)
    store.add_log_batch("small", small)
    stats = store.stats()
    assert stats.entities["big"].rows == 3 and stats.entities["small"].rows == 1
    assert stats.entities["big"].bytes >= big.nbytes and stats.entities["small"].bytes >= small.nbytes
    assert stats.total_rows == 4
    # The total adds what the indices' arrays hold to the entities' batches.
    assert stats.total_bytes > stats.entities["big"].bytes + stats.entities["small"].bytes
    assert stats.memory_limit is None and stats.evicted_rows == 0


@pytest.mark.parametrize("n", [1, 1000])
def test_scalar_rows_in_one_batch_or_many_give_the_same_plot(n):
    times = list(range(0, 3000, 3))
    values = [float(np.sin(t)) for t in times]
    store = _scalar_store(times, values, chunk=n)
    got_t, got_v = store.range_scalars("plot/a", FRAME)
    assert got_t.tolist() == times and np.allclose(got_v, values)
    got_t, got_v = store.range_scalars("plot/a", LOG_TIME, 1000, 1009)
    assert got_t.tolist() == list(range(1000, 1010)) and np.allclose(got_v, values[:10])


def test_clear_times_lists_the_log_cleared_calls_per_entity_and_overall():
    from rerun_app.store import Store

    store = Store()
    store.clear("a", False, [["frame", "sequence", 5]])
    store.clear("a/b", True, [["frame", "sequence", 7]])
    store.clear("c", False, [])  # timeless: no mark on a timeline
    assert store.clear_times(("frame", "sequence"), "a").tolist() == [5]
    assert store.clear_times(("frame", "sequence"), "a/b").tolist() == [7]
    assert store.clear_times(("frame", "sequence")).tolist() == [5, 7]
    assert store.clear_times(("frame", "sequence"), "nothing").tolist() == []
