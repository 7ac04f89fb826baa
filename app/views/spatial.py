"""Spatial view builders: one entity's latest-at components → frozen ``rerun_scene`` batches.

:func:`build_entity` returns an :class:`EntityLayers` (named batches plus warnings). It never raises for bad data:
each primitive kind is built in its own guard, and a failure becomes a warning on the entity (shown in the
selection panel and logged) while the entity's other primitives still draw.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable, Mapping, NamedTuple

import numpy as np
import pyarrow as pa
from rerun import components as C
from rerun_scene import batches as sb

from rerun_app.views import pixels, values
from rerun_app.views.annotations import AnnotationContext
from rerun_app.views.transforms import Placement

log = logging.getLogger(__name__)

MAX_LABELS = 300  # vispy Text is per-glyph work; more labels than this are not drawn (Rerun 0.4 hides them too)
MAX_TEXTURE = 16384


@dataclass
class EntityProperties:
    """Per-entity settings from the selection panel (Rerun 0.4's blueprint properties)."""

    visible: bool = True
    backproject_depth: bool = True
    depth_colormap: str = "turbo"
    color_depth_from_image: bool = True
    point_radius_scale: float = 1.0
    image_plane_distance: float | None = None  # None: from the scene size
    visible_history: int = 0  # sequence steps or nanoseconds of history to include (0: latest only)


class PickInfo(NamedTuple):
    """Per-instance data of a layer, for hover and selection (row ``i`` = the layer's ``i``-th drawn instance)."""

    instance_keys: np.ndarray | None  # None: the row is the instance key
    labels: list | None
    positions: np.ndarray | None  # local (batch) coordinates, (N, 2) or (N, 3)
    #: For a depth cloud: the pinhole (3x3, pixel from camera) its points were back-projected through, so that a
    #: point leads back to the depth image's pixel it came from.
    image_from_camera: np.ndarray | None = None


@dataclass
class EntityLayers:
    """What one entity contributes to a view."""

    batches: dict[str, sb.Batch] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: Instance data for hover/selection, per layer name.
    pick_info: dict[str, PickInfo] = field(default_factory=dict)


@dataclass
class BuildContext:
    """Everything a builder needs besides the entity's own components."""

    placement: Placement
    annotations: AnnotationContext
    properties: EntityProperties
    mode: str = "3d"  # "3d" or "2d"
    #: Latest image-shaped colour tensor next to a depth image (same pinhole), for RGB-coloured depth clouds.
    sibling_color_image: np.ndarray | None = None
    default_image_plane_distance: float = 1.0
    #: At most about this many points per depth cloud (back-projecting every n-th pixel); None: every pixel.
    depth_point_budget: int | None = None


def _get(components: Mapping[str, pa.Array], name: str) -> pa.Array | None:
    try:
        return components[name] if name in components else None
    except KeyError:
        return None


def _guard(layers: EntityLayers, what: str, fn: Callable[[], None]) -> None:
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 (bad data must never take the view down)
        msg = f"{what}: {exc}"
        layers.warnings.append(msg)
        log.warning("entity data not shown: %s", msg)


def _colors(components, n: int, ctx: BuildContext, class_ids=None, keypoint_ids=None) -> np.ndarray | None:
    arr = _get(components, C.COLOR)
    if arr is not None and len(arr):
        return values.colors_rgba8(arr)
    if class_ids is not None:
        return ctx.annotations.colors_for(class_ids, keypoint_ids)
    return None


def build_entity(latest, ctx: BuildContext) -> EntityLayers:
    """Build every primitive an entity's latest-at result holds.

    Parameters
    ----------
    latest : LatestAt (interface E)
        ``components`` (name → instance array), ``num_instances``, ``instance_keys``.
    ctx : BuildContext
    """
    layers = EntityLayers()
    if ctx.placement.error:
        layers.warnings.append(ctx.placement.error)
    comps = latest.components
    names = set(comps)
    transform = ctx.placement.world_from_local.astype(np.float32)
    under_pinhole = ctx.placement.pinhole_path is not None
    if ctx.placement.error and under_pinhole:
        return layers  # a broken pinhole cannot place its image-space content
    in_image_space = ctx.mode == "3d" and under_pinhole
    flat_ok = ctx.mode == "2d" or in_image_space  # 2D primitives need a 2D view or an image plane
    keys = np.asarray(latest.instance_keys, dtype=np.uint64)

    for comp, dims in ((C.POINT3D, 3), (C.POINT2D, 2)):
        if comp in names and (dims == 3 or flat_ok) and not (dims == 3 and ctx.mode == "2d"):
            _guard(layers, comp, lambda comp=comp, dims=dims: _points(layers, comps, comp, dims, keys, ctx, transform))
    for comp, dims in ((C.LINESTRIP3D, 3), (C.LINESTRIP2D, 2)):
        if comp in names and (dims == 3 or flat_ok) and not (dims == 3 and ctx.mode == "2d"):
            _guard(layers, comp, lambda comp=comp, dims=dims: _strips(layers, comps, comp, dims, ctx, transform))
    if C.RECT2D in names and flat_ok:
        _guard(layers, C.RECT2D, lambda: _rects(layers, comps, ctx, transform))
    if ctx.mode == "3d":
        if C.BOX3D in names:
            _guard(layers, C.BOX3D, lambda: _boxes(layers, comps, ctx, transform))
        if C.ARROW3D in names:
            _guard(layers, C.ARROW3D, lambda: _arrows(layers, comps, ctx, transform))
        if C.MESH3D in names:
            _guard(layers, C.MESH3D, lambda: _meshes(layers, comps, keys, transform))
        if C.TRANSFORM in names and ctx.placement.pinhole_path == latest.entity_path:
            _guard(layers, "pinhole", lambda: _frustum(layers, ctx))
    if C.TENSOR in names and flat_ok:
        _guard(layers, C.TENSOR, lambda: _tensor(layers, comps, ctx, transform))
    return layers


# -- primitives ------------------------------------------------------------------------------------------
def _points(layers, comps, comp, dims, keys, ctx, transform) -> None:
    positions = values.fixed_vectors(comps[comp], dims)
    n = positions.shape[0]
    class_ids = _get(comps, C.CLASS_ID)
    class_ids = values.scalars(class_ids, np.int64) if class_ids is not None else None
    keypoint_ids = _get(comps, C.KEYPOINT_ID)
    keypoint_ids = values.scalars(keypoint_ids, np.int64) if keypoint_ids is not None else None
    colors = _colors(comps, n, ctx, class_ids, keypoint_ids)
    radii_arr = _get(comps, C.RADIUS)
    radii = None
    if radii_arr is not None:
        radii = values.scalars(radii_arr, np.float32) * ctx.properties.point_radius_scale
        if (radii < 0).any():
            layers.warnings.append(f"{comp}: {(radii < 0).sum()} negative radii drawn as 0")
    bad = ~np.isfinite(positions).all(axis=1)
    if bad.any():
        layers.warnings.append(f"{comp}: {int(bad.sum())} of {n} positions are NaN/inf and are not drawn")
    batch = sb.PointBatch(positions, colors=colors, radii=radii, ids=keys[:n] if keys.size >= n else None,
                          transform=transform)
    layers.batches["points"] = batch
    label_list = _instance_labels(comps, n, ctx, class_ids, keypoint_ids)
    layers.pick_info["points"] = PickInfo(keys[:n], label_list, positions)
    _add_labels(layers, "labels", label_list, positions, colors, transform)
    if class_ids is not None and keypoint_ids is not None:
        _skeleton(layers, positions, class_ids, keypoint_ids, ctx, transform)


def _instance_labels(comps, n: int, ctx: BuildContext, class_ids=None, keypoint_ids=None) -> list | None:
    """Text per instance as Rerun 0.4 resolves it: the logged label, else the keypoint's label, else the class's."""
    labels = _get(comps, C.LABEL)
    texts = None
    if labels is not None and len(labels):
        texts = values.strings(labels)
        texts = texts * n if len(texts) == 1 and n > 1 else (texts + [None] * n)[:n]
    if class_ids is not None and ctx.annotations.classes and n <= MAX_LABELS:
        from_annotations = ctx.annotations.labels_for(class_ids[:n], keypoint_ids)
        texts = from_annotations if texts is None else [t or a for t, a in zip(texts, from_annotations)]
    return texts


def _add_labels(layers, key: str, texts, anchors: np.ndarray, colors, transform) -> None:
    """A label batch for the instances that have a text (in their own colour, opaque), unless there are too many."""
    n = anchors.shape[0]
    if texts is None or not 0 < n <= MAX_LABELS:
        return
    finite = np.isfinite(anchors).all(axis=1)
    shown = [i for i, t in enumerate(texts[:n]) if t and finite[i]]
    if not shown:
        return
    label_colors = None
    if colors is not None:
        colors = np.asarray(colors, np.uint8)
        label_colors = (colors if colors.ndim == 1 else colors[shown]).copy()
        label_colors[..., 3] = 255  # a transparent instance still gets a readable label
    layers.batches[key] = sb.LabelBatch([texts[i] for i in shown], anchors[shown], colors=label_colors,
                                        transform=transform)


def _skeleton(layers, positions, class_ids, keypoint_ids, ctx, transform) -> None:
    segments, colors = [], []
    for cid in np.unique(class_ids):
        info = ctx.annotations.classes.get(int(cid))
        if not info or not info.connections:
            continue
        mask = class_ids == cid
        by_kp = {int(k): positions[i] for i, k in zip(np.nonzero(mask)[0], keypoint_ids[mask])}
        for a, b in info.connections:
            if a in by_kp and b in by_kp:
                segments.append((by_kp[a], by_kp[b]))
                colors.append(ctx.annotations.class_color(int(cid)))
    if segments:
        seg = np.asarray(segments, dtype=np.float32)
        layers.batches["skeleton"] = sb.LineBatch(seg, colors=np.asarray(colors, np.uint8), transform=transform)


def strip_segments(arr: pa.Array, dims: int):
    """Segments of a ``list<fsl<f32, dims>>`` array of line strips, vectorised.

    Returns (segments (K, 2, dims) float32, strip index of each segment (K,), points, offsets from 0).
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    offsets = np.asarray(arr.offsets.to_numpy(zero_copy_only=False), dtype=np.int64)
    points = values.fixed_vectors(arr.values.slice(int(offsets[0]), int(offsets[-1] - offsets[0])), dims)
    offsets = offsets - offsets[0]
    # every pair of consecutive points that lies inside one strip is a segment of that strip
    owner = np.repeat(np.arange(n, dtype=np.int32), np.diff(offsets))
    inside = owner[:-1] == owner[1:] if len(owner) > 1 else np.zeros(0, bool)
    starts = np.nonzero(inside)[0]
    segments = np.stack([points[starts], points[starts + 1]], axis=1) if starts.size else np.zeros((0, 2, dims), np.float32)
    return segments, owner[starts] if starts.size else np.zeros(0, np.int32), points, offsets


def _line_widths(comps, n: int) -> np.ndarray | None:
    """Full widths in scene units from a logged radius (the SDK's ``stroke_width / 2``), one per instance or one for
    all; None without one (the view's automatic width, as in Rerun 0.4)."""
    arr = _get(comps, C.RADIUS)
    if arr is None or not len(arr):
        return None
    radii = values.scalars(arr, np.float32)
    if radii.size == 1:
        return np.full(n, 2.0 * radii[0], np.float32)
    if radii.size != n:
        raise values.ComponentError(f"{radii.size} radii for {n} instances")
    return 2.0 * radii


def _strips(layers, comps, comp, dims, ctx, transform) -> None:
    arr = comps[comp]
    n = len(arr)
    segments, owners, points, offsets = strip_segments(arr, dims)
    colors = _colors(comps, n, ctx)
    widths = _line_widths(comps, n)
    unit = "px" if widths is None else "world"
    if (int(owners.max()) + 1 if owners.size else 0) == n:
        layers.batches["lines"] = sb.LineBatch(segments, owners, colors=colors, widths=widths, transform=transform,
                                               width_unit=unit)
    else:  # trailing strips without segments: keep one colour and width per logged strip
        layers.batches["lines"] = sb.LineBatch.from_strips(
            [points[offsets[i]:offsets[i + 1]] for i in range(n)], colors=colors, widths=widths, transform=transform,
            width_unit=unit)


_RECT_CORNERS = {
    "XYWH": lambda r: (r[0], r[1], r[0] + r[2], r[1] + r[3]),
    "YXHW": lambda r: (r[1], r[0], r[1] + r[3], r[0] + r[2]),
    "XYXY": lambda r: (r[0], r[1], r[2], r[3]),
    "YXYX": lambda r: (r[1], r[0], r[3], r[2]),
    "XCYCWH": lambda r: (r[0] - r[2] / 2, r[1] - r[3] / 2, r[0] + r[2] / 2, r[1] + r[3] / 2),
    "XCYCW2H2": lambda r: (r[0] - r[2], r[1] - r[3], r[0] + r[2], r[1] + r[3]),
}


def _rects(layers, comps, ctx, transform) -> None:
    strips = []
    for row in values.struct_rows(comps[C.RECT2D]):
        fmt = str(row.get("format") or "XYWH").upper()
        if fmt not in _RECT_CORNERS:
            raise values.ComponentError(f"unknown rect format {fmt!r}")
        x0, y0, x1, y1 = _RECT_CORNERS[fmt](row["rect"])
        strips.append(np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]], dtype=np.float32))
    class_ids = _get(comps, C.CLASS_ID)
    class_ids = values.scalars(class_ids, np.int64) if class_ids is not None else None
    colors = _colors(comps, len(strips), ctx, class_ids)
    widths = _line_widths(comps, len(strips))
    layers.batches["rects"] = sb.LineBatch.from_strips(strips, colors=colors, widths=widths, transform=transform,
                                                       width_unit="px" if widths is None else "world")
    # Rerun 0.4 centres a rect's label below the rect
    anchors = np.array([[(s[0, 0] + s[1, 0]) / 2, max(s[0, 1], s[2, 1])] for s in strips], np.float32).reshape(-1, 2)
    _add_labels(layers, "rect_labels", _instance_labels(comps, len(strips), ctx, class_ids), anchors, colors,
                transform)


