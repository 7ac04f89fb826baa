"""The hover tooltip at the mouse cursor (as Rerun 0.4's): the hovered instance's components, or for an image the
pixel coordinate, its logged value and a zoomed patch of the pixels around it."""

from __future__ import annotations

import numpy as np
from imgui_bundle import imgui
from rerun import components as C

from rerun_app.viewer import hover_info
from rerun_app.viewer.state import Hover
from rerun_app.views import values
from rerun_app.views.tensor_view import TensorViewBuilder
from rerun_scene.batches import ImageBatch

PATCH_CELL_PX = 8  # each pixel of the zoomed patch is drawn as a square this big


class Tooltip:
    """Builds the tooltip's rows once per (hover, data, cursor) and draws them while the mouse is in a view."""

    def __init__(self) -> None:
        self._key = None
        self._rows: list[hover_info.Row] = []
        self._patch: np.ndarray | None = None
        self.lines: list[str] = []  # what the tooltip showed last frame (state dumps read it)
        self.rect: tuple[float, float, float, float] | None = None  # where it was drawn last frame

    def draw(self, store, cursor, hover: Hover | None, host) -> None:
        """Draw the tooltip for ``hover`` (an instance or a pixel in ``host``), or nothing."""
        self.lines = []
        self.rect = None
        if hover is None or store is None or host is None:
            return
        key = (hover, id(store), store.generation(), cursor)
        if key != self._key:
            self._key = key
            self._rows, self._patch = _contents(store, cursor, hover, host)
        if not self._rows:
            return
        imgui.begin_tooltip()
        imgui.text(hover.entity_path)
        self.lines.append(f"entity: {hover.entity_path}")
        if hover.instance is not None:
            imgui.text_disabled(f"instance {hover.instance}")
            self.lines.append(f"instance: {hover.instance}")
        imgui.separator()
        if self._patch is not None:
            _draw_patch(self._patch)
        for row in self._rows:
            imgui.text(f"{row.name}: {row.value}")
            self.lines.append(f"{row.name}: {row.value}")
        pos, size = imgui.get_window_pos(), imgui.get_window_size()
        self.rect = (pos.x, pos.y, size.x, size.y)
        imgui.end_tooltip()


def _contents(store, cursor, hover: Hover, host) -> tuple[list[hover_info.Row], np.ndarray | None]:
    timeline, time = cursor
    if hover.pixel is not None:
        return _pixel_contents(store, timeline, time, hover, host)
    latest = store.latest_at(hover.entity_path, timeline, time)
    if latest is None or hover.instance is None:
        return [], None
    return hover_info.instance_rows(latest, hover.instance), None


def _pixel_contents(store, timeline, time, hover: Hover, host):
    column, row = hover.pixel
    layers = host.entity_layers.get(hover.entity_path)
    batch = layers.batches.get(hover.layer) if layers else None
    shown = batch.rgba if isinstance(batch, ImageBatch) else None  # a depth cloud's points have no picture
    patch = hover_info.zoom_patch(shown, column, row) if shown is not None else None
    found = store.latest_at(hover.entity_path, timeline, time, components=[C.TENSOR])
    if found is None or C.TENSOR not in found.components:
        return [hover_info.Row("pixel", f"({column}, {row})")], patch
    try:
        tensor = values.tensor(found.components[C.TENSOR])
    except values.ComponentError as exc:
        return [hover_info.Row("pixel", f"({column}, {row})"), hover_info.Row("value", str(exc))], patch
    array = tensor.array
    if array is not None and isinstance(host.builder, TensorViewBuilder):  # a slice of an N-d tensor
        state = host.builder.state
        if state.height_axis is not None and state.width_axis is not None:
            return hover_info.tensor_cell_rows(array, state.height_axis, state.width_axis, state.indices, column, row,
                                               tensor.names), patch
    if array is None or hover.layer not in ("image", "depth_cloud"):  # JPEG: read the value off what is shown
        array = shown
        if array is None:
            return [hover_info.Row("pixel", f"({column}, {row})")], patch
    elif array.ndim > 2 and array.shape[-1] == 1:
        array = array[..., 0]
    while array.ndim > 3 or (array.ndim == 3 and array.shape[0] == 1):  # leading 1-sized dims (1, H, W, C)
        array = array[0]
    return hover_info.pixel_rows(array, column, row, tensor.meaning, tensor.meter), patch


def _draw_patch(patch: np.ndarray) -> None:
    """The zoomed pixels, each as a filled square, the centre (hovered) one outlined."""
    size = patch.shape[0]
    origin = imgui.get_cursor_screen_pos()
    draw_list = imgui.get_window_draw_list()
    for r in range(size):
        for c in range(size):
            red, green, blue, alpha = (int(v) for v in patch[r, c])
            if alpha == 0:
                continue
            lo = imgui.ImVec2(origin.x + c * PATCH_CELL_PX, origin.y + r * PATCH_CELL_PX)
            hi = imgui.ImVec2(lo.x + PATCH_CELL_PX, lo.y + PATCH_CELL_PX)
            draw_list.add_rect_filled(lo, hi, imgui.color_convert_float4_to_u32(
                imgui.ImVec4(red / 255, green / 255, blue / 255, 1.0)))
    centre = size // 2
    lo = imgui.ImVec2(origin.x + centre * PATCH_CELL_PX, origin.y + centre * PATCH_CELL_PX)
    draw_list.add_rect(lo, imgui.ImVec2(lo.x + PATCH_CELL_PX, lo.y + PATCH_CELL_PX),
                       imgui.color_convert_float4_to_u32(imgui.ImVec4(1, 1, 1, 1)), 0.0, 1.5)
    imgui.dummy(imgui.ImVec2(size * PATCH_CELL_PX, size * PATCH_CELL_PX))
