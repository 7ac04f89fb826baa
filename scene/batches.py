"""Frozen batches of numpy arrays: the only input the scene layer takes.

A batch describes one layer of primitives in the layer's local space plus ``transform``, a 4x4
world_from_local matrix (column vectors). Constructors normalise and validate their arguments
(clear errors naming the argument) and never reject merely *bad values*: non-finite positions
are kept (so instance indices stay the caller's) and skipped when drawing, negative or NaN sizes
are clamped to 0 and counted in ``n_clamped``.

Batches are immutable by contract: build a new batch when data changes. A space view re-uploads
a layer only when it is given a different batch object (or a higher ``version``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from . import _checks as chk

#: Width of lines, box edges and arrow shafts without a logged size: Rerun 0.4's automatic line radius is
#: 1.5 points, so 3 logical pixels wide.
DEFAULT_LINE_WIDTH_PX = 3.0
#: Width of a pinhole's frustum lines (Rerun 0.4: a radius of 1 point).
FRUSTUM_LINE_WIDTH_PX = 2.0


def _width_unit(value: str) -> str:
    if value not in ("px", "world"):
        raise ValueError(f"width_unit: expected 'px' or 'world', got {value!r}")
    return value


def _set(obj, **values) -> None:
    for key, value in values.items():
        object.__setattr__(obj, key, value)


def _anchors(name: str, value, n: int, item: str) -> np.ndarray:
    """``value`` as (n, 3) positions, one per ``item``; all at the origin when None."""
    if value is None:
        return np.zeros((n, 3), np.float32)
    positions = chk.as_positions(name, value)
    if positions.shape[0] != n:
        raise ValueError(f"{name}: expected {n} {name} (one per {item}), got {positions.shape[0]}")
    return positions


class Batch:
    """What views and hosts may ask of any batch kind, instead of probing its fields.

    Every kind also has ``transform`` (world_from_local, 4x4) and ``version``.
    """

    __slots__ = ()

    def instance_ids(self) -> np.ndarray | None:
        """Instance ids picking reports instead of the row index, or None to report the row index."""
        return None

    def anchor_positions(self) -> np.ndarray | None:
        """Local positions (N, 3) the batch's primitives sit at (what sizes the scene), or None for kinds that
        are not placed by positions (lines, meshes, images, boxes, arrows, frustums)."""
        return None


@dataclass(frozen=True, eq=False)
class PointBatch(Batch):
    """Points with per-point or shared colour and radius.

    Parameters
    ----------
    positions : array_like, (N, 3) or (N, 2)
        Positions in local space; 2D input gets z = 0. Non-finite rows are not drawn.
    colors : array_like, optional
        One RGB(A) colour or (N, 3|4); uint8 or float 0-1.
    radii : float or array_like (N,), optional
        Radius per point in ``radius_unit``; negative/NaN become 0 (counted in ``n_clamped``).
        Default: 1.5 pixels.
    radius_unit : {"world", "px"}
        "world": radii are in local-space units and shrink with distance; "px": screen pixels.
    ids : array_like (N,) of int, optional
        Instance ids reported by picking instead of the row index.
    transform : array_like (4, 4), optional
        world_from_local.
    version : int
        Bump to force a re-upload of a batch you mutated in place (discouraged).
    """

    positions: np.ndarray
    colors: np.ndarray | None = None
    radii: np.ndarray | float | None = None
    radius_unit: str = "world"
    ids: np.ndarray | None = None
    transform: np.ndarray | None = None
    version: int = 0
    finite: np.ndarray | None = field(init=False, default=None)
    n_clamped: int = field(init=False, default=0)

    def __post_init__(self):
        positions = chk.as_positions("positions", self.positions)
        n = positions.shape[0]
        if self.radius_unit not in ("world", "px"):
            raise ValueError(f"radius_unit: expected 'world' or 'px', got {self.radius_unit!r}")
        radii, n_clamped = chk.as_sizes("radii", self.radii, n, default=1.5)
        radius_unit = "px" if self.radii is None else self.radius_unit  # the default is in pixels
        _set(
            self,
            positions=positions,
            colors=chk.as_colors("colors", self.colors, n),
            radii=radii,
            radius_unit=radius_unit,
            ids=chk.as_ids("ids", self.ids, n),
            transform=chk.as_transform("transform", self.transform),
            finite=chk.finite_rows("positions", positions),
            n_clamped=n_clamped,
        )

    def __len__(self) -> int:
        return self.positions.shape[0]

    def instance_ids(self) -> np.ndarray | None:
        return self.ids

    def anchor_positions(self) -> np.ndarray | None:
        return self.positions


@dataclass(frozen=True, eq=False)
class LineBatch(Batch):
    """Line segments grouped into instances (a strip, a box outline, an arrow...).

    Use :meth:`from_strips` for polylines; the constructor takes segments directly.

    Parameters
    ----------
    segments : array_like, (K, 2, 3) or (K, 2, 2)
        Start and end point of each segment. Segments with a non-finite end are not drawn.
    instance_of_segment : array_like (K,) of int, optional
        Which instance each segment belongs to (default: each segment is its own instance).
    colors : array_like, optional
        One colour, or one per instance.
    widths : float or array_like, optional
        Full line width per instance in ``width_unit`` (default: 3 pixels, Rerun 0.4's automatic width).
    ids : array_like, optional
        Instance ids reported by picking instead of the instance index.
    transform : array_like (4, 4), optional
        world_from_local.
    width_unit : {"px", "world"}
        Logical pixels, or local units (a logged ``stroke_width``: shrinks with distance, grows with zoom).
    """

    segments: np.ndarray
    instance_of_segment: np.ndarray | None = None
    colors: np.ndarray | None = None
    widths: np.ndarray | float | None = None
    ids: np.ndarray | None = None
    transform: np.ndarray | None = None
    version: int = 0
    width_unit: str = "px"
    n_instances: int = field(init=False, default=0)
    n_clamped: int = field(init=False, default=0)

    def __post_init__(self):
        seg = self.segments if isinstance(self.segments, np.ndarray) else np.asarray(self.segments, np.float32)
        if seg.size == 0:
            seg = np.zeros((0, 2, 3), dtype=np.float32)
        if seg.ndim != 3 or seg.shape[1] != 2 or seg.shape[2] not in (2, 3):
            raise ValueError(f"segments: expected an array of shape (K, 2, 3) or (K, 2, 2), got {chk.describe(seg)}")
        flat = chk.as_positions("segments", seg.reshape(-1, seg.shape[2]))
        k = seg.shape[0]
        if self.instance_of_segment is None:
            instance = np.arange(k, dtype=np.int32)
            n_instances = k
        else:
            instance = np.asarray(self.instance_of_segment)
            if instance.shape != (k,) or instance.dtype.kind not in "ui":
                raise ValueError(
                    f"instance_of_segment: expected {k} integer instance indices, got {chk.describe(instance)}"
                )
            if k and instance.min() < 0:
                raise ValueError("instance_of_segment: instance indices must be >= 0")
            instance = instance.astype(np.int32, copy=False)
            n_instances = int(instance.max()) + 1 if k else 0
        widths, n_clamped = chk.as_sizes("widths", self.widths, n_instances, default=DEFAULT_LINE_WIDTH_PX)
        _set(
            self,
            width_unit=_width_unit(self.width_unit) if self.widths is not None else "px",
            segments=flat.reshape(k, 2, 3),
            instance_of_segment=instance,
            colors=chk.as_colors("colors", self.colors, n_instances),
            widths=widths,
            ids=chk.as_ids("ids", self.ids, n_instances),
            transform=chk.as_transform("transform", self.transform),
            n_instances=n_instances,
            n_clamped=n_clamped,
        )

    @classmethod
    def from_strips(cls, strips: Sequence, colors=None, widths=None, ids=None, transform=None,
                    width_unit: str = "px") -> "LineBatch":
        """Build a batch from polylines: ``strips`` is a sequence of (M_i, 3|2) point arrays.

        Each strip is one instance; a strip with fewer than 2 points draws nothing.
        """
        if isinstance(strips, np.ndarray) and strips.ndim == 2:
            strips = [strips]
        parts, owners = [], []
        for index, strip in enumerate(strips):
            points = chk.as_positions(f"strips[{index}]", strip)
            if points.shape[0] >= 2:
                parts.append(np.stack([points[:-1], points[1:]], axis=1))
                owners.append(np.full(points.shape[0] - 1, index, dtype=np.int32))
        n_strips = len(strips)
        segments = np.concatenate(parts) if parts else np.zeros((0, 2, 3), np.float32)
        instance = np.concatenate(owners) if owners else np.zeros(0, np.int32)
        batch = cls(segments, instance, colors=None, widths=None, ids=None, transform=transform)
        # Instances are the strips, even trailing ones too short to draw.
        widths_arr, n_clamped = chk.as_sizes("widths", widths, n_strips, default=DEFAULT_LINE_WIDTH_PX)
        _set(
            batch,
            width_unit=_width_unit(width_unit) if widths is not None else "px",
            n_instances=n_strips,
            colors=chk.as_colors("colors", colors, n_strips),
            widths=widths_arr,
            ids=chk.as_ids("ids", ids, n_strips),
            n_clamped=n_clamped,
        )
        return batch

    def __len__(self) -> int:
        return self.n_instances

    def instance_ids(self) -> np.ndarray | None:
        return self.ids


@dataclass(frozen=True, eq=False)
class MeshBatch(Batch):
    """A triangle mesh.

    Parameters
    ----------
    vertices : array_like (V, 3)
    indices : array_like (T, 3) of int, optional
        Triangles; default: consecutive vertex triples. Out-of-range indices raise.
    normals : array_like (V, 3), optional
        Vertex normals; computed from the faces when missing.
    vertex_colors : array_like (V, 3|4), optional
    albedo : colour, optional
        Colour of the whole mesh (multiplies vertex colours).
    shading : bool
        Headlight Lambert shading (True) or flat unlit colour (False).
    transform : array_like (4, 4), optional
    instance_id : int, optional
        The id picking reports for any of the mesh's triangles (the whole mesh is one instance); default 0.
    """

    vertices: np.ndarray
    indices: np.ndarray | None = None
    normals: np.ndarray | None = None
    vertex_colors: np.ndarray | None = None
    albedo: np.ndarray | None = None
    shading: bool = True
    transform: np.ndarray | None = None
    version: int = 0
    instance_id: int | None = None

    def __post_init__(self):
        vertices = chk.as_positions("vertices", self.vertices, allow_2d_pad=True)
        v = vertices.shape[0]
        if self.indices is None:
            if v % 3:
                raise ValueError(f"vertices: without indices the vertex count must be a multiple of 3, got {v}")
            indices = np.arange(v, dtype=np.uint32).reshape(-1, 3)
        else:
            indices = np.asarray(self.indices)
            if indices.size == 0:
                indices = np.zeros((0, 3), dtype=np.uint32)
            if indices.dtype.kind not in "ui" or indices.ndim != 2 or indices.shape[1] != 3:
                raise ValueError(f"indices: expected a (T, 3) integer array, got {chk.describe(indices)}")
            if indices.size and (indices.min() < 0 or indices.max() >= v):
                raise ValueError(f"indices: values must lie in [0, {v}), got [{indices.min()}, {indices.max()}]")
            indices = np.ascontiguousarray(indices, dtype=np.uint32)
        if self.normals is None:
            normals = vertex_normals(vertices, indices)
        else:
            normals = chk.as_positions("normals", self.normals, allow_2d_pad=False)
            if normals.shape[0] != v:
                raise ValueError(f"normals: expected {v} normals (one per vertex), got {normals.shape[0]}")
        vertex_colors = None if self.vertex_colors is None else chk.as_colors("vertex_colors", self.vertex_colors, v)
        albedo = chk.as_colors("albedo", self.albedo, 1) if self.albedo is not None else None
        if albedo is not None and albedo.ndim == 2:
            albedo = albedo[0]
        _set(
            self,
            vertices=vertices,
            indices=indices,
            normals=normals,
            vertex_colors=vertex_colors,
            albedo=albedo,
            transform=chk.as_transform("transform", self.transform),
        )

    def __len__(self) -> int:
        return self.indices.shape[0]

    def instance_ids(self) -> np.ndarray | None:
        return None if self.instance_id is None else np.array([self.instance_id], np.int64)


def vertex_normals(vertices: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Area-weighted vertex normals (float32, unit length; 0 for unused/degenerate vertices)."""
    normals = np.zeros_like(vertices, dtype=np.float32)
    if indices.size == 0:
        return normals
    tri = vertices[indices]
    face = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    face = np.nan_to_num(face, nan=0.0, posinf=0.0, neginf=0.0)
    for corner in range(3):
        np.add.at(normals, indices[:, corner], face)
    length = np.linalg.norm(normals, axis=1, keepdims=True)
    np.divide(normals, length, out=normals, where=length > 0)
    return normals


@dataclass(frozen=True, eq=False)
class ImageBatch(Batch):
    """An RGBA8 image drawn as a textured quad.

    Parameters
    ----------
    rgba : array_like (H, W[, 1|3|4]) uint8
        Row 0 is the top row of the picture.
    corners : array_like (4, 3), optional
        Local-space corners: top-left, top-right, bottom-right, bottom-left of the picture. Default:
        pixel space of a 2D view, (0, 0) to (W, H), so pixel (row r, column c) covers
        [c, c+1] x [r, r+1] with y pointing down.
    interpolation : {"nearest", "linear"}
    opacity : float
        0-1, multiplies the image alpha.
    transform : array_like (4, 4), optional
    """

    rgba: np.ndarray
    corners: np.ndarray | None = None
    interpolation: str = "nearest"
    opacity: float = 1.0
    transform: np.ndarray | None = None
    version: int = 0

    def __post_init__(self):
        rgba = chk.as_rgba_image("rgba", self.rgba)
        h, w = rgba.shape[:2]
        if self.corners is None:
            corners = np.array([[0, 0, 0], [w, 0, 0], [w, h, 0], [0, h, 0]], dtype=np.float32)
        else:
            corners = chk.as_positions("corners", self.corners)
            if corners.shape[0] != 4:
                raise ValueError(f"corners: expected 4 corners (TL, TR, BR, BL), got {corners.shape[0]}")
        if self.interpolation not in ("nearest", "linear"):
            raise ValueError(f"interpolation: expected 'nearest' or 'linear', got {self.interpolation!r}")
        opacity = float(self.opacity)
        _set(
            self,
            rgba=rgba,
            corners=corners,
            opacity=min(max(opacity, 0.0), 1.0) if np.isfinite(opacity) else 1.0,
            transform=chk.as_transform("transform", self.transform),
        )

    @property
    def shape(self) -> tuple[int, int]:
        """(height, width) in pixels."""
        return self.rgba.shape[0], self.rgba.shape[1]


@dataclass(frozen=True, eq=False)
class BoxBatch(Batch):
    """Oriented boxes, drawn as their 12 edges.

    Parameters
    ----------
    half_sizes : array_like (N, 3) or (N, 2)
    centers : array_like (N, 3) or (N, 2), optional (default origin)
    rotations : array_like (N, 4) or (4,), optional
        xyzw quaternions (normalised here; a zero quaternion means no rotation).
    colors, widths, ids, transform, width_unit
        As for :class:`LineBatch`, one per box (``widths``: of its edges).
    """

    half_sizes: np.ndarray
    centers: np.ndarray | None = None
    rotations: np.ndarray | None = None
    colors: np.ndarray | None = None
    widths: np.ndarray | float | None = None
    ids: np.ndarray | None = None
    transform: np.ndarray | None = None
    version: int = 0
    width_unit: str = "px"
    n_clamped: int = field(init=False, default=0)

    def __post_init__(self):
        half = chk.as_positions("half_sizes", self.half_sizes)
        n = half.shape[0]
        centers = _anchors("centers", self.centers, n, "box")
        widths, n_clamped = chk.as_sizes("widths", self.widths, n, default=DEFAULT_LINE_WIDTH_PX)
        _set(
            self,
            width_unit=_width_unit(self.width_unit) if self.widths is not None else "px",
            half_sizes=np.abs(half),
            centers=centers,
            rotations=chk.as_quaternions("rotations", self.rotations, n),
            colors=chk.as_colors("colors", self.colors, n),
            widths=widths,
            ids=chk.as_ids("ids", self.ids, n),
            transform=chk.as_transform("transform", self.transform),
            n_clamped=n_clamped,
        )

    def __len__(self) -> int:
        return self.half_sizes.shape[0]

    def instance_ids(self) -> np.ndarray | None:
        return self.ids


@dataclass(frozen=True, eq=False)
class ArrowBatch(Batch):
    """Arrows from ``origins`` along ``vectors``.

    Drawn as Rerun 0.4 draws them: flat and facing the camera, a shaft with a round start and a triangle head
    twice the shaft's width and four shaft radii long, ending at the tip (an arrow shorter than that is all head),
    shaded darker towards the edges.

    Parameters
    ----------
    vectors : array_like (N, 3) or (N, 2)
    origins : array_like (N, 3) or (N, 2), optional (default origin)
    radii : float or array_like (N,), optional
        Shaft radius in local units (the SDK's ``width_scale / 2``); negative/NaN become 0. Without: the shaft is
        ``widths`` pixels wide.
    colors, widths, ids, transform
        As for :class:`LineBatch`, one per arrow (``widths``: pixels, used without ``radii``).
    """

    vectors: np.ndarray
    origins: np.ndarray | None = None
    colors: np.ndarray | None = None
    widths: np.ndarray | float | None = None
    ids: np.ndarray | None = None
    transform: np.ndarray | None = None
    radii: np.ndarray | float | None = None
    version: int = 0
    n_clamped: int = field(init=False, default=0)

    def __post_init__(self):
        vectors = chk.as_positions("vectors", self.vectors)
        n = vectors.shape[0]
        origins = _anchors("origins", self.origins, n, "arrow")
        widths, n_clamped = chk.as_sizes("widths", self.widths, n, default=DEFAULT_LINE_WIDTH_PX)
        radii = None
        if self.radii is not None:
            radii, n_bad_radii = chk.as_sizes("radii", self.radii, n, default=0.0)
            n_clamped += n_bad_radii
        _set(
            self,
            radii=radii,
            vectors=vectors,
            origins=origins,
            colors=chk.as_colors("colors", self.colors, n),
            widths=widths,
            ids=chk.as_ids("ids", self.ids, n),
            transform=chk.as_transform("transform", self.transform),
            n_clamped=n_clamped,
        )

    def __len__(self) -> int:
        return self.vectors.shape[0]

    def instance_ids(self) -> np.ndarray | None:
        return self.ids


@dataclass(frozen=True, eq=False)
class FrustumBatch(Batch):
    """A pinhole camera: its view frustum as lines, optionally its image on the image plane.

    The camera frame is RDF (x right, y down, z forward, as in Rerun and OpenCV); ``transform``
    is world_from_camera.

    Parameters
    ----------
    intrinsics : array_like (3, 3)
        Pixel-from-camera matrix [[fx, 0, cx], [0, fy, cy], [0, 0, 1]].
    resolution : (width, height)
        Image size in pixels.
    image_plane_distance : float
        Distance of the drawn image plane from the camera centre (local units).
    image : array_like (H, W[, C]) uint8, optional
        Shown on the image plane.
    colors : colour, optional
    width : float
        Line width in pixels.
    """

    intrinsics: np.ndarray
    resolution: tuple[int, int]
    image_plane_distance: float = 1.0
    image: np.ndarray | None = None
    colors: np.ndarray | None = None
    width: float = FRUSTUM_LINE_WIDTH_PX
    transform: np.ndarray | None = None
    version: int = 0

    def __post_init__(self):
        k = np.asarray(self.intrinsics, dtype=np.float64)
        if k.shape != (3, 3) or not np.isfinite(k).all():
            raise ValueError(f"intrinsics: expected a finite 3x3 matrix, got {chk.describe(k)}")
        if k[0, 0] == 0 or k[1, 1] == 0:
            raise ValueError("intrinsics: focal lengths fx (K[0,0]) and fy (K[1,1]) must be non-zero")
        try:
            width, height = (int(v) for v in self.resolution)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"resolution: expected (width, height), got {self.resolution!r}") from exc
        if width <= 0 or height <= 0:
            raise ValueError(f"resolution: expected positive (width, height), got {self.resolution!r}")
        distance = float(self.image_plane_distance)
        if not np.isfinite(distance) or distance <= 0:
            distance = 1.0
        colors = chk.as_colors("colors", self.colors, 1)
        _set(
            self,
            intrinsics=k,
            resolution=(width, height),
            image_plane_distance=distance,
            image=None if self.image is None else chk.as_rgba_image("image", self.image),
            colors=colors[0] if colors.ndim == 2 else colors,
            width=max(float(self.width), 0.0) if np.isfinite(self.width) else FRUSTUM_LINE_WIDTH_PX,
            transform=chk.as_transform("transform", self.transform),
        )


@dataclass(frozen=True, eq=False)
class LabelBatch(Batch):
    """Text labels anchored at positions (vispy Text: fine for up to a few hundred labels).

    Parameters
    ----------
    texts : sequence of str
    positions : array_like (N, 3) or (N, 2)
    colors : one colour for all, or one per label
    font_size : float
        In points.
    """

    texts: Sequence[str]
    positions: np.ndarray
    colors: np.ndarray | None = None
    font_size: float = 10.0
    transform: np.ndarray | None = None
    version: int = 0

    def __post_init__(self):
        positions = chk.as_positions("positions", self.positions)
        texts = [str(t) for t in self.texts]
        if len(texts) != positions.shape[0]:
            raise ValueError(f"texts: expected {positions.shape[0]} texts (one per position), got {len(texts)}")
        colors = chk.as_colors("colors", self.colors, len(texts))
        _set(
            self,
            texts=texts,
            positions=positions,
            colors=colors[0] if colors.ndim == 2 and len(texts) == 1 else colors,
            transform=chk.as_transform("transform", self.transform),
        )

    def __len__(self) -> int:
        return len(self.texts)

    def anchor_positions(self) -> np.ndarray | None:
        return self.positions

