"""The tensor view's dimension captions over its slice, as the original's: the width dimension's name and size at
the picture's top-right corner with an arrow pointing right, the height dimension's at its bottom-left with an arrow
pointing down, each on a dark rounded box; hidden while the mouse is over the picture (the hover readout is then
what matters)."""

from __future__ import annotations

import numpy as np
from imgui_bundle import imgui
from rerun_scene.batches import ImageBatch

#: Gap between the picture's edge and a caption box, and the box's inner margin (logical pixels).
OUTER_MARGIN, INNER_MARGIN = 8.0, 4.0
ARROW = 9.0  # the arrow triangle's size
_TEXT = 0xFFDCDCDC  # ImU32 ABGR
_BOX = 0xE6241E1B


def dimension_caption(shape, names, axis: int) -> str:
    """``"width (size=30)"``, or ``"Dimension 1 (size=30)"`` for an unnamed dimension (the original's words)."""
    name = names[axis] if axis < len(names) and names[axis] else None
    return f"{name or f'Dimension {axis}'} (size={shape[axis]})"


def picture_rect(host) -> tuple[float, float, float, float] | None:
    """Canvas (x0, y0, x1, y1) of the slice picture of a tensor view, or None before it is drawn."""
    layers = host.entity_layers.get(host.spec.root)
    batch = None if layers is None else layers.batches.get("slice")
    if not isinstance(batch, ImageBatch):
        return None
    corners = np.asarray(batch.corners, np.float64)
    canvas = host.world_to_canvas(corners)
    if not np.isfinite(canvas).all():
        return None
    (x0, y0), (x1, y1) = canvas.min(axis=0), canvas.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


def draw_axis_captions(viewer, spec, host) -> None:
    """Draw both captions over the view (``viewer`` is a PanelContext: what was drawn goes to its ``plot_frames``
    under the view's name, for state dumps)."""
    builder = host.builder
    rect = picture_rect(host)
    info = {"captions": []}
    viewer.plot_frames[spec.name] = info
    if builder.shape is None or rect is None:
        return
    x0, y0, x1, y1 = rect
    mouse = imgui.get_mouse_pos()
    if x0 <= mouse.x <= x1 and y0 <= mouse.y <= y1:
        return
    state, shape, names = builder.state, builder.shape, builder.names
    draw_list = imgui.get_window_draw_list()
    width_text = dimension_caption(shape, names, state.width_axis)
    height_text = dimension_caption(shape, names, state.height_axis)
    size = imgui.calc_text_size(width_text)
    box_w, box_h = size.x + ARROW + 3 * INNER_MARGIN, size.y + 2 * INNER_MARGIN
    bx1, by0 = x1 - OUTER_MARGIN, y0 + OUTER_MARGIN
    width_box = (bx1 - box_w, by0, box_w, box_h)
    _box(draw_list, width_box)
    ax, ay = width_box[0] + INNER_MARGIN, by0 + box_h / 2
    draw_list.add_triangle_filled(imgui.ImVec2(ax, ay - ARROW / 2), imgui.ImVec2(ax + ARROW, ay),
                                  imgui.ImVec2(ax, ay + ARROW / 2), _TEXT)  # pointing right
    draw_list.add_text(imgui.ImVec2(ax + ARROW + INNER_MARGIN, by0 + INNER_MARGIN), _TEXT, width_text)
    size = imgui.calc_text_size(height_text)
    box_w, box_h = size.x + ARROW + 3 * INNER_MARGIN, size.y + 2 * INNER_MARGIN
    bx0, by1 = x0 + OUTER_MARGIN, y1 - OUTER_MARGIN
    height_box = (bx0, by1 - box_h, box_w, box_h)
    _box(draw_list, height_box)
    ax, ay = bx0 + INNER_MARGIN + ARROW / 2, by1 - box_h / 2
    draw_list.add_triangle_filled(imgui.ImVec2(ax - ARROW / 2, ay - ARROW / 2),
                                  imgui.ImVec2(ax + ARROW / 2, ay - ARROW / 2),
                                  imgui.ImVec2(ax, ay + ARROW / 2), _TEXT)  # pointing down
    draw_list.add_text(imgui.ImVec2(bx0 + ARROW + 2 * INNER_MARGIN, by1 - box_h + INNER_MARGIN), _TEXT, height_text)
    info["captions"] = [{"axis": "width", "text": width_text, "rect": list(width_box)},
                        {"axis": "height", "text": height_text, "rect": list(height_box)}]
    info["picture"] = list(rect)


def _box(draw_list, rect) -> None:
    x, y, w, h = rect
    draw_list.add_rect_filled(imgui.ImVec2(x, y), imgui.ImVec2(x + w, y + h), _BOX, 4.0)
