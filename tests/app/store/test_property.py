"""Property test: latest-at (and times_with_data) agree with a brute-force scan over random logs."""

from __future__ import annotations

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from rerun_app.store import Store, Timeline
from store_helpers import batch

ENTITIES = ["a", "a/b", "a/b/c", "d"]
TIMELINES = [Timeline("frame", "sequence"), Timeline("t", "time")]
COMPONENTS = ["rerun.radius", "rerun.label"]
NEG_INF = float("-inf")

time_points = st.dictionaries(st.sampled_from(TIMELINES), st.integers(-3, 12), max_size=2)
rows = st.fixed_dictionaries(
    {
        "time": time_points,
        "rerun.radius": st.one_of(st.none(), st.lists(st.floats(-5, 5, width=32), min_size=1, max_size=1)),
        "rerun.label": st.one_of(st.none(), st.lists(st.sampled_from(["x", "y", "z"]), min_size=1, max_size=1)),
    }
)
log_ops = st.tuples(st.just("log"), st.sampled_from(ENTITIES), st.lists(rows, min_size=1, max_size=4))
clear_ops = st.tuples(st.just("clear"), st.sampled_from(ENTITIES), st.booleans(), time_points)
operations = st.lists(st.one_of(log_ops, log_ops, log_ops, clear_ops), min_size=1, max_size=25)


def _replay(ops, store=None):
    """Feed the store, and keep a flat model: (arrival, entity, time point, components) and clears."""
    store = Store() if store is None else store
    model_rows, model_clears = [], []
    arrival = 0
    for op in ops:
        if op[0] == "log":
            _, entity, op_rows = op
            store_rows = []
            for row in op_rows:
                arrival += 1
                comps = {name: row[name] for name in COMPONENTS if row[name] is not None}
                model_rows.append((arrival, entity, dict(row["time"]), comps))
                store_rows.append({"time": {tuple(tl): v for tl, v in row["time"].items()}, **comps})
            store.add_log_batch(entity, batch(entity, store_rows))
        else:
            _, entity, recursive, point = op
            arrival += 1
            model_clears.append((arrival, entity, recursive, dict(point)))
            store.clear(entity, recursive, {tuple(tl): v for tl, v in point.items()})
    return store, model_rows, model_clears


def _is_ancestor(ancestor: str, path: str) -> bool:
    return path.startswith(ancestor + "/")


def _expected(model_rows, model_clears, entity, timeline, cursor):
    def when(point):
        """Ordering time of an event on the queried timeline: None if not on it, -inf if timeless."""
        if not point:
            return NEG_INF
        if timeline is not None and timeline in point and point[timeline] <= cursor:
            return point[timeline]
        return None

    bound = None
    for arrival, path, recursive, point in model_clears:
        if path == entity or (recursive and _is_ancestor(path, entity)):
            t = when(point)
            if t is not None and (bound is None or (t, arrival) > bound):
                bound = (t, arrival)
    visible = {}
    for name in COMPONENTS:
        best = None
        for arrival, path, point, comps in model_rows:
            if path != entity or name not in comps:
                continue
            t = when(point)
            if t is not None and (best is None or (t, arrival) > best[0]):
                best = ((t, arrival), comps[name])
        if best is not None and (bound is None or best[0] > bound):
            visible[name] = best[1]
    return visible


def _check_latest_at(store, model_rows, model_clears, cursors):
    for entity in ENTITIES:
        for timeline in TIMELINES + [None]:
            for cursor in cursors if timeline is not None else [None]:
                expected = _expected(model_rows, model_clears, entity, timeline, cursor)
                result = store.latest_at(entity, timeline, cursor)
                got = {} if result is None else {name: result.raw(name).to_pylist() for name in result.components}
                assert got == expected, (entity, timeline, cursor)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=operations, cursors=st.lists(st.integers(-4, 13), min_size=1, max_size=4), compact=st.booleans())
def test_latest_at_matches_a_brute_force_scan(ops, cursors, compact):
    # compact: merge every 2 small batches of an entity, so lookups go through compacted chunks.
    store = Store(compact_count=2) if compact else Store()
    store, model_rows, model_clears = _replay(ops, store)
    _check_latest_at(store, model_rows, model_clears, cursors)


timed_rows = st.fixed_dictionaries(
    {
        "time": st.dictionaries(st.sampled_from(TIMELINES), st.integers(-3, 12), min_size=1, max_size=2),
        "rerun.radius": st.one_of(st.none(), st.lists(st.floats(-5, 5, width=32), min_size=1, max_size=1)),
    }
)
timed_log_ops = st.tuples(st.just("log"), st.sampled_from(ENTITIES), st.lists(timed_rows, min_size=1, max_size=4))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ops=st.lists(st.one_of(timed_log_ops, timed_log_ops, clear_ops), min_size=8, max_size=40),
    cursors=st.lists(st.integers(-4, 13), min_size=1, max_size=3),
    compact_count=st.sampled_from([2, 3, 32]),
)
def test_under_a_memory_limit_latest_at_matches_a_scan_of_the_rows_kept(ops, cursors, compact_count):
    limit = 30_000  # three or so small chunks (each counts ~8 KiB of batch objects)
    # Every row gets a unique label, so the rows the store kept can be read back with range().
    numbered, n = [], 0
    for op in ops:
        if op[0] == "log":
            rows = []
            for row in op[2]:
                n += 1
                rows.append({**row, "rerun.label": [f"row{n}"]})
            op = ("log", op[1], rows)
        numbered.append(op)
    store, model_rows, model_clears = _replay(numbered, Store(memory_limit=limit, compact_count=compact_count))
    stats = store.stats()
    assert stats.total_bytes <= limit
    note(f"kept {stats.total_rows} rows, evicted {stats.evicted_rows}")
    kept = set()
    for entity in ENTITIES:
        for timeline in TIMELINES:
            _, cells = store.range(entity, "rerun.label", timeline)
            kept.update(cell[0].as_py() for cell in cells)
    kept_rows = [row for row in model_rows if row[3]["rerun.label"][0] in kept]
    assert stats.total_rows == len(kept_rows) and stats.evicted_rows == len(model_rows) - len(kept_rows)
    if model_rows:
        assert model_rows[-1] in kept_rows  # the newest row always fits
    _check_latest_at(store, kept_rows, model_clears, cursors)


@settings(max_examples=60, deadline=None)
@given(ops=operations)
def test_times_with_data_matches_a_brute_force_scan(ops):
    store, model_rows, _ = _replay(ops)
    for timeline in TIMELINES:
        every = sorted({point[timeline] for _, _, point, _ in model_rows if timeline in point})
        assert store.times_with_data(timeline).tolist() == every
        for entity in ENTITIES:
            mine = sorted({point[timeline] for _, path, point, _ in model_rows if path == entity and timeline in point})
            assert store.times_with_data(timeline, entity).tolist() == mine
        assert store.time_range(timeline) == ((every[0], every[-1]) if every else None)
