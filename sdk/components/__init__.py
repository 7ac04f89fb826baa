"""Component names, their Arrow types, and numpy -> Arrow builders (zero copy where possible).

A component value handed to the session is a plain Arrow array of *instances*; the session wraps it
into one ``list<T>`` cell per log call. Types of one instance:

=============================== ======================================================================
name                            Arrow type
=============================== ======================================================================
rerun.point2d / rerun.point3d   fixed_size_list<float32, 2 / 3>
rerun.colorrgba                 fixed_size_list<uint8, 4> (R, G, B, A sRGB bytes, straight alpha)
rerun.radius                    float32
rerun.label                     utf8
rerun.class_id / keypoint_id    uint16
rerun.instance_key              uint64
rerun.scalar                    float64 (nullable: ``log_scalar(path, None)`` logs a null)
rerun.scalar_plot_props         struct{scattered: bool}
rerun.text_entry                struct{body: utf8, level: utf8 (nullable)}
rerun.rect2d                    struct{format: utf8 (RectFormat name), rect: fixed_size_list<f32, 4>}
rerun.box3d / rerun.vec3d       fixed_size_list<f32, 3> (box3d holds half sizes)
rerun.quaternion                fixed_size_list<f32, 4> (x, y, z, w)
rerun.arrow3d                   struct{origin: fsl<f32, 3>, vector: fsl<f32, 3>}
rerun.linestrip2d / 3d          list<fixed_size_list<f32, 2 / 3>>
rerun.tensor                    struct{tensor_id: fixed_size_binary(16), shape: list<uint64>,
                                names: list<utf8 (nullable)>, dtype: utf8 (numpy name uint8 ...
                                float64, or "jpeg"), meaning: utf8 ("unknown" / "class_id" /
                                "depth"), meter: float32 (nullable), data: large_binary (raw
                                little-endian C-order bytes, or the JPEG file; zero copy)}
rerun.mesh3d                    struct{mesh_id: fsb(16), format: utf8 ("raw" / "glb" / "gltf" /
                                "obj"), encoded: large_binary?, transform: fsl<f32, 12>? (3x4
                                column-major), positions: list<f32>?, indices: list<u32>?,
                                normals: list<f32>?, vertex_colors: list<fsl<u8, 4>>?,
                                albedo_factor: fsl<f32, 4>?} (? = null when not given / not
                                applicable to the format)
rerun.transform                 struct{kind: utf8 ("unknown" / "rigid3" / "pinhole"), rotation:
                                fsl<f32, 4>? (xyzw), translation: fsl<f32, 3>?, image_from_cam:
                                fsl<f32, 9>? (row-major 3x3), resolution: fsl<f32, 2>?}; fields
                                that do not apply to the kind are null; rigid3 is always stored
                                as parent_from_child
rerun.view_coordinates          fixed_size_binary(3) (Up=1 Down=2 Right=3 Left=4 Forward=5 Back=6)
rerun.annotation_context        struct{class_id: u16, label: utf8?, color: fsl<u8, 4>?,
                                keypoint_annotations: list<struct{id: u16, label: utf8?, color:
                                fsl<u8, 4>?}>, keypoint_connections: list<fsl<u16, 2>>}
                                (one instance per class)
ext.<name>                      what Arrow infers from the first value logged under that name
                                (cached process-wide; later values are cast to it)
=============================== ======================================================================

Refinements against the agreed table: ``rerun.tensor`` also uses dtype ``"jpeg"``; nullable fields
are null where they do not apply (transform, mesh3d). Numeric arrays are wrapped without a copy; the
session copies small rows when it batches them (the caller may refill its buffers) and writes big rows
out at once.
"""

from __future__ import annotations

import itertools
import os

import numpy as np
import pyarrow as pa

POINT2D = "rerun.point2d"
POINT3D = "rerun.point3d"
COLOR = "rerun.colorrgba"
RADIUS = "rerun.radius"
LABEL = "rerun.label"
CLASS_ID = "rerun.class_id"
KEYPOINT_ID = "rerun.keypoint_id"
INSTANCE_KEY = "rerun.instance_key"
SCALAR = "rerun.scalar"
SCALAR_PLOT_PROPS = "rerun.scalar_plot_props"
TEXT_ENTRY = "rerun.text_entry"
RECT2D = "rerun.rect2d"
BOX3D = "rerun.box3d"
VEC3D = "rerun.vec3d"
QUATERNION = "rerun.quaternion"
ARROW3D = "rerun.arrow3d"
LINESTRIP2D = "rerun.linestrip2d"
LINESTRIP3D = "rerun.linestrip3d"
TENSOR = "rerun.tensor"
MESH3D = "rerun.mesh3d"
TRANSFORM = "rerun.transform"
VIEW_COORDINATES = "rerun.view_coordinates"
ANNOTATION_CONTEXT = "rerun.annotation_context"
EXTENSION_PREFIX = "ext."

