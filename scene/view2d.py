"""The 2D space view: pixel coordinates with y down (image row 0 at the top), pan/zoom camera."""

from __future__ import annotations

import numpy as np

from .cameras import PixelCamera
from .layers import ImageLayer, PointsLayer
from .view_base import SpaceView

#: Past this many images on one plane the top ones' opacity stops shrinking (Rerun 0.4 does the same).
MAX_STACKED_IMAGES = 20


class SpaceView2D(SpaceView):
    """A 2D space view: world units are pixels, x right, y down.

    Layers are drawn in kind order (images, meshes, lines, points, labels), without depth test;
    layers of one kind in creation order. See :class:`~rerun_scene.view_base.SpaceView`.
    """

    depth_test = False

    def __init__(self, parent, bgcolor=None):
        super().__init__(parent, PixelCamera(), bgcolor=bgcolor)
        self.camera.fit(np.zeros(3), np.ones(3))

    def focus(self, point) -> None:
        """Centre the view on pixel ``point`` (x, y)."""
        self.camera.focus(point)

    def camera_state(self) -> dict:
        """The camera's parameters as plain values: world point at the view centre and px per unit."""
        return {
            "center": [float(v) for v in self.camera.center_point],
            "scale": float(self.camera.scale),
            "user_moved": bool(self.camera.user_moved),
        }

    def reset(self, bounds=None) -> None:
        """Fit the camera to ``bounds`` (default: the scene bounds), leaving room at the edges for points sized in
        pixels (a point on the boundary is drawn whole)."""
        if bounds is None:
            bounds = self.bounds()
        if bounds is None:
            bounds = self._default_bounds()
        self.camera.fit(*bounds, margin_px=self._pixel_margin())

    def _pixel_margin(self) -> float:
        margin = 0.0
        for key, layer in self._layers.items():
            b = layer.batch
            if isinstance(layer, PointsLayer) and b is not None and layer.node.visible and b.radius_unit == "px" \
                    and len(b) and key not in self._internal_keys:
                margin = max(margin, float(np.max(b.radii)) + 1.0)
        return margin

    def stack_images(self, keys) -> None:
        """Draw the image layers ``keys`` bottom to top as Rerun 0.4 layers images on one plane: the first
        opaque, each later one at 1/N opacity (N images, at most 20), so every image stays visible.

        Other image layers keep their order; layers that are not images are ignored.
        """
        images = [k for k in keys if isinstance(self._layers.get(k), ImageLayer)]
        n = len(images)
        for i, key in enumerate(images):
            layer = self._layers[key]
            layer.node.order = ImageLayer.draw_order - n + i  # below meshes, lines, points and labels
            layer.set_stack_opacity(1.0 if i == 0 else 1.0 / min(n, MAX_STACKED_IMAGES))

    def _default_bounds(self):
        return np.zeros(3), np.ones(3)

    def _rank(self, depth: float, draw_order: int, position: int):
        """2D: the kind drawn on top wins, then the layer created last (drawn last)."""
        return (-draw_order, -position)
