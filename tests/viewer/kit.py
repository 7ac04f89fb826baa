"""Builders of small recordings for the viewer tests: LOG batches in the wire layout, fed to the real store."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from rerun import components as C
from rerun.wire.log_table import build_log_batch
from rerun_app.store import StoreHub

RECORDING_ID = "viewer-test"


def cells(instances: pa.Array) -> pa.Array:
    """Wrap one row's instances into a one-cell ``list<T>`` column."""
    return pa.ListArray.from_arrays(pa.array([0, len(instances)], pa.int32()), instances)


def log_row(hub: StoreHub, entity_path: str, components: dict[str, pa.Array], frame: int | None = None) -> None:
    """Add one log call on ``entity_path`` at ``frame`` (None: timeless) to the hub's store."""
    timelines = {} if frame is None else {("frame", "sequence"): [frame]}
    batch = build_log_batch(entity_path, RECORDING_ID, timelines, {k: cells(v) for k, v in components.items()})
    hub.add_log_batch(entity_path, batch, RECORDING_ID)


def points3d(positions, colors=None, radii=None, labels=None) -> dict[str, pa.Array]:
    comps = {"rerun.point3d": C.fixed_size_list(np.asarray(positions, np.float32))}
    if colors is not None:
        comps["rerun.colorrgba"] = C.fixed_size_list(np.asarray(colors, np.uint8))
    if radii is not None:
        comps["rerun.radius"] = C.primitive(np.asarray(radii, np.float32))
    if labels is not None:
        comps["rerun.label"] = C.strings(list(labels))
    return comps


def points2d(positions, colors=None) -> dict[str, pa.Array]:
    comps = {"rerun.point2d": C.fixed_size_list(np.asarray(positions, np.float32))}
    if colors is not None:
        comps["rerun.colorrgba"] = C.fixed_size_list(np.asarray(colors, np.uint8))
    return comps


def image(array: np.ndarray, meaning: str = "unknown", meter: float | None = None) -> dict[str, pa.Array]:
    array = np.ascontiguousarray(array)
    return {
        "rerun.tensor": C.tensor(array, shape=array.shape, dtype=array.dtype.name, meaning=meaning, meter=meter,
                                 tensor_id=bytes(16))
    }


def pinhole(fx: float, fy: float, cx: float, cy: float, width: int, height: int) -> dict[str, pa.Array]:
    k = np.array([[fx, 0, cx], [0, fy, cy], [0, 0, 1]], np.float32)
    return {"rerun.transform": C.transform("pinhole", image_from_cam=k.ravel(), resolution=np.array([width, height]))}


def rigid3(translation, rotation_xyzw=(0, 0, 0, 1)) -> dict[str, pa.Array]:
    return {"rerun.transform": C.transform("rigid3", rotation=np.asarray(rotation_xyzw, np.float32),
                                           translation=np.asarray(translation, np.float32))}


def new_hub() -> StoreHub:
    hub = StoreHub()
    hub.begin_recording({"recording_id": RECORDING_ID, "application_id": "viewer-tests"})
    return hub
