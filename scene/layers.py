"""Layers: the vispy nodes that show one batch, and how to pick an instance in them.

A layer owns a ``vispy.scene.Node`` (its transform is the batch's world_from_local) holding one or
more lean visuals. ``update(batch)`` re-uploads only when given a different batch object or a
higher ``version``. ``pick`` works on the CPU from the batch's arrays and a local→canvas matrix.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from vispy import scene
from vispy.visuals.transforms import MatrixTransform

from . import geometry
from ._checks import column_bounds
from .batches import (
    ArrowBatch,
    BoxBatch,
    FrustumBatch,
    ImageBatch,
    LabelBatch,
    LineBatch,
    MeshBatch,
    PointBatch,
)
from .visuals import LeanVisual, nodes
from .visuals.lines import ARROW_HEAD, ARROW_SHAFT

PICK_TOLERANCE_PX = 3.0


class Hit(NamedTuple):
    """A pick candidate inside one layer: instance index and its NDC depth (smaller is nearer)."""

    index: int
    depth: float


def _world_box(points: np.ndarray, transform: np.ndarray):
    """World bounds of local ``points`` under ``transform`` (via the local box for big sets)."""
    if points.shape[0] == 0:
        return None
    if points.shape[0] > 4096:  # bounds of the local box are enough for big clouds
        lo, hi = column_bounds(points)
        points = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
    world = points @ transform[:3, :3].T + transform[:3, 3]
    return world.min(axis=0), world.max(axis=0)


class Layer:
    """Base class: a node under the view's scene showing one batch."""

    draw_order = 0  # 2D views draw (and pick) higher orders on top

    def __init__(self, parent):
        self.node = scene.Node(parent=parent)
        self.node.order = self.draw_order
        self.node.transform = MatrixTransform()
        self.batch = None
        self._version = None
        self._world_bounds = None

    # -- data --------------------------------------------------------------------------------

    def update(self, batch) -> bool:
        """Show ``batch``; returns True when it was uploaded (False: same object and version)."""
        if batch is self.batch and batch.version == self._version:
            return False
        self.node.transform.matrix = np.asarray(batch.transform, dtype=np.float64).T
        self._upload(batch)
        self.batch = batch
        self._version = batch.version
        self._world_bounds = self._compute_world_bounds()
        return True

    def _upload(self, batch) -> None:
        raise NotImplementedError

    @property
    def visuals(self) -> list:
        """The lean visuals of this layer."""
        return [child for child in self.node.children if isinstance(child, LeanVisual)]

    @property
    def upload_count(self) -> int:
        """Total GPU uploads done by this layer's visuals."""
        return sum(visual.upload_count for visual in self.visuals)

    def set_depth_test(self, enabled: bool) -> None:
        for child in self.node.children:
            child.update_gl_state(depth_test=enabled)

    def remove(self) -> None:
        self.node.parent = None

    # -- geometry ----------------------------------------------------------------------------

    def local_points(self) -> np.ndarray:
        """Points whose world bounds bound the layer (local space, finite rows only)."""
        return np.zeros((0, 3))

    def world_bounds(self):
        """((3,) min, (3,) max) of the layer in world space, or None when empty (cached per upload)."""
        return self._world_bounds if self.batch is not None else None

    def _compute_world_bounds(self):
        return _world_box(self.local_points(), self.batch.transform)


    def pick(self, canvas_from_local: np.ndarray, x: float, y: float, px_per_unit: float) -> Hit | None:
        """The instance under canvas pixel (x, y), if any. ``px_per_unit``: see visuals._common."""
        return None


def _finite(points: np.ndarray) -> np.ndarray:
    return points[np.isfinite(points).all(axis=1)]


def _project_visible(matrix: np.ndarray, points: np.ndarray):
    """Canvas xy, NDC depth and w of points; rows behind the camera or non-finite get NaN."""
    projected, w = geometry.project(matrix, points)
    bad = ~(w > 0) | ~np.isfinite(projected).all(axis=1)
    projected[bad] = np.nan
    return projected, w


def _segment_distances(a: np.ndarray, b: np.ndarray, x: float, y: float) -> tuple[np.ndarray, np.ndarray]:
    """Distance from (x, y) to 2D segments a-b and the parameter t of the closest point."""
    ab = b - a
    ap = np.array([x, y]) - a
    denom = (ab * ab).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.clip(np.where(denom > 0, (ap * ab).sum(axis=1) / denom, 0.0), 0.0, 1.0)
    closest = a + t[:, None] * ab
    return np.linalg.norm(closest - [x, y], axis=1), t