def _fsl(value_type: pa.DataType, size: int) -> pa.DataType:
    return pa.list_(pa.field("item", value_type), size)


VEC2_TYPE = _fsl(pa.float32(), 2)
VEC3_TYPE = _fsl(pa.float32(), 3)
VEC4_TYPE = _fsl(pa.float32(), 4)
RGBA_TYPE = _fsl(pa.uint8(), 4)
MAT3_TYPE = _fsl(pa.float32(), 9)
MAT34_TYPE = _fsl(pa.float32(), 12)
SCALAR_PLOT_PROPS_TYPE = pa.struct([pa.field("scattered", pa.bool_())])
TEXT_ENTRY_TYPE = pa.struct([pa.field("body", pa.utf8(), nullable=False), pa.field("level", pa.utf8())])
RECT2D_TYPE = pa.struct([pa.field("format", pa.utf8(), nullable=False), pa.field("rect", VEC4_TYPE, nullable=False)])
ARROW3D_TYPE = pa.struct([pa.field("origin", VEC3_TYPE, nullable=False), pa.field("vector", VEC3_TYPE, nullable=False)])
TENSOR_TYPE = pa.struct(
    [
        pa.field("tensor_id", pa.binary(16), nullable=False),
        pa.field("shape", pa.list_(pa.uint64()), nullable=False),
        pa.field("names", pa.list_(pa.utf8()), nullable=False),
        pa.field("dtype", pa.utf8(), nullable=False),
        pa.field("meaning", pa.utf8(), nullable=False),
        pa.field("meter", pa.float32()),
        pa.field("data", pa.large_binary(), nullable=False),
    ]
)
MESH3D_TYPE = pa.struct(
    [
        pa.field("mesh_id", pa.binary(16), nullable=False),
        pa.field("format", pa.utf8(), nullable=False),
        pa.field("encoded", pa.large_binary()),
        pa.field("transform", MAT34_TYPE),
        pa.field("positions", pa.list_(pa.float32())),
        pa.field("indices", pa.list_(pa.uint32())),
        pa.field("normals", pa.list_(pa.float32())),
        pa.field("vertex_colors", pa.list_(RGBA_TYPE)),
        pa.field("albedo_factor", VEC4_TYPE),
    ]
)
TRANSFORM_TYPE = pa.struct(
    [
        pa.field("kind", pa.utf8(), nullable=False),
        pa.field("rotation", VEC4_TYPE),
        pa.field("translation", VEC3_TYPE),
        pa.field("image_from_cam", MAT3_TYPE),
        pa.field("resolution", VEC2_TYPE),
    ]
)
KEYPOINT_INFO_TYPE = pa.struct([pa.field("id", pa.uint16(), nullable=False), pa.field("label", pa.utf8()), pa.field("color", RGBA_TYPE)])
ANNOTATION_CONTEXT_TYPE = pa.struct(
    [
        pa.field("class_id", pa.uint16(), nullable=False),
        pa.field("label", pa.utf8()),
        pa.field("color", RGBA_TYPE),
        pa.field("keypoint_annotations", pa.list_(KEYPOINT_INFO_TYPE), nullable=False),
        pa.field("keypoint_connections", pa.list_(_fsl(pa.uint16(), 2)), nullable=False),
    ]
)

#: The Arrow type of one instance of each built-in component.
TYPES: dict[str, pa.DataType] = {
    POINT2D: VEC2_TYPE,
    POINT3D: VEC3_TYPE,
    COLOR: RGBA_TYPE,
    RADIUS: pa.float32(),
    LABEL: pa.utf8(),
    CLASS_ID: pa.uint16(),
    KEYPOINT_ID: pa.uint16(),
    INSTANCE_KEY: pa.uint64(),
    SCALAR: pa.float64(),
    SCALAR_PLOT_PROPS: SCALAR_PLOT_PROPS_TYPE,
    TEXT_ENTRY: TEXT_ENTRY_TYPE,
    RECT2D: RECT2D_TYPE,
    BOX3D: VEC3_TYPE,
    VEC3D: VEC3_TYPE,
    QUATERNION: VEC4_TYPE,
    ARROW3D: ARROW3D_TYPE,
    LINESTRIP2D: pa.list_(VEC2_TYPE),
    LINESTRIP3D: pa.list_(VEC3_TYPE),
    TENSOR: TENSOR_TYPE,
    MESH3D: MESH3D_TYPE,
    TRANSFORM: TRANSFORM_TYPE,
    VIEW_COORDINATES: pa.binary(3),
    ANNOTATION_CONTEXT: ANNOTATION_CONTEXT_TYPE,
}

