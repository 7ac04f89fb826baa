"""Mouse picking in the space views: a click selects the entity under the mouse, a double-click focuses the
camera on it, hovering shows it in the selection panel."""

from __future__ import annotations

import logging
from typing import Callable

import numpy as np

from rerun_app.viewer.state import Hover, ViewerState
from rerun_app.views import pixels
from rerun_scene.batches import ImageBatch

log = logging.getLogger(__name__)

HOVER_PICK_MAX_POINTS = 300_000  # hover picks (CPU, in rerun_scene) on every mouse move; bigger views: clicks only
CLICK_MAX_TRAVEL = 3  # px between press and release: more is a drag (camera), not a click


class Picker:
    """Turns mouse positions into picks in the space views and updates the UI state.

    Parameters
    ----------
    views : callable
        Returns the space views (spec → ViewHost).
    state : ViewerState
        Selection and hover are written here.
    request_redraw : callable
        Called when selection, hover or a camera changed.
    """

    def __init__(self, views: Callable[[], dict], state: ViewerState, request_redraw: Callable[[], None]) -> None:
        self._views = views
        self.state = state
        self.request_redraw = request_redraw

    def host_at(self, pos):
        """The visible view whose rectangle holds canvas point ``pos``, or None."""
        for host in self._views().values():
            r = host.rect
            if r is not None and host.visible and r[0] <= pos[0] < r[0] + r[2] and r[1] <= pos[1] < r[1] + r[3]:
                return host
        return None

    def pick(self, pos, max_points: int = 2_000_000):
        """(view host or None, ((entity, layer), row) or None) under ``pos``; no pick in views above
        ``max_points`` points."""
        host = self.host_at(pos)
        if host is None:
            return None, None
        if host.point_count() > max_points:
            return host, None
        try:
            return host, host.pick(pos[0], pos[1])
        except Exception:  # noqa: BLE001 (picking is best effort)
            log.debug("pick failed", exc_info=True)
            return host, None

    def click(self, pos, press_pos) -> None:
        """A left button released at ``pos`` after a press at ``press_pos``: select what is under it."""
        if self.host_at(pos) is None:
            return
        if np.hypot(*(np.asarray(pos, float) - np.asarray(press_pos, float))) > CLICK_MAX_TRAVEL:
            return  # a drag (camera), not a click
        host, hit = self.pick(pos)
        if hit is None:
            self.state.select(None)
        else:
            hover = self.describe(host, hit)
            self.state.select(hover.entity_path, hover.instance, hover.view)
        self.request_redraw()

    def double_click(self, pos) -> None:
        """Focus the camera on the point under the mouse, or reset it on empty space."""
        host, hit = self.pick(pos)
        if host is None:
            return
        if hit is None:
            host.scene_view.reset()
        else:
            (path, layer), index = hit
            self.state.select(path)
            info = host.entity_layers.get(path)
            pick = info.pick_info.get(layer) if info else None
            positions = None if pick is None else pick.positions
            if positions is not None and index < len(positions):
                batch = info.batches[layer]
                p = np.append(positions[index][:3], 1.0) if positions.shape[1] == 3 else np.array([*positions[index], 0, 1])
                host.scene_view.focus((np.asarray(batch.transform) @ p)[:3])
        self.request_redraw()

    def hover(self, pos) -> None:
        """The mouse moved to ``pos`` inside a view (no button held): update the hovered instance."""
        host, hit = self.pick(pos, max_points=HOVER_PICK_MAX_POINTS)
        self.set_hover(None if hit is None else self.describe(host, hit))

    def set_hover(self, hover: Hover | None) -> None:
        """Show ``hover`` (None: the mouse left the views or is over nothing)."""
        if hover != self.state.hover:
            self.state.hover = hover
            self.request_redraw()

    @staticmethod
    def describe(host, hit) -> Hover:
        """The :class:`Hover` of a pick ``((entity, layer), row)`` in ``host``: the instance with its label and
        position, or for an image layer the pixel (column, row) under the mouse."""
        (path, layer), index = hit
        info = host.entity_layers.get(path)
        batch = info.batches.get(layer) if info else None
        view = host.spec.name
        if isinstance(batch, ImageBatch):  # images pick as row * width + column
            row, column = divmod(int(index), batch.rgba.shape[1])
            return Hover(path, None, None, None, layer=layer, pixel=(column, row), view=view)
        pick = info.pick_info.get(layer) if info else None
        if pick is None:  # lines, boxes, arrows, meshes: the scene reports the instance itself (its id, else its row)
            return Hover(path, int(index), None, None, layer=layer, view=view)
        keys, labels, positions = pick.instance_keys, pick.labels, pick.positions
        if pick.image_from_camera is not None and positions is not None and index < len(positions):
            # a depth cloud's point: the depth image pixel it came from (the tooltip reads the depth there)
            pixel = pixels.source_pixel(pick.image_from_camera, positions[index])
            position = tuple(float(v) for v in positions[index])
            return Hover(path, None, None, position, layer=layer, row=int(index), pixel=pixel, view=view)
        instance = int(keys[index]) if keys is not None and index < len(keys) else int(index)
        label = labels[index] if labels is not None and index < len(labels) else None
        position = tuple(float(v) for v in positions[index]) if positions is not None else None
        return Hover(path, instance, label, position, layer=layer, row=int(index), view=view)