def _triangle_hits(corners_xy: np.ndarray, corners_z: np.ndarray, x: float, y: float):
    """Barycentric test of (x, y) against (T, 3, 2) triangles: (hit mask, depth, barycentrics)."""
    a, b, c = corners_xy[:, 0], corners_xy[:, 1], corners_xy[:, 2]
    v0, v1, v2 = b - a, c - a, np.array([x, y]) - a
    den = v0[:, 0] * v1[:, 1] - v1[:, 0] * v0[:, 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        beta = (v2[:, 0] * v1[:, 1] - v1[:, 0] * v2[:, 1]) / den
        gamma = (v0[:, 0] * v2[:, 1] - v2[:, 0] * v0[:, 1]) / den
    alpha = 1.0 - beta - gamma
    eps = -1e-9
    hit = (den != 0) & (alpha >= eps) & (beta >= eps) & (gamma >= eps)
    depth = alpha * corners_z[:, 0] + beta * corners_z[:, 1] + gamma * corners_z[:, 2]
    return hit & np.isfinite(depth), depth, np.stack([alpha, beta, gamma], axis=1)


# --- points ----------------------------------------------------------------------------------


class PointsLayer(Layer):
    draw_order = 30

    def __init__(self, parent):
        super().__init__(parent)
        self.points = nodes.Points(parent=self.node)
        self._projection_key = None
        self._projection = None

    def _upload(self, batch: PointBatch) -> None:
        self.points.set_data(batch.positions, batch.colors, batch.radii, batch.radius_unit, batch.finite)

    def local_points(self):
        b = self.batch
        return b.positions if b.finite is None else b.positions[b.finite]

    def _compute_world_bounds(self):
        bounds = self.points.local_bounds  # finite bounds, computed once on upload
        if bounds is None:
            return None
        lo, hi = bounds
        b = self.batch
        if b.radius_unit == "world" and np.size(b.radii):
            # a sphere's extent, not just its centre (Rerun 0.4 frames the scene with radii included)
            reach = float(np.max(b.radii))
            lo, hi = lo - reach, hi + reach
        corners = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
        return _world_box(corners, self.batch.transform)

    def pick(self, canvas_from_local, x, y, px_per_unit):
        b = self.batch
        if len(b) == 0:
            return None
        # Hover picking asks many times per camera pose: keep the projection of the last pose.
        key = (b, b.version, canvas_from_local.tobytes())  # the batch itself: ids can be reused
        last = self._projection_key
        if last is None or last[0] is not b or last[1:] != key[1:]:
            self._projection = _project_visible(canvas_from_local, b.positions)
            self._projection_key = key
        projected, w = self._projection
        distance = np.hypot(projected[:, 0] - x, projected[:, 1] - y)
        radii = np.broadcast_to(b.radii, (len(b),)).astype(np.float64)
        if b.radius_unit == "world":
            with np.errstate(divide="ignore", invalid="ignore"):
                radii = radii * px_per_unit / w
        inside = distance <= np.maximum(radii, 0.5) + PICK_TOLERANCE_PX
        inside &= np.isfinite(distance)
        if not inside.any():
            return None
        candidates = np.flatnonzero(inside)
        best = candidates[np.lexsort((distance[candidates], projected[candidates, 2]))[0]]
        return Hit(int(best), float(projected[best, 2]))


# --- lines, boxes, arrows ---------------------------------------------------------------------


class LinesLayer(Layer):
    draw_order = 20

    def __init__(self, parent):
        super().__init__(parent)
        self.lines = nodes.Lines(parent=self.node)
        self.line_batch: LineBatch | None = None

    def _as_lines(self, batch) -> LineBatch:
        return batch

    def _upload(self, batch) -> None:
        lines = self._as_lines(batch)
        self.line_batch = lines
        owner = lines.instance_of_segment
        colors = lines.colors if lines.colors.ndim == 1 else lines.colors[owner]
        radii = lines.widths / 2.0 if lines.widths.ndim == 0 else lines.widths[owner] / 2.0
        self.lines.set_data(lines.segments, colors, radii, lines.width_unit)

    def local_points(self):
        return _finite(self.line_batch.segments.reshape(-1, 3))

    def pick(self, canvas_from_local, x, y, px_per_unit):
        lines = self.line_batch
        if lines.segments.shape[0] == 0:
            return None
        projected, w = _project_visible(canvas_from_local, lines.segments.reshape(-1, 3))
        projected = projected.reshape(-1, 2, 3)
        distance, t = _segment_distances(projected[:, 0, :2], projected[:, 1, :2], x, y)
        widths = np.broadcast_to(lines.widths, (lines.n_instances,))[lines.instance_of_segment].astype(np.float64)
        if lines.width_unit == "world":  # the width at the closest point's depth
            w = w.reshape(-1, 2)
            with np.errstate(divide="ignore", invalid="ignore"):
                widths = widths * px_per_unit / (w[:, 0] + t * (w[:, 1] - w[:, 0]))
        inside = np.isfinite(distance) & (distance <= widths / 2.0 + PICK_TOLERANCE_PX)
        if not inside.any():
            return None
        depth = projected[:, 0, 2] + t * (projected[:, 1, 2] - projected[:, 0, 2])
        candidates = np.flatnonzero(inside)
        best = candidates[np.lexsort((distance[candidates], depth[candidates]))[0]]
        return Hit(int(lines.instance_of_segment[best]), float(depth[best]))


class BoxesLayer(LinesLayer):
    def _as_lines(self, batch: BoxBatch) -> LineBatch:
        return geometry.box_lines(batch)


class ArrowsLayer(LinesLayer):
    """Flat, camera-facing arrows as Rerun 0.4 draws them: a shaft with a round start and a triangle head
    (see :mod:`rerun_scene.visuals.lines`); shaft radii in local units when the batch has radii, else pixels."""

    def _upload(self, batch: ArrowBatch) -> None:
        n = len(batch)
        whole = np.stack([batch.origins, batch.origins + batch.vectors], axis=1).astype(np.float32)
        owner = np.repeat(np.arange(n, dtype=np.int32), 2)
        world = batch.radii is not None
        radii = np.broadcast_to(batch.radii if world else batch.widths / 2.0, (n,)).astype(np.float32)
        colors = batch.colors if batch.colors.ndim == 1 else batch.colors[owner]
        kinds = np.tile(np.array([ARROW_SHAFT, ARROW_HEAD], np.float32), n)
        self.lines.set_data(whole[owner], colors, radii[owner], "world" if world else "px", kinds, shaded=True)
        # picked as a line as wide as the head's base
        self.line_batch = LineBatch(whole, colors=batch.colors, widths=4.0 * radii,
                                    width_unit="world" if world else "px", ids=batch.ids, transform=batch.transform)


# --- meshes and images -----------------------------------------------------------------------


class MeshLayer(Layer):
    draw_order = 10

    def __init__(self, parent):
        super().__init__(parent)
        self.mesh = nodes.Mesh(parent=self.node)

    def _upload(self, batch: MeshBatch) -> None:
        self.mesh.set_data(
            batch.vertices, batch.indices, batch.normals, batch.vertex_colors, batch.albedo, batch.shading
        )

    def local_points(self):
        b = self.batch
        return _finite(b.vertices[np.unique(b.indices)]) if b.indices.size else np.zeros((0, 3))

    def pick(self, canvas_from_local, x, y, px_per_unit):
        b = self.batch
        if b.indices.size == 0:
            return None
        projected, _ = _project_visible(canvas_from_local, b.vertices)
        tri = projected[b.indices]
        hit, depth, _ = _triangle_hits(tri[:, :, :2], tri[:, :, 2], x, y)
        if not hit.any():
            return None
        return Hit(0, float(np.min(depth[hit])))  # a mesh is one instance, whichever triangle is hit


class ImageLayer(Layer):
    """Pick index of an image is ``row * width + column`` of the pixel under the cursor."""

    draw_order = 0

    def __init__(self, parent):
        super().__init__(parent)
        self.image = nodes.Image(parent=self.node)

    def _upload(self, batch: ImageBatch) -> None:
        self.image.set_data(batch.rgba, batch.corners, batch.interpolation, batch.opacity * self.stack_opacity)

    #: Opacity from the view's image stacking (multiplies the batch's own).
    stack_opacity = 1.0

    def set_stack_opacity(self, opacity: float) -> None:
        """Opacity given by the view's stacking of several images (no re-upload)."""
        self.stack_opacity = float(opacity)
        if self.batch is not None:
            self.image.set_opacity(self.batch.opacity * self.stack_opacity)

    def local_points(self):
        return self.batch.corners

    def pick(self, canvas_from_local, x, y, px_per_unit):
        return _pick_quad(canvas_from_local, self.batch.corners, self.batch.shape, x, y)


def _pick_quad(canvas_from_local, corners, shape, x, y) -> Hit | None:
    """Pixel of an image quad (TL, TR, BR, BL corners) under (x, y), perspective-correct."""
    projected, w = _project_visible(canvas_from_local, corners)
    tris = np.array([[0, 1, 2], [0, 2, 3]])
    hit, depth, bary = _triangle_hits(projected[tris][:, :, :2], projected[tris][:, :, 2], x, y)
    if not hit.any():
        return None
    k = int(np.flatnonzero(hit)[0])
    uv_corners = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])[tris[k]]
    inv_w = 1.0 / w[tris[k]]
    weights = bary[k] * inv_w
    uv = (weights[:, None] * uv_corners).sum(axis=0) / weights.sum()
    height, width = shape
    column = min(int(uv[0] * width), width - 1)
    row = min(int(uv[1] * height), height - 1)
    return Hit(row * width + column, float(depth[k]))