def _boxes(layers, comps, ctx, transform) -> None:
    half = values.fixed_vectors(comps[C.BOX3D], 3)
    centers = _get(comps, C.VEC3D)
    rotations = _get(comps, C.QUATERNION)
    class_ids = _get(comps, C.CLASS_ID)
    class_ids = values.scalars(class_ids, np.int64) if class_ids is not None else None
    colors = _colors(comps, half.shape[0], ctx, class_ids)
    centers = None if centers is None else values.fixed_vectors(centers, 3)
    anchors = np.zeros_like(half) if centers is None else centers
    _add_labels(layers, "box_labels", _instance_labels(comps, half.shape[0], ctx, class_ids), anchors, colors,
                transform)
    widths = _line_widths(comps, half.shape[0])
    layers.batches["boxes"] = sb.BoxBatch(
        half,
        centers=centers,
        rotations=None if rotations is None else values.fixed_vectors(rotations, 4),
        colors=colors,
        widths=widths,
        transform=transform,
        width_unit="px" if widths is None else "world",
    )


def _arrows(layers, comps, ctx, transform) -> None:
    rows = values.struct_rows(comps[C.ARROW3D])
    origins = np.array([r["origin"] for r in rows], dtype=np.float32).reshape(-1, 3)
    vectors = np.array([r["vector"] for r in rows], dtype=np.float32).reshape(-1, 3)
    colors = _colors(comps, len(rows), ctx)
    radii = _get(comps, C.RADIUS)
    radii = None if radii is None else values.scalars(radii, np.float32)
    layers.batches["arrows"] = sb.ArrowBatch(vectors, origins=origins, colors=colors, radii=radii,
                                             transform=transform)
    _add_labels(layers, "arrow_labels", _instance_labels(comps, len(rows), ctx), origins + vectors, colors,
                transform)


