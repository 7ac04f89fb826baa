"""Arrow component arrays (interface B layouts) → numpy values for the view builders.

Every function takes the *instances* of one component (a plain ``pa.Array``, already splat-resolved by the store)
and returns numpy arrays without copying where the layout allows. Functions raise ``ComponentError`` with a message
naming the component for data they cannot interpret; the builders turn that into a per-entity warning.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa


class ComponentError(ValueError):
    """A component's value cannot be shown (wrong layout, impossible shape …)."""


def _flat_values(arr: pa.Array) -> pa.Array:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr


def fixed_vectors(arr: pa.Array, width: int, dtype=np.float32) -> np.ndarray:
    """A ``fixed_size_list<T, width>`` array as an (N, width) array of ``dtype`` (zero copy when T matches)."""
    arr = _flat_values(arr)
    if len(arr) == 0:
        return np.zeros((0, width), dtype=dtype)
    if not pa.types.is_fixed_size_list(arr.type) or arr.type.list_size != width:
        raise ComponentError(f"expected fixed_size_list<*, {width}>, got {arr.type}")
    flat = arr.flatten().to_numpy(zero_copy_only=False)
    return np.asarray(flat, dtype=dtype).reshape(len(arr), width)


def scalars(arr: pa.Array, dtype=np.float32) -> np.ndarray:
    """A primitive array (radius, class id …) as a 1-D numpy array; nulls become NaN (floats) or 0."""
    arr = _flat_values(arr)
    if arr.null_count:
        fill = float("nan") if np.issubdtype(np.dtype(dtype), np.floating) else 0
        arr = arr.fill_null(fill)
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=dtype)


def strings(arr: pa.Array) -> list[str | None]:
    """A utf8 array as a list of Python strings."""
    return _flat_values(arr).to_pylist()


def colors_rgba8(arr: pa.Array) -> np.ndarray:
    """``rerun.colorrgba`` as (N, 4) uint8 (also accepts packed uint32 0xRRGGBBAA, as Rerun 0.4 stored it)."""
    arr = _flat_values(arr)
    if pa.types.is_fixed_size_list(arr.type):
        return fixed_vectors(arr, 4, np.uint8)
    if pa.types.is_uint32(arr.type):
        packed = arr.to_numpy(zero_copy_only=False).astype(">u4")
        return packed.view(np.uint8).reshape(-1, 4).copy()
    raise ComponentError(f"colors: expected fixed_size_list<uint8, 4> or uint32, got {arr.type}")


@dataclass(frozen=True)
class Tensor:
    """One ``rerun.tensor`` instance: its array (zero-copy view of the logged bytes) and metadata."""

    array: np.ndarray | None  # None for JPEG-encoded data
    encoded: bytes | None
    names: tuple
    meaning: str
    meter: float | None


_TENSOR_DTYPES = {
    "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64", "float16", "float32", "float64",
}


def tensor(arr: pa.Array, index: int = 0) -> Tensor:
    """Decode instance ``index`` of a ``rerun.tensor`` array."""
    arr = _flat_values(arr)
    if not pa.types.is_struct(arr.type):
        raise ComponentError(f"rerun.tensor: expected a struct array, got {arr.type}")
    row = arr[index]
    shape = [int(s) for s in row["shape"].as_py()]
    dtype = row["dtype"].as_py()
    data = row["data"]
    buffer = data.as_buffer() if data.is_valid else None
    names = tuple(row["names"].as_py() or ())
    meaning = row["meaning"].as_py() or "unknown"
    meter = row["meter"].as_py() if "meter" in arr.type.names else None
    if dtype == "jpeg":
        return Tensor(None, None if buffer is None else buffer.to_pybytes(), names, meaning, meter)
    if dtype not in _TENSOR_DTYPES:
        raise ComponentError(f"rerun.tensor: unsupported dtype {dtype!r}")
    count = int(np.prod(shape)) if shape else 1
    itemsize = np.dtype(dtype).itemsize
    if buffer is None or buffer.size < count * itemsize:
        have = 0 if buffer is None else buffer.size
        raise ComponentError(f"rerun.tensor: shape {shape} of {dtype} needs {count * itemsize} bytes, data has {have}")
    values = np.frombuffer(buffer, dtype=np.dtype(dtype).newbyteorder("<"), count=count).reshape(shape)
    return Tensor(values, None, names, meaning, meter)


@dataclass(frozen=True)
class Transform:
    """One ``rerun.transform`` instance."""

    kind: str  # "unknown" / "rigid3" / "pinhole"
    rotation_xyzw: np.ndarray
    translation: np.ndarray
    image_from_cam: np.ndarray  # 3x3, row-major
    resolution: tuple[float, float] | None


def transform(arr: pa.Array, index: int = 0) -> Transform:
    """Decode instance ``index`` of a ``rerun.transform`` array."""
    arr = _flat_values(arr)
    if not pa.types.is_struct(arr.type):
        raise ComponentError(f"rerun.transform: expected a struct array, got {arr.type}")
    row = arr[index].as_py()
    rotation = np.asarray(row.get("rotation") or (0, 0, 0, 1), dtype=np.float64)
    translation = np.asarray(row.get("translation") or (0, 0, 0), dtype=np.float64)
    image_from_cam = np.asarray(row.get("image_from_cam") or np.eye(3).ravel(), dtype=np.float64).reshape(3, 3)
    resolution = row.get("resolution")
    return Transform(
        kind=row.get("kind") or "unknown",
        rotation_xyzw=rotation,
        translation=translation,
        image_from_cam=image_from_cam,
        resolution=None if resolution is None else (float(resolution[0]), float(resolution[1])),
    )


def struct_rows(arr: pa.Array) -> list[dict]:
    """A struct array as a list of dicts (small components: annotation context, arrows, rects, meshes' scalars)."""
    return _flat_values(arr).to_pylist()


def describe(arr: pa.Array, max_items: int = 6) -> str:
    """A short human-readable summary of a component's instances for the selection panel."""
    arr = _flat_values(arr)
    n = len(arr)
    head = f"{n} × {arr.type}" if n != 1 else str(arr.type)
    if pa.types.is_struct(arr.type) and "data" in arr.type.names and n:
        row = arr[0]
        shape = row["shape"].as_py()
        return f"tensor {row['dtype'].as_py()} shape {shape} meaning {row['meaning'].as_py()}"
    try:
        items = arr.slice(0, max_items).to_pylist()
    except (pa.ArrowException, ValueError):
        return head
    text = ", ".join(short_text(v) for v in items)
    more = f", … ({n - max_items} more)" if n > max_items else ""
    return f"{head}: {text}{more}"


def short_text(value, brackets: str = "[]", scalar=repr, number=None) -> str:
    """A short display text of a decoded Arrow value: floats to 4 digits (or through ``number``), at most 8 items
    of a list (in ``brackets``), struct fields but not their bytes, bytes as a count, anything else through
    ``scalar``."""
    if isinstance(value, float):
        return number(value) if number is not None else f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        items = ", ".join(short_text(v, brackets, scalar, number) for v in value[:8])
        return brackets[0] + items + (", …" if len(value) > 8 else "") + brackets[1]
    if isinstance(value, dict):
        fields = (f"{k}: {short_text(v, brackets, scalar, number)}" for k, v in value.items()
                  if not isinstance(v, bytes))
        return "{" + ", ".join(fields) + "}"
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return scalar(value)