# --- frustums and labels ---------------------------------------------------------------------


class FrustumLayer(Layer):
    """Frustum lines plus, when the batch has an image, that image on the image plane."""

    draw_order = 20

    def __init__(self, parent):
        super().__init__(parent)
        self.lines = nodes.Lines(parent=self.node)
        self.image = None

    def _upload(self, batch: FrustumBatch) -> None:
        lines = geometry.frustum_lines(batch)
        self.lines.set_data(lines.segments, batch.colors, batch.width / 2.0, "px")
        if batch.image is not None:
            if self.image is None:
                self.image = nodes.Image(parent=self.node)
            corners = geometry.frustum_image_corners(batch)
            self.image.set_data(batch.image, corners, "nearest", 1.0)
            self.image.visible = True
        elif self.image is not None:
            self.image.visible = False

    def local_points(self):
        return np.vstack([np.zeros((1, 3)), geometry.frustum_image_corners(self.batch)])

    def pick(self, canvas_from_local, x, y, px_per_unit):
        b = self.batch
        if b.image is not None:
            hit = _pick_quad(canvas_from_local, geometry.frustum_image_corners(b), b.image.shape[:2], x, y)
            if hit is not None:
                return Hit(0, hit.depth)
        lines = geometry.frustum_lines(b)
        projected, _ = _project_visible(canvas_from_local, lines.segments.reshape(-1, 3))
        projected = projected.reshape(-1, 2, 3)
        distance, _ = _segment_distances(projected[:, 0, :2], projected[:, 1, :2], x, y)
        close = np.isfinite(distance) & (distance <= b.width / 2 + PICK_TOLERANCE_PX)
        if not close.any():
            return None
        return Hit(0, float(np.nanmin(projected[close, 0, 2])))


