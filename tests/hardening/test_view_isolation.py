"""Issue 9 item 3: one entity's bad data shows as a warning on that entity while every other entity renders,
and no structure of user-controlled depth (a 2000-part entity path) is walked by recursion."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from bad_components import RID, bad_type_recording, cells, frame_bytes, good_points
from rerun.components import POINT3D, TRANSFORM, TYPES
from rerun.wire.frames import STREAM_HEADER, FrameKind, encode_json_frame
from rerun.wire.log_table import build_log_batch
from rerun_app.store import StoreHub
from rerun_app.views.heuristics import SpaceViewSpec, choose_space_views
from rerun_app.views.space_view_builder import SpaceViewBuilder
from rerun_app.views.spatial import EntityProperties

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from gl_support import headless_gl_env  # noqa: E402

DEEP = "/".join(f"p{i}" for i in range(2000))
FRAME = ("frame", "sequence")


def _hub_with(entity_batches: dict[str, dict]) -> StoreHub:
    """A hub whose store got these batches directly (not through ingest, which would refuse the bad ones)."""
    hub = StoreHub()
    for path, components in entity_batches.items():
        hub.add_log_batch(path, build_log_batch(path, RID, {FRAME: [0]}, components), RID)
    return hub


def _update(hub, spec):
    builder = SpaceViewBuilder(spec)
    return builder.update(hub.active, FRAME, 0, lambda p: False, lambda p: EntityProperties())


def test_entities_whose_data_makes_their_build_raise_get_a_warning_and_the_others_are_drawn():
    strings = cells(pa.array(["1,2,3"]))
    hub = _hub_with({
        "world/good": {POINT3D: good_points(4)},
        "world/bad": {POINT3D: strings},
        "world/camera": {TRANSFORM: strings},  # read while placing every entity below it
        "world/camera/points": {POINT3D: good_points(2)},
    })
    layers = _update(hub, SpaceViewSpec("3d", "/"))
    np.testing.assert_array_equal(layers["world/good"].batches["points"].positions[:, 0], [0, 1, 2, 3])
    assert not layers["world/bad"].batches and any("rerun.point3d" in w for w in layers["world/bad"].warnings)
    below = layers["world/camera/points"]
    assert not below.batches and any("not drawn" in w for w in below.warnings), below.warnings


def test_a_2000_part_entity_path_is_walked_without_recursion():
    hub = _hub_with({DEEP: {POINT3D: good_points(3)}, "good": {POINT3D: good_points(2)}})
    store = hub.active
    tree = store.entity_tree()
    nodes = list(tree.walk())
    assert len(nodes) == 1 + 2000 + 1
    # Depth first, children in name order: good, then p0 down to the deepest part.
    assert nodes[1].path.strip("/") == "good" and nodes[-1].path.strip("/") == DEEP
    assert tree.find(DEEP).has_data and "children=1" in repr(tree.children["p0"])
    specs = choose_space_views(store.entity_paths(), lambda p: frozenset(store.components(p)), lambda p: None, lambda p: "image")
    for spec in specs:
        if spec.spatial:
            layers = _update(hub, spec)
            assert all(not l.warnings for l in layers.values())


def _screenshot(path, out) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rerun_app", str(path), "--screenshot", str(out), "--timeline", "frame", "--time", "2",
         "--size", "800x600"],
        env=headless_gl_env(), capture_output=True, text=True, timeout=180,
    )


def _good_only(path) -> None:
    parts = [STREAM_HEADER, encode_json_frame(FrameKind.BEGIN_RECORDING, {"recording_id": RID, "application_id": "bad-types"}, checksum=True)]
    parts += [frame_bytes("good/points", i, {POINT3D: good_points()}) for i in range(3)]
    path.write_bytes(b"".join(parts))


@pytest.mark.gl
def test_mistyped_entities_leave_the_window_as_it_is_without_them(egl_available, tmp_path):
    """The issue's file (positions as strings, ``rerun.transform`` as ``list<string>``) blanked every view;
    now the picture equals the one of the same recording without the mistyped entities."""
    import imageio.v3 as iio

    bad, good = tmp_path / "bad.rrd", tmp_path / "good.rrd"
    bad_type_recording(bad)
    _good_only(good)
    results = {name: _screenshot(path, tmp_path / f"{name}.png") for name, path in (("bad", bad), ("good", good))}
    for name, result in results.items():
        assert result.returncode == 0, f"{name}: {result.stderr[-3000:]}"
    assert "Traceback" not in results["bad"].stderr and "RecursionError" not in results["bad"].stderr
    with_bad, without = (iio.imread(tmp_path / f"{n}.png")[..., :3].astype(int) for n in ("bad", "good"))
    drawn = np.abs(without - without[-1, -1]).sum(axis=-1) > 60  # the views' content: not background
    assert drawn.sum() > 1000
    # The entity panel lists the mistyped paths in the good run? No: they never reached the store; the views match.
    differs = np.abs(with_bad - without).sum(axis=-1) > 90
    assert differs.mean() < 0.02, f"{differs.mean():.1%} of the pixels differ"


@pytest.mark.gl
def test_a_2000_part_entity_path_renders_beside_the_other_entities(egl_available, tmp_path):
    path = tmp_path / "deep.rrd"
    parts = [STREAM_HEADER, encode_json_frame(FrameKind.BEGIN_RECORDING, {"recording_id": RID, "application_id": "deep"}, checksum=True)]
    for i in range(3):
        parts.append(frame_bytes(DEEP, i, {POINT3D: good_points(3, z=1.0)}))
        parts.append(frame_bytes("good/points", i, {POINT3D: good_points()}))
    path.write_bytes(b"".join(parts))
    result = _screenshot(path, tmp_path / "deep.png")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "RecursionError" not in result.stderr and "Traceback" not in result.stderr, result.stderr[-3000:]


def test_a_text_entity_whose_entries_cannot_be_read_is_left_out_with_a_reason_and_the_others_are_listed():
    from rerun.components import TEXT_ENTRY
    from rerun_app.views.text_log import text_rows

    bodies = ["started", "running", "done"]
    entries = pa.array([{"body": b, "level": "INFO"} for b in bodies], TYPES[TEXT_ENTRY])
    hub = StoreHub()
    for frame, entry in enumerate(entries):
        hub.add_log_batch("logs/good", build_log_batch("logs/good", RID, {FRAME: [frame]},
                                                      {TEXT_ENTRY: cells(pa.array([entry.as_py()], TYPES[TEXT_ENTRY]))}), RID)
    hub.add_log_batch("logs/bad", build_log_batch("logs/bad", RID, {FRAME: [1]},
                                                  {TEXT_ENTRY: cells(pa.array(["not a text entry"]))}), RID)
    table = text_rows(hub.active, ["logs/bad", "logs/good"], FRAME)
    assert [table.row(i).body for i in range(len(table))] == bodies
    assert set(table.entities.tolist()) == {"logs/good"}
    assert [path for path, _ in table.failures] == ["logs/bad"]
    assert "text entries could not be read" in table.failures[0][1]
