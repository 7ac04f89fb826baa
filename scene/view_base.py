"""What 2D and 3D space views share: a ViewBox, named layers, bounds, picking."""

from __future__ import annotations

from typing import Hashable, NamedTuple

import numpy as np
from vispy import scene

from . import geometry
from .layers import Layer, layer_class
from .visuals._common import pixels_per_unit


class Pick(NamedTuple):
    """Result of :meth:`SpaceView.pick`: the layer's key and the instance (or its id)."""

    key: Hashable
    index: int


class SpaceView:
    """A vispy ViewBox holding named layers, each showing one batch.

    Parameters
    ----------
    parent : vispy.scene.SceneCanvas or vispy.scene.Node
        A canvas: the view fills its central widget (resizes with it). A node (e.g.
        ``canvas.scene``): the view is placed by :meth:`set_rect` (the app does this every frame).
    camera : vispy camera
        Supplied by the subclass.
    bgcolor : colour or None
        Background of the view rectangle (None: transparent, the canvas clear colour shows).
    """

    depth_test = True
    _internal_keys: frozenset = frozenset()

    def __init__(self, parent, camera, bgcolor=None):
        # No border: the camera's pixel grid must be the view's (vispy widgets default to 1 px).
        self.viewbox = scene.widgets.ViewBox(camera=camera, bgcolor=bgcolor, border_width=0)
        if isinstance(parent, scene.SceneCanvas):
            parent.central_widget.add_widget(self.viewbox)
        else:
            self.viewbox.parent = parent
        self.camera = camera
        self._layers: dict[Hashable, Layer] = {}
        self._fitted_to_data = False

    # -- placement ----------------------------------------------------------------------------

    @property
    def canvas(self):
        return self.viewbox.canvas

    @property
    def scene(self):
        """The node under which layers live (world coordinates)."""
        return self.viewbox.scene

    def set_rect(self, x: float, y: float, width: float, height: float) -> None:
        """Place the view at canvas pixel rectangle (x, y, width, height) (logical pixels, y down)."""
        self.viewbox.pos = (float(x), float(y))
        self.viewbox.size = (max(float(width), 1.0), max(float(height), 1.0))

    def rect(self) -> tuple[float, float, float, float]:
        """(x, y, width, height) of the view in canvas pixels."""
        x, y = self.viewbox.pos
        w, h = self.viewbox.size
        return float(x), float(y), float(w), float(h)

    # -- layers -------------------------------------------------------------------------------

    def set_layer(self, key: Hashable, batch) -> bool:
        """Create or update the layer ``key`` to show ``batch``.

        Uploads only when ``batch`` is a different object than last time (or its ``version``
        grew). A different batch kind for an existing key replaces the layer. Returns True when
        something was uploaded.
        """
        cls = layer_class(batch)
        layer = self._layers.get(key)
        if layer is not None and type(layer) is not cls:
            self.remove_layer(key)
            layer = None
        if layer is None:
            layer = cls(self.scene)
            layer.set_depth_test(self.depth_test)
            self._layers[key] = layer
        uploaded = layer.update(batch)
        if uploaded and not self._fitted_to_data and not self.camera.user_moved:
            # Frame the first data shown, until the user (or the app) places the camera.
            if self.bounds() is not None:
                self.reset()
                self._fitted_to_data = True
        return uploaded

    def remove_layer(self, key: Hashable) -> None:
        """Remove layer ``key`` (no error if it does not exist)."""
        layer = self._layers.pop(key, None)
        if layer is not None:
            layer.remove()

    def clear(self) -> None:
        """Remove every layer."""
        for key in [k for k in self._layers if k not in self._internal_keys]:
            self.remove_layer(key)

    def set_visible(self, key: Hashable, visible: bool) -> None:
        """Show or hide layer ``key`` (KeyError naming the key if it does not exist)."""
        self._layer(key).node.visible = bool(visible)

    def is_visible(self, key: Hashable) -> bool:
        return bool(self._layer(key).node.visible)

    def layers(self) -> list:
        """Keys of the layers, in creation order."""
        return [k for k in self._layers if k not in self._internal_keys]

    def layer(self, key: Hashable) -> Layer:
        """The :class:`~rerun_scene.layers.Layer` of ``key`` (its ``upload_count``, visuals...)."""
        return self._layer(key)

    def _layer(self, key):
        try:
            return self._layers[key]
        except KeyError:
            raise KeyError(f"no layer {key!r} in this view; layers: {self.layers()!r}") from None

    # -- geometry -----------------------------------------------------------------------------

    def bounds(self):
        """((3,) min, (3,) max) world bounds of the visible layers, or None when nothing is shown."""
        boxes = [
            layer.world_bounds()
            for key, layer in self._layers.items()
            if layer.node.visible and layer.batch is not None and key not in self._internal_keys
        ]
        boxes = [b for b in boxes if b is not None]
        if not boxes:
            return None
        return np.min([b[0] for b in boxes], axis=0), np.max([b[1] for b in boxes], axis=0)

    def reset(self, bounds=None) -> None:
        """Fit the camera to ``bounds`` ((3,) lo, (3,) hi), by default the scene bounds (the default view when
        nothing is shown)."""
        if bounds is None:
            bounds = self.bounds()
        if bounds is None:
            bounds = self._default_bounds()
        self.camera.fit(*bounds)

    def _default_bounds(self):
        return -np.ones(3), np.ones(3)

    def canvas_from_world(self) -> np.ndarray:
        """4x4 matrix from world coordinates to canvas pixels (x, y after dividing by w)."""
        x, y, _, _ = self.rect()
        to_canvas = np.eye(4)
        to_canvas[0, 3], to_canvas[1, 3] = x, y
        return to_canvas @ self.camera.viewbox_from_world()

    def world_to_canvas(self, points) -> np.ndarray:
        """Canvas pixel coordinates (N, 2) of world points (NaN behind the camera)."""
        points = np.asarray(points, dtype=np.float64).reshape(-1, 3)
        projected, w = geometry.project(self.canvas_from_world(), points)
        projected[~(w > 0)] = np.nan
        return projected[:, :2]

    def pick(self, x: float, y: float) -> Pick | None:
        """The layer and instance under canvas pixel (x, y) (logical pixels), or None.

        Hidden layers are skipped. In 3D the nearest hit wins; in 2D the layer drawn on top
        (images < meshes < lines < points < labels). The index is the instance index, or the
        batch's ``ids`` entry when it has ids; for images it is ``row * width + column``.
        """
        vx, vy, vw, vh = self.rect()
        if not (vx <= x < vx + vw and vy <= y < vy + vh):
            return None
        to_canvas = self.canvas_from_world()
        best, best_key = None, None
        for position, (key, layer) in enumerate(self._layers.items()):
            if not layer.node.visible or layer.batch is None or key in self._internal_keys:
                continue
            canvas_from_local = to_canvas @ layer.batch.transform
            hit = layer.pick(canvas_from_local, x, y, pixels_per_unit(canvas_from_local))
            if hit is None:
                continue
            rank = self._rank(hit.depth, layer.draw_order, position)
            if best is None or rank < best[0]:
                best, best_key = (rank, hit, layer), key
        if best is None:
            return None
        _, hit, layer = best
        ids = layer.batch.instance_ids()
        index = int(ids[hit.index]) if ids is not None and hit.index < len(ids) else hit.index
        return Pick(best_key, index)

    def _rank(self, depth: float, draw_order: int, position: int):
        """Sort key of a hit (smallest wins): nearest first in 3D."""
        return (depth, -draw_order, -position)

    def upload_count(self) -> int:
        """Total GPU uploads of all layers (for stats and tests)."""
        return sum(layer.upload_count for layer in self._layers.values())


__all__ = ["Pick", "SpaceView"]
