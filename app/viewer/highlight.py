"""Outlines of the hovered and the selected instance in a space view, drawn with ImGui over the vispy picture.

A point gets a ring just outside its disc; a line strip, box or arrow its own segments redrawn in the highlight
colour; a mesh the outline of its silhouette on screen; an image pixel gets the outline of that pixel (as the
original's hover outline: instance-exact, without re-uploading anything to the GPU).
"""

from __future__ import annotations

import numpy as np
from imgui_bundle import imgui
from rerun_scene.batches import BoxBatch, ImageBatch, LineBatch, MeshBatch
from rerun_scene.geometry import box_lines, silhouette_edges

HOVER_RGBA = (255, 255, 255, 255)
SELECT_RGBA = (255, 170, 0, 255)
RING_MARGIN_PX = 3.0
RING_THICKNESS = 2.0
MIN_RING_PX = 5.0


def point_ring(host, path: str, layer: str, row: int) -> tuple[float, float, float] | None:
    """(x, y, radius) in canvas pixels of a ring around point ``row`` of ``layer`` of ``path``, or None."""
    layers = host.entity_layers.get(path)
    batch = layers.batches.get(layer) if layers else None
    pick = layers.pick_info.get(layer) if layers else None
    if batch is None or pick is None or pick.positions is None or not 0 <= row < len(pick.positions):
        return None
    local = np.zeros(3)
    local[: len(pick.positions[row][:3])] = pick.positions[row][:3]
    transform = np.asarray(batch.transform if batch.transform is not None else np.eye(4), np.float64)
    world = transform[:3, :3] @ local + transform[:3, 3]
    radius = float(np.broadcast_to(batch.radii, (len(batch),))[row]) if batch.radii is not None else 0.0
    if not np.isfinite(radius) or radius < 0:
        radius = 0.0
    if batch.radius_unit == "world" and radius > 0:
        # the radius seen on screen: the farthest of the three axis offsets (the disc faces the camera)
        scale = np.linalg.norm(transform[:3, :3], axis=0).max()
        offsets = world + np.eye(3) * radius * scale
        canvas = host.world_to_canvas(np.vstack([world, offsets]))
        if not np.isfinite(canvas[0]).all():
            return None
        radius_px = float(np.nanmax(np.linalg.norm(canvas[1:] - canvas[0], axis=1)))
    else:
        canvas = host.world_to_canvas(world[None])
        if not np.isfinite(canvas[0]).all():
            return None
        radius_px = radius
    return float(canvas[0][0]), float(canvas[0][1]), max(radius_px + RING_MARGIN_PX, MIN_RING_PX)


def pixel_outline(host, path: str, layer: str, column: int, row: int) -> np.ndarray | None:
    """The 4 canvas corners of image pixel (column, row) of ``layer`` of ``path``, or None."""
    layers = host.entity_layers.get(path)
    batch = layers.batches.get(layer) if layers else None
    if not isinstance(batch, ImageBatch):
        return None
    h, w = batch.rgba.shape[:2]
    tl, tr, br, bl = (np.asarray(c, np.float64) for c in batch.corners)

    def at(u: float, v: float) -> np.ndarray:  # bilinear on the quad (u along the width, v down the height)
        return (1 - v) * ((1 - u) * tl + u * tr) + v * ((1 - u) * bl + u * br)

    local = np.array([at(column / w, row / h), at((column + 1) / w, row / h), at((column + 1) / w, (row + 1) / h),
                      at(column / w, (row + 1) / h)])
    transform = np.asarray(batch.transform if batch.transform is not None else np.eye(4), np.float64)
    world = local @ transform[:3, :3].T + transform[:3, 3]
    canvas = host.world_to_canvas(world)
    return canvas if np.isfinite(canvas).all() else None


def instance_segments(host, path: str, layer: str, instance: int) -> np.ndarray | None:
    """Canvas segments (K, 2, 2) of one line strip / box / arrow instance, drawn over it as its outline."""
    layers = host.entity_layers.get(path)
    batch = layers.batches.get(layer) if layers else None
    if isinstance(batch, MeshBatch):
        return mesh_outline(host, path, instance)
    if isinstance(batch, BoxBatch):
        lines = box_lines(batch)
    elif isinstance(batch, LineBatch):
        lines = batch
    else:
        return None
    which = lines.instance_of_segment
    segments = lines.segments[np.asarray(which) == instance] if which is not None else lines.segments[instance:instance + 1]
    if not len(segments):
        return None
    local = np.zeros((segments.shape[0] * 2, 3))
    local[:, : segments.shape[2]] = segments.reshape(-1, segments.shape[2])
    transform = np.asarray(batch.transform if batch.transform is not None else np.eye(4), np.float64)
    canvas = host.world_to_canvas(local @ transform[:3, :3].T + transform[:3, 3]).reshape(-1, 2, 2)
    canvas = canvas[np.isfinite(canvas).all(axis=(1, 2))]
    return canvas if len(canvas) else None


def mesh_outline(host, path: str, instance: int) -> np.ndarray | None:
    """Canvas segments (K, 2, 2) outlining on screen every mesh part of ``path`` that is instance ``instance``."""
    layers = host.entity_layers.get(path)
    parts = [] if layers is None else [
        b for b in layers.batches.values()
        if isinstance(b, MeshBatch) and (b.instance_id if b.instance_id is not None else 0) == instance]
    segments = []
    for batch in parts:
        transform = np.asarray(batch.transform if batch.transform is not None else np.eye(4), np.float64)
        world = batch.vertices.astype(np.float64) @ transform[:3, :3].T + transform[:3, 3]
        canvas = host.world_to_canvas(world)
        edges = silhouette_edges(canvas, batch.indices)
        if len(edges):
            segments.append(canvas[edges])
    if not segments:
        return None
    out = np.concatenate(segments)
    out = out[np.isfinite(out).all(axis=(1, 2))]
    return out if len(out) else None


def draw(draw_list, shape, rgba) -> None:
    """Draw a ring ``(x, y, r)``, a quad outline (4, 2) or segments (K, 2, 2) on ``draw_list``."""
    colour = imgui.color_convert_float4_to_u32(imgui.ImVec4(*(c / 255 for c in rgba)))
    if isinstance(shape, np.ndarray) and shape.ndim == 3:
        for (x0, y0), (x1, y1) in shape:
            draw_list.add_line(imgui.ImVec2(float(x0), float(y0)), imgui.ImVec2(float(x1), float(y1)), colour,
                               RING_THICKNESS + 1)
        return
    if isinstance(shape, tuple):
        x, y, r = shape
        draw_list.add_circle(imgui.ImVec2(x, y), r, colour, 0, RING_THICKNESS)
    else:
        points = [imgui.ImVec2(float(x), float(y)) for x, y in shape]
        draw_list.add_polyline(points, colour, RING_THICKNESS, imgui.ImDrawFlags_.closed)
