"""Recordings with components of the wrong Arrow type, written frame by frame with the SDK's own wire code."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from rerun.components import POINT3D, TRANSFORM, TYPES
from rerun.transport.viewer_sink import serialize_log_frame
from rerun.wire.frames import STREAM_HEADER, FrameKind, encode_json_frame
from rerun.wire.log_table import build_log_batch

RID = "rec-bad-types"


def cells(values: pa.Array) -> pa.ListArray:
    """One cell holding every value."""
    return pa.ListArray.from_arrays(pa.array([0, len(values)], pa.int32()), values)


def good_points(n: int = 4, z: float = 0.0) -> pa.ListArray:
    xyz = np.array([[i, i, z] for i in range(n)], np.float32)
    return cells(pa.FixedSizeListArray.from_arrays(pa.array(xyz.reshape(-1)), 3).cast(TYPES[POINT3D]))


def frame_bytes(entity: str, frame: int, components: dict) -> bytes:
    batch = build_log_batch(entity, RID, {("frame", "sequence"): [frame]}, components)
    return serialize_log_frame(batch).tobytes()


def bad_type_recording(path, bad_frames: int = 20) -> None:
    """``good/points`` at frames 0..2; ``bad/points`` (positions as strings) and ``bad/camera``
    (``rerun.transform`` as ``list<string>``) at every frame 0..bad_frames-1, before and after the good ones."""
    parts = [STREAM_HEADER, encode_json_frame(FrameKind.BEGIN_RECORDING, {"recording_id": RID, "application_id": "bad-types"}, checksum=True)]
    strings = cells(pa.array(["1,2,3", "4,5,6"]))
    for i in range(bad_frames):
        parts.append(frame_bytes("bad/points", i, {POINT3D: strings}))
        parts.append(frame_bytes("bad/camera", i, {TRANSFORM: strings}))
        if i < 3:
            parts.append(frame_bytes("good/points", i, {POINT3D: good_points()}))
    with open(path, "wb") as fh:
        fh.write(b"".join(parts))