#: Average glyph advance of the label font, in ems (sizes the box behind a label).
LABEL_CHAR_EM = 0.58


class LabelsLayer(Layer):
    """vispy Text labels, centred below their positions (picking hits the anchor)."""

    draw_order = 40

    def __init__(self, parent):
        super().__init__(parent)
        # A dark box behind each label (created first: drawn first), as Rerun 0.4 draws them
        self.boxes = nodes.LabelBoxes(parent=self.node)
        # Centred below the anchor, as Rerun 0.4 places point, box and rect labels ("bottom": vispy's text
        # anchors count y upwards, the view's pixels downwards)
        self.text = scene.visuals.Text(parent=self.node, anchor_x="center", anchor_y="bottom")
        self.boxes.order, self.text.order = 0, 1
        self.uploads = 0

    @property
    def upload_count(self) -> int:
        return self.uploads

    def _upload(self, batch: LabelBatch) -> None:
        keep = np.isfinite(batch.positions).all(axis=1)
        texts = [t for t, k in zip(batch.texts, keep) if k]
        self.text.visible = self.boxes.visible = bool(texts)
        if texts:
            self.text.text = texts
            self.text.pos = batch.positions[keep]
            font_px = batch.font_size * 96.0 / 72.0  # logical pixels of the font's em at 96 dpi
            sizes = np.array([[len(t) * LABEL_CHAR_EM * font_px + 8.0, 1.25 * font_px + 4.0] for t in texts])
            self.boxes.set_data(batch.positions[keep], sizes, top_px=1.0)  # clear of a rect's bottom edge
        self.text.color = (batch.colors if batch.colors.ndim == 1 else batch.colors[keep]) / 255.0
        self.text.font_size = batch.font_size
        self.uploads += 1

    def local_points(self):
        return _finite(self.batch.positions)

    def pick(self, canvas_from_local, x, y, px_per_unit):
        b = self.batch
        if len(b) == 0:
            return None
        projected, _ = _project_visible(canvas_from_local, b.positions)
        distance = np.hypot(projected[:, 0] - x, projected[:, 1] - y)
        distance[~np.isfinite(distance)] = np.inf
        best = int(np.argmin(distance))
        if distance[best] > 2 * PICK_TOLERANCE_PX + b.font_size:
            return None
        return Hit(best, float(projected[best, 2]))


LAYER_OF_BATCH = {
    PointBatch: PointsLayer,
    LineBatch: LinesLayer,
    BoxBatch: BoxesLayer,
    ArrowBatch: ArrowsLayer,
    MeshBatch: MeshLayer,
    ImageBatch: ImageLayer,
    FrustumBatch: FrustumLayer,
    LabelBatch: LabelsLayer,
}


def layer_class(batch) -> type[Layer]:
    """The layer class showing ``batch``; TypeError naming the batch kinds accepted otherwise."""
    try:
        return LAYER_OF_BATCH[type(batch)]
    except KeyError:
        names = ", ".join(cls.__name__ for cls in LAYER_OF_BATCH)
        raise TypeError(f"batch: expected one of {names}, got {type(batch).__name__}") from None
