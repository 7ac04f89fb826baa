"""The time panel's Streams rows: the entity tree with data on the current timeline (or timeless), top-level
nodes with children open, an opened entity lists its components by short name after its children."""

from __future__ import annotations

import numpy as np
from _viewer_kit import RECORDING_ID, cells, new_hub, points3d

from rerun.wire.log_table import build_log_batch
from rerun_app.views.streams import paths_with_data, stream_rows, timeless_paths

FRAME, SIM = ("frame", "sequence"), ("sim_time", "time")


def _log(hub, path: str, timelines: dict) -> None:
    components = {k: cells(v) for k, v in points3d([[0, 0, 0]]).items()}
    hub.add_log_batch(path, build_log_batch(path, RECORDING_ID, timelines, components), RECORDING_ID)


def _store():
    hub = new_hub()
    _log(hub, "world/a/points", {FRAME: [1]})
    _log(hub, "world/b", {SIM: [5]})  # only on another timeline
    _log(hub, "world/static", {})  # timeless
    _log(hub, "top", {FRAME: [2]})
    return hub.active


def test_only_entities_with_data_on_the_timeline_or_timeless_are_rows():
    store = _store()
    assert paths_with_data(store, FRAME) == {"world", "world/a", "world/a/points", "world/static", "top"}
    assert paths_with_data(store, SIM) == {"world", "world/b", "world/static"}


def test_rows_follow_the_tree_and_the_open_states():
    store = _store()
    shown = paths_with_data(store, FRAME)
    rows = stream_rows(store.entity_tree(), lambda path, default: default, shown.__contains__, store.components)
    assert [(r.label, r.depth, r.open, r.shows_ticks) for r in rows] == [
        ("top", 0, False, True), ("world/", 0, True, False), ("a/", 1, False, True), ("static", 1, False, True)]
    opened = {"world/a": True, "world/a/points": True}
    rows = stream_rows(store.entity_tree(), lambda path, default: opened.get(path, default), shown.__contains__,
                       store.components)
    labels = [(r.label, r.depth, r.component) for r in rows]
    assert labels[2:5] == [("a/", 1, None), ("points", 2, None), ("point3d", 3, "rerun.point3d")]
    assert labels[5] == ("static", 1, None)
    assert np.all([r.shows_ticks for r in rows if r.component is not None])


def test_timeless_rows_are_the_timeless_entities_and_their_ancestors():
    assert timeless_paths(_store()) == {"world", "world/static"}