_ARROW_OF_NUMPY = {
    np.dtype(np.float32): pa.float32(),
    np.dtype(np.float64): pa.float64(),
    np.dtype(np.uint8): pa.uint8(),
    np.dtype(np.uint16): pa.uint16(),
    np.dtype(np.uint32): pa.uint32(),
    np.dtype(np.uint64): pa.uint64(),
}


def _buffer(values: np.ndarray) -> pa.Buffer:
    """An Arrow buffer sharing the memory of a C-contiguous numeric array."""
    return pa.py_buffer(np.ascontiguousarray(values).reshape(-1).view(np.uint8))


def primitive(values: np.ndarray) -> pa.Array:
    """A primitive Arrow array over a 1-D numeric array of a supported dtype (no nulls)."""
    values = np.ascontiguousarray(values)
    return pa.Array.from_buffers(_ARROW_OF_NUMPY[values.dtype], len(values), [None, _buffer(values)])


_fsl_types: dict[tuple[np.dtype, int], pa.DataType] = {}


def fixed_size_list(values: np.ndarray) -> pa.Array:
    """A ``fixed_size_list<T, K>`` array over a C-contiguous ``(N, K)`` numeric array (no copy)."""
    values = np.ascontiguousarray(values)
    count, width = values.shape
    key = (values.dtype, width)
    list_type = _fsl_types.get(key)
    if list_type is None:
        list_type = _fsl_types[key] = _fsl(_ARROW_OF_NUMPY[values.dtype], width)
    flat = pa.Array.from_buffers(list_type.value_type, count * width, [None, _buffer(values)])
    return pa.Array.from_buffers(list_type, count, [None], children=[flat])


def vec_list(values: np.ndarray, width: int) -> pa.Array:
    """``fixed_size_list<float32, width>`` from ``(N, width)`` float32 values."""
    return fixed_size_list(np.asarray(values, dtype=np.float32).reshape(-1, width))


def colors(rgba: np.ndarray) -> pa.Array:
    """``rerun.colorrgba`` instances from an ``(N, 4)`` uint8 array."""
    return fixed_size_list(rgba)


def strings(values: list[str]) -> pa.Array:
    """A utf8 array (labels)."""
    return pa.array(values, type=pa.utf8())


def scalar_plot_props(scattered: bool) -> pa.Array:
    """One ``rerun.scalar_plot_props`` instance."""
    return pa.array([{"scattered": bool(scattered)}], type=SCALAR_PLOT_PROPS_TYPE)


def text_entries(body: str, level: str | None) -> pa.Array:
    """One ``rerun.text_entry`` instance."""
    return pa.StructArray.from_arrays(
        [pa.array([body], pa.utf8()), pa.array([level], pa.utf8())], fields=list(TEXT_ENTRY_TYPE)
    )


def rects(format_name: str, values: np.ndarray) -> pa.Array:
    """``rerun.rect2d`` instances from ``(N, 4)`` float32 values, all in one format."""
    count = len(values)
    return pa.StructArray.from_arrays(
        [pa.array([format_name] * count, pa.utf8()), vec_list(values, 4)], fields=list(RECT2D_TYPE)
    )


def arrows(origins: np.ndarray, vectors: np.ndarray) -> pa.Array:
    """``rerun.arrow3d`` instances from two ``(N, 3)`` float32 arrays."""
    return pa.StructArray.from_arrays([vec_list(origins, 3), vec_list(vectors, 3)], fields=list(ARROW3D_TYPE))


