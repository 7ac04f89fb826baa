"""Stand-in space views used only while ``rerun_scene.view3d`` / ``view2d`` are not installed.

Minimal: points as vispy Markers, line batches as segments, images as textured quads; other batches are ignored.
The real views come from ``rerun_scene`` (lean visuals, picking); this keeps the window usable meanwhile.
"""

from __future__ import annotations

import numpy as np
from vispy import scene
from vispy.visuals.transforms import MatrixTransform


def _node_transform(batch) -> MatrixTransform:
    m = np.eye(4) if batch.transform is None else np.asarray(batch.transform, dtype=np.float64)
    return MatrixTransform(m.T)  # vispy multiplies row vectors


class InterimSpaceView:
    """A ViewBox with a turntable (3D) or y-down pan/zoom (2D) camera and named layers."""

    def __init__(self, canvas, kind: str) -> None:
        self.kind = kind
        self.viewbox = scene.widgets.ViewBox(parent=canvas.scene)
        if kind == "3d":
            self.viewbox.camera = scene.TurntableCamera(fov=45, distance=10)
        else:
            self.viewbox.camera = scene.PanZoomCamera(aspect=1)
            self.viewbox.camera.flip = (False, True, False)
        self._layers: dict = {}
        self._bounds: dict = {}

    def layers(self):
        return list(self._layers)

    def remove_layer(self, key) -> None:
        self._bounds.pop(key, None)
        node = self._layers.pop(key, None)
        if node is not None:
            node.parent = None

    def set_layer(self, key, batch) -> None:
        self.remove_layer(key)
        local = getattr(batch, "positions", None)
        if local is None and hasattr(batch, "corners"):
            local = batch.corners
        if local is not None and len(local):
            pts = np.asarray(local, np.float64)[:: max(1, len(local) // 50_000)]
            pts = pts[np.isfinite(pts).all(axis=1)]
            if len(pts):
                t = np.eye(4) if batch.transform is None else np.asarray(batch.transform, np.float64)
                world = pts @ t[:3, :3].T + t[:3, 3]
                self._bounds[key] = (world.min(0), world.max(0))
        kind = type(batch).__name__
        node = None
        if kind == "PointBatch":
            node = scene.visuals.Markers(parent=self.viewbox.scene)
            radii = batch.radii if np.ndim(batch.radii) else np.full(len(batch), batch.radii)
            size = np.asarray(radii, dtype=np.float32) * (2.0 if batch.radius_unit == "px" else 40.0)
            colors = batch.colors if batch.colors.ndim == 2 else np.broadcast_to(batch.colors, (len(batch), 4))
            node.set_data(np.asarray(batch.positions), face_color=np.asarray(colors) / 255.0, size=np.maximum(size, 2),
                          edge_width=0)
        elif kind == "LineBatch" and len(batch.segments):
            node = scene.visuals.Line(pos=batch.segments.reshape(-1, 3), connect="segments", parent=self.viewbox.scene)
        elif kind == "ImageBatch":
            node = scene.visuals.Image(batch.rgba, parent=self.viewbox.scene, interpolation="nearest")
            h, w = batch.shape
            c = np.asarray(batch.corners, np.float64)
            # affine map from pixel space (u, v) to the corners' plane
            m = np.eye(4)
            m[:3, 0] = (c[1] - c[0]) / w
            m[:3, 1] = (c[3] - c[0]) / h
            m[:3, 3] = c[0]
            t = np.eye(4) if batch.transform is None else np.asarray(batch.transform, np.float64)
            node.transform = MatrixTransform((t @ m).T)
            self._layers[key] = node
            return
        if node is not None:
            node.transform = _node_transform(batch)
            self._layers[key] = node

    def set_up(self, axis: str) -> None:
        if self.kind == "3d":
            self.viewbox.camera.up = axis.lower()

    def reset(self) -> None:
        if not self._bounds:
            return
        lo = np.min([b[0] for b in self._bounds.values()], axis=0)
        hi = np.max([b[1] for b in self._bounds.values()], axis=0)
        cam = self.viewbox.camera
        if self.kind == "3d":
            cam.center = tuple((lo + hi) / 2)
            cam.distance = max(float(np.linalg.norm(hi - lo)) * 1.2, 1e-3)
        else:
            cam.set_range(x=(lo[0], hi[0]), y=(lo[1], hi[1]), margin=0.05)

    def camera_state(self) -> dict:  # noqa: D102
        cam = self.viewbox.camera
        if self.kind == "3d":
            return {"azimuth": float(cam.azimuth), "elevation": float(cam.elevation), "distance": float(cam.distance or 0)}
        r = cam.rect
        return {"rect": [float(r.left), float(r.bottom), float(r.width), float(r.height)]}