def _meshes(layers, comps, keys, transform) -> None:
    from rerun_app.views.meshes import mesh_batches

    for i, batch in enumerate(mesh_batches(comps[C.MESH3D], transform, keys)):
        layers.batches[f"mesh{i}"] = batch


def _frustum(layers, ctx) -> None:
    t = ctx.placement.pinhole
    if t.resolution is None:
        w, h = float(t.image_from_cam[0, 2] * 2), float(t.image_from_cam[1, 2] * 2)
    else:
        w, h = t.resolution
    distance = ctx.properties.image_plane_distance or ctx.default_image_plane_distance
    layers.batches["frustum"] = sb.FrustumBatch(
        t.image_from_cam, (max(int(round(w)), 1), max(int(round(h)), 1)), image_plane_distance=distance,
        colors=(200, 200, 200, 255), transform=ctx.placement.world_from_camera.astype(np.float32),
    )


def _tensor(layers, comps, ctx, transform) -> None:
    tensor = values.tensor(comps[C.TENSOR])
    if tensor.array is None:
        array = _decode_jpeg(tensor.encoded)
    else:
        array = tensor.array
    shape = pixels.image_shape(array)
    if shape is None:
        return  # not an image: tensor / bar-chart views show it
    h, w, c = shape
    if max(h, w) > MAX_TEXTURE:
        raise values.ComponentError(f"image {w}×{h} exceeds the GL texture limit {MAX_TEXTURE}")
    image = array.reshape(h, w, c) if c > 1 else array.reshape(h, w)
    if tensor.meaning == "depth":
        meter = tensor.meter if tensor.meter and np.isfinite(tensor.meter) and tensor.meter > 0 else 1.0
        placement = ctx.placement
        if ctx.mode == "3d" and placement.pinhole is not None and ctx.properties.backproject_depth:
            use_image = ctx.properties.color_depth_from_image and ctx.sibling_color_image is not None
            cloud = pixels.depth_cloud(
                image, placement.pinhole.image_from_cam, meter, step=depth_step(h * w, ctx.depth_point_budget),
                color_image=ctx.sibling_color_image if use_image else None,
                colormap=None if use_image else ctx.properties.depth_colormap,
                radius_scale=ctx.properties.point_radius_scale,
            )
            layers.batches["depth_cloud"] = sb.PointBatch(
                cloud.points, colors=cloud.colors, radii=cloud.radii,
                transform=placement.world_from_camera.astype(np.float32),
            )
            layers.pick_info["depth_cloud"] = PickInfo(None, None, cloud.points,
                                                       np.asarray(placement.pinhole.image_from_cam, np.float64))
            return
        # One kernel pass over the raw depth: the auto range spans the valid (> 0, finite) values, so scaling by
        # the meter first would not change a colour; zeros and negatives are transparent.
        valid = image if np.issubdtype(image.dtype, np.unsignedinteger) else np.where(image > 0, image, 0)
        rgba = pixels.apply_colormap(valid, ctx.properties.depth_colormap, ignore_zero=True)
    elif tensor.meaning == "class_id" and c == 1:
        ids = np.asarray(image, dtype=np.int64)
        table = ctx.annotations.lookup_table(int(ids.max()) if ids.size else 0)
        rgba = table[ids]
    else:
        rgba = pixels.to_rgba8(image)
    layers.batches["image"] = sb.ImageBatch(rgba, transform=transform)


def depth_step(pixels_count: int, budget: int | None) -> int:
    """Pixel stride of a depth cloud: 1 (every pixel) without a budget, else the smallest n whose n-th pixels in
    both directions fit the point budget (e.g. a 640×480 stream under a 100 k budget: every 2nd, 77 k points)."""
    if budget is None or pixels_count <= budget:
        return 1
    return int(np.ceil(np.sqrt(pixels_count / max(int(budget), 1))))


def _decode_jpeg(data: bytes | None) -> np.ndarray:
    if not data:
        raise values.ComponentError("JPEG tensor without data")
    import imageio.v3 as iio

    return iio.imread(data)


__all__ = ["BuildContext", "EntityLayers", "EntityProperties", "build_entity"]