def line_strips(strips: list[np.ndarray], width: int) -> pa.Array:
    """``rerun.linestrip2d/3d`` instances: one list cell of points per ``(M_i, width)`` strip."""
    lengths = np.fromiter((len(s) for s in strips), dtype=np.int32, count=len(strips))
    offsets = np.zeros(len(strips) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    points = np.concatenate([np.asarray(s, dtype=np.float32).reshape(-1, width) for s in strips]) if strips else np.zeros((0, width), np.float32)
    return pa.ListArray.from_arrays(pa.array(offsets), vec_list(points, width))


def line_strips_from_offsets(points: np.ndarray, offsets: np.ndarray) -> pa.Array:
    """``rerun.linestrip2d/3d`` instances: strip ``i`` is ``points[offsets[i]:offsets[i + 1]]`` (no copy)."""
    return pa.ListArray.from_arrays(pa.array(np.asarray(offsets, dtype=np.int32)), fixed_size_list(points))


_LARGE_BINARY = pa.large_binary()
_TENSOR_ID_TYPE = pa.binary(16)


def _large_binary_one(data: np.ndarray | bytes | memoryview) -> pa.Array:
    """A one-element ``large_binary`` array wrapping ``data`` without copying it."""
    buffer = pa.py_buffer(data)
    offsets = pa.py_buffer(bytes(8) + buffer.size.to_bytes(8, "little"))  # int64 [0, size]
    return pa.Array.from_buffers(_LARGE_BINARY, 1, [None, offsets, buffer])


class _TensorIds:
    """Unique 16-byte tensor ids: 8 random bytes per process + a 64-bit counter.

    ``os.urandom`` per id was a syscall per logged image; a forked child draws a new prefix, so
    ids stay unique across processes too.
    """

    def __init__(self) -> None:
        self.reseed()

    def reseed(self) -> None:
        self._prefix = os.urandom(8)
        self._counter = itertools.count()

    def new(self) -> bytes:
        return self._prefix + next(self._counter).to_bytes(8, "little")


_tensor_ids = _TensorIds()
new_tensor_id = _tensor_ids.new
if hasattr(os, "register_at_fork"):  # POSIX only
    os.register_at_fork(after_in_child=_tensor_ids.reseed)

#: Immutable one-element children of ``rerun.tensor`` shared between calls (building them with
#: ``pa.array`` from Python lists cost ~5 us each, mostly pyarrow's per-call environment lookups).
_TENSOR_PART_CACHE: dict = {}
_TENSOR_PART_CACHE_LIMIT = 1024
_UINT64_LIST = pa.list_(pa.uint64())
_UTF8_LIST = pa.list_(pa.utf8())


def _tensor_parts(shape: tuple, dtype: str, names, meaning: str, meter) -> tuple:
    """The (shape, names, dtype, meaning, meter) children of one tensor instance, cached."""
    key = (shape, dtype, names, meaning, meter)
    parts = _TENSOR_PART_CACHE.get(key)
    if parts is None:
        names_list = list(names) if names is not None else [None] * len(shape)
        parts = (
            pa.array([list(shape)], _UINT64_LIST),
            pa.array([names_list], _UTF8_LIST),
            pa.array([dtype], pa.utf8()),
            pa.array([meaning], pa.utf8()),
            pa.array([meter], pa.float32()),
        )
        if len(_TENSOR_PART_CACHE) >= _TENSOR_PART_CACHE_LIMIT:
            _TENSOR_PART_CACHE.clear()
        _TENSOR_PART_CACHE[key] = parts
    return parts


def tensor_array(
    data: np.ndarray | bytes,
    *,
    shape: tuple[int, ...],
    dtype: str,
    names: list[str | None] | None = None,
    meaning: str = "unknown",
    meter: float | None = None,
    tensor_id: bytes | None = None,
) -> pa.Array:
    """One ``rerun.tensor`` instance.

    ``data`` is a C-contiguous little-endian array (wrapped, never copied) or encoded bytes (JPEG).
    ``tensor_id`` (16 bytes) defaults to a new unique id.
    """
    if isinstance(data, np.ndarray):
        data = data.reshape(-1).view(np.uint8)
    if tensor_id is None:
        tensor_id = new_tensor_id()
    elif len(tensor_id) != 16:
        raise ValueError(f"argument 'tensor_id': expected 16 bytes, got {len(tensor_id)}")
    parts = _tensor_parts(
        tuple(map(int, shape)), dtype, None if names is None else tuple(names), meaning, None if meter is None else float(meter)
    )
    children = [
        pa.Array.from_buffers(_TENSOR_ID_TYPE, 1, [None, pa.py_buffer(bytes(tensor_id))]),
        *parts,
        _large_binary_one(data),
    ]
    return pa.Array.from_buffers(TENSOR_TYPE, 1, [None], children=children)


def _nullable_list_column(values: list[np.ndarray | None], item_type: pa.DataType, width: int = 0) -> pa.Array:
    """A ``list<item_type>`` column with one cell per entry (``None`` -> null), built from numpy."""
    present = [v for v in values if v is not None]
    lengths = np.array([0 if v is None else len(v) for v in values], dtype=np.int32)
    offsets = np.zeros(len(values) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    if width:
        flat = np.concatenate(present) if present else np.zeros((0, width), np.uint8)
        items = fixed_size_list(np.ascontiguousarray(flat))
    else:
        dtype = np.float32 if item_type == pa.float32() else np.uint32
        flat = np.concatenate(present).astype(dtype, copy=False) if present else np.zeros(0, dtype)
        items = primitive(flat)
    mask = pa.array([v is None for v in values], pa.bool_())
    return pa.ListArray.from_arrays(pa.array(offsets), items, mask=mask)


def meshes(instances: list[dict]) -> pa.Array:
    """Raw ``rerun.mesh3d`` instances.

    Each dict has ``mesh_id`` (16 bytes), ``positions`` (flat float32), and optionally ``indices``
    (flat uint32), ``normals`` (flat float32), ``vertex_colors`` (``(N, 4)`` uint8) and
    ``albedo_factor`` (4 floats); missing or ``None`` entries become nulls.
    """
    count = len(instances)
    albedo = [m.get("albedo_factor") for m in instances]
    children = [
        pa.array([m["mesh_id"] for m in instances], pa.binary(16)),
        pa.array(["raw"] * count, pa.utf8()),
        pa.nulls(count, pa.large_binary()),
        pa.nulls(count, MAT34_TYPE),
        _nullable_list_column([m.get("positions") for m in instances], pa.float32()),
        _nullable_list_column([m.get("indices") for m in instances], pa.uint32()),
        _nullable_list_column([m.get("normals") for m in instances], pa.float32()),
        _nullable_list_column([m.get("vertex_colors") for m in instances], RGBA_TYPE, width=4),
        pa.array([None if a is None else [float(x) for x in a] for a in albedo], VEC4_TYPE),
    ]
    return pa.StructArray.from_arrays(children, fields=list(MESH3D_TYPE))


def mesh_encoded(mesh_id: bytes, format_name: str, data: bytes | memoryview, transform: np.ndarray) -> pa.Array:
    """One encoded ``rerun.mesh3d`` instance (GLB / GLTF / OBJ bytes wrapped without a copy)."""
    nulls = {
        name: pa.nulls(1, MESH3D_TYPE.field(name).type)
        for name in ("positions", "indices", "normals", "vertex_colors", "albedo_factor")
    }
    children = [
        pa.array([mesh_id], pa.binary(16)),
        pa.array([format_name], pa.utf8()),
        _large_binary_one(data),
        vec_list(np.asarray(transform, dtype=np.float32).reshape(1, 12), 12),
    ] + [nulls[name] for name in ("positions", "indices", "normals", "vertex_colors", "albedo_factor")]
    return pa.StructArray.from_arrays(children, fields=list(MESH3D_TYPE))


def transform(
    kind: str,
    *,
    rotation: np.ndarray | None = None,
    translation: np.ndarray | None = None,
    image_from_cam: np.ndarray | None = None,
    resolution: np.ndarray | None = None,
) -> pa.Array:
    """One ``rerun.transform`` instance; arguments that do not apply to ``kind`` stay null."""

    def field(value, width):
        if value is None:
            return pa.nulls(1, _fsl(pa.float32(), width))
        return vec_list(np.asarray(value, dtype=np.float32).reshape(1, width), width)

    children = [
        pa.array([kind], pa.utf8()),
        field(rotation, 4),
        field(translation, 3),
        field(image_from_cam, 9),
        field(resolution, 2),
    ]
    return pa.StructArray.from_arrays(children, fields=list(TRANSFORM_TYPE))


def view_coordinates(code: bytes) -> pa.Array:
    """One ``rerun.view_coordinates`` instance from its 3 axis bytes."""
    return pa.array([code], pa.binary(3))


def annotation_context(classes: list[dict]) -> pa.Array:
    """``rerun.annotation_context`` instances (one per class) from dicts of the struct's fields."""
    return pa.array(classes, type=ANNOTATION_CONTEXT_TYPE)


_extension_types: dict[str, pa.DataType] = {}


def extension(name: str, values: np.ndarray) -> pa.Array:
    """An ``ext.<name>`` component: Arrow's inference on first use, then cast to that type.

    Raises
    ------
    pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError
        When a later value cannot be cast to the type first seen for ``name``.
    """
    known = _extension_types.get(name)
    array = pa.array(values) if values.dtype != object else pa.array(values.tolist())
    if known is None:
        _extension_types[name] = array.type
        return array
    if array.type != known:
        array = array.cast(known)
    return array


# 0.4.0 exposed these two helpers at ``rerun.components`` (its per-component modules sit beside this one).
from rerun.components._v04 import ComponentTypeFactory, build_dense_union  # noqa: E402
