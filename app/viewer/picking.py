"""CPU picking of points: the instance whose projection is nearest the mouse (within a few pixels).

Used when the scene view offers no ``pick``; it needs only the view's scene→canvas transform and the builders'
``pick_info`` (instance keys, labels, local positions) plus each batch's world transform.
"""

from __future__ import annotations

import numpy as np

MAX_PICK_POINTS = 2_000_000  # beyond this a pick would cost more than a frame; such layers are skipped
PICK_RADIUS_PX = 6.0


def pick_points(host, canvas, x: float, y: float, max_points: int = MAX_PICK_POINTS):
    """((entity, layer), index) of the nearest point within ``PICK_RADIUS_PX`` of canvas (x, y), or None.

    Layers with more than ``max_points`` points are skipped.
    """
    to_canvas = host.viewbox.scene.node_transform(canvas.scene)
    best = None
    for path, layers in host.entity_layers.items():
        for layer, (keys, labels, positions) in layers.pick_info.items():
            if positions is None or len(positions) == 0 or len(positions) > max_points:
                continue
            batch = layers.batches.get(layer)
            t = np.eye(4) if batch is None or batch.transform is None else np.asarray(batch.transform, np.float64)
            pos = np.asarray(positions, dtype=np.float64)
            if pos.shape[1] == 2:
                pos = np.c_[pos, np.zeros(len(pos))]
            world = pos @ t[:3, :3].T + t[:3, 3]
            mapped = to_canvas.map(world)
            with np.errstate(invalid="ignore", divide="ignore"):
                xy = mapped[:, :2] / mapped[:, 3:4]
                d2 = (xy[:, 0] - x) ** 2 + (xy[:, 1] - y) ** 2
            d2[~np.isfinite(d2)] = np.inf
            i = int(np.argmin(d2))
            if d2[i] <= PICK_RADIUS_PX**2 and (best is None or d2[i] < best[0]):
                best = (float(d2[i]), (path, layer), i)
    return None if best is None else (best[1], best[2])


def up_axis(view_coordinates: bytes) -> str | None:
    """``"+Z"`` etc. from the 3 bytes of ``rerun.view_coordinates`` (Up=1, Down=2), or None if no axis is up/down."""
    for axis, code in zip("XYZ", bytes(view_coordinates)):
        if code == 1:
            return "+" + axis
        if code == 2:
            return "-" + axis
    return None
