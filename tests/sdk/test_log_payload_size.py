"""``log_payload_size`` must be the exact size of the IPC stream ``write_log_payload`` writes: sinks reserve
exactly that many bytes (ring records, segments, file frames) and Arrow then writes into them."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

import rerun as rr
from rerun.recording import load
from rerun.wire.log_table import build_log_batch, log_payload_size, write_log_payload


def _written_size(batch: pa.RecordBatch) -> int:
    out = pa.BufferOutputStream()
    write_log_payload(batch, out)
    return out.getvalue().size


def _batches_the_sdk_logs(tmp_path) -> list[pa.RecordBatch]:
    """Every batch of a recording that uses the SDK's main log calls (points, images, tensors, meshes, text,
    scalars, rects, arrows, line strips, class descriptions, extension components, clears)."""
    path = tmp_path / "kinds.rrd"
    rr.init("sizes")
    rr.save(str(path))
    rng = np.random.default_rng(0)
    for frame in range(3):
        rr.set_time_sequence("frame", frame)
        rr.set_time_seconds("t", frame * 0.25)
        rr.log_points("points", rng.random((100 + frame, 3)), colors=rng.integers(0, 255, (100 + frame, 3)),
                      radii=rng.random(100 + frame), labels=[f"p{i}" for i in range(100 + frame)], class_ids=np.arange(100 + frame))
        rr.log_points("points2d", rng.random((7, 2)), keypoint_ids=np.arange(7))
        rr.log_image("image", rng.integers(0, 255, (31, 17, 3), dtype=np.uint8))
        rr.log_depth_image("depth", rng.integers(0, 5000, (13, 11), dtype=np.uint16), meter=1000)
        rr.log_tensor("tensor", rng.random((3, 4, 5)), names=["a", "b", "c"])
        rr.log_mesh("mesh", positions=rng.random((9, 3)), indices=np.arange(9), normals=rng.random((9, 3)))
        rr.log_text_entry("log", f"entry {frame} ünïcode", level="WARN")
        rr.log_scalar("plot/a", float(frame), label="a")
        rr.log_rect("rect", [1, 2, 3, 4], label="r")
        rr.log_arrow("arrow", [0, 0, 0], [1, 2, 3], width_scale=0.5)
        rr.log_line_strip("strip", rng.random((5, 3)))
        rr.log_extension_components("points", {"payload_size_confidence": rng.random(100 + frame)})
    rr.log_annotation_context("classes", [(1, "one", (255, 0, 0))], timeless=True)
    rr.log_cleared("rect", recursive=True)
    rr.disconnect()
    recording = load(str(path))
    assert len(recording.entity_paths) == 12
    return [batch for entity in recording.entity_paths for batch in recording.batches(entity)]


def test_the_size_is_exact_for_every_kind_of_batch_the_sdk_logs(tmp_path):
    for batch in _batches_the_sdk_logs(tmp_path):
        assert log_payload_size(batch) == _written_size(batch), batch.schema


@pytest.mark.parametrize("case", ["sliced", "nulls", "dictionary", "nested dictionary", "empty"])
def test_the_size_is_exact_for_unusual_arrays(case):
    values = pa.array(np.arange(1000, dtype=np.float64))
    cells = pa.ListArray.from_arrays(pa.array([0, 400, 1000], pa.int32()), values)
    if case == "sliced":
        cells = cells.slice(1, 1)
    elif case == "nulls":
        cells = pa.ListArray.from_arrays(pa.array([0, 400, None, 1000], pa.int32()), values)
    elif case == "dictionary":
        cells = pa.array(["a", "b", "a"]).dictionary_encode()
    elif case == "nested dictionary":
        cells = pa.ListArray.from_arrays(pa.array([0, 2, 3], pa.int32()), pa.array(["x", "y", "x"]).dictionary_encode())
    elif case == "empty":
        cells = cells.slice(0, 0)
    rows = len(cells)
    batch = build_log_batch("e", "r", {("frame", "sequence"): list(range(rows))}, {"ext.c": cells})
    assert log_payload_size(batch) == _written_size(batch)
