"""What the hover tooltip and the selection panel say about one instance or one image pixel (pure: no ImGui).

As in Rerun 0.4, hovering an instance shows its entity, its instance key and each of its components' values
(position, colour, radius, label, class id …); hovering an image shows the pixel coordinate, the logged value
there (RGB(A) channels, a depth value with its metric distance, a class id) and a zoomed patch around it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from rerun import components as C

from rerun_app.views import values

#: Components that are bookkeeping, not data a user logged for the instance.
HIDDEN_COMPONENTS = frozenset({C.INSTANCE_KEY, "rerun.msg_id"})
PATCH_HALF = 5  # the zoomed patch is (2 * PATCH_HALF + 1) pixels square around the hovered one


@dataclass(frozen=True)
class Row:
    """One line of a tooltip or of the selection panel's data grid: a name and its value as text (a colour
    value also as RGBA8, which the panel shows as a swatch, as the original does)."""

    name: str
    value: str
    color: tuple[int, int, int, int] | None = None


def short_name(component: str) -> str:
    """``rerun.colorrgba`` → ``colorrgba`` (what the original shows)."""
    return component.removeprefix("rerun.")


def instance_row(latest, instance_key: int) -> int | None:
    """Row of ``instance_key`` in a :class:`~rerun_app.store.latest_at.LatestAt` result, or None."""
    keys = np.asarray(latest.instance_keys)
    found = np.flatnonzero(keys == np.uint64(instance_key)) if keys.size else np.empty(0, np.int64)
    return int(found[0]) if found.size else None


def instance_rows(latest, instance_key: int) -> list[Row]:
    """Each logged component's value for one instance (tensors summarised, bookkeeping components left out)."""
    row = instance_row(latest, instance_key)
    if row is None:
        return []
    out = []
    for name in sorted(latest.components):
        if name in HIDDEN_COMPONENTS:
            continue
        arr = latest.components[name]
        if row >= len(arr):
            continue
        out.append(Row(short_name(name), format_value(name, arr, row)))
    return out


#: At most this many instances are listed under a multi-valued component in the selection panel.
MAX_LISTED_INSTANCES = 100


@dataclass(frozen=True)
class ComponentRow:
    """One component of the selected entity in the selection panel's data grid, as the original shows it: its
    short name; for one distinct value that value (numbers at full precision, strings plain, colours as a swatch);
    for several, ``"N values"`` with the first :data:`MAX_LISTED_INSTANCES` of them as ``(instance key, text)``."""

    name: str
    value: str
    color: tuple[int, int, int, int] | None = None
    instances: tuple[tuple[int, str], ...] = ()


def entity_rows(latest) -> list[ComponentRow]:
    """The data grid of an entity at the cursor: every logged component but the bookkeeping ones, sorted by name.

    A component whose instances all hold the same value (a splat: one colour for a whole cloud) shows that value.
    """
    keys = np.asarray(latest.instance_keys)
    out = []
    for name in sorted(latest.components):
        if name in HIDDEN_COMPONENTS:
            continue
        arr = latest.components[name]
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        n = len(arr)
        if n == 0:
            out.append(ComponentRow(short_name(name), "(empty)"))
            continue
        if n == 1 or _all_equal(arr):
            out.append(ComponentRow(short_name(name), full_value(name, arr, 0), _color_of(name, arr, 0)))
            continue
        listed = tuple((int(keys[i]) if i < keys.size else i, full_value(name, arr, i))
                       for i in range(min(n, MAX_LISTED_INSTANCES)))
        out.append(ComponentRow(short_name(name), f"{n} values", None, listed))
    return out


def instance_component_rows(latest, instance_key: int) -> list[ComponentRow]:
    """The data grid of one instance (picked in a view), as the original's: each component's value for it at full
    precision, colours as swatches, bookkeeping components left out."""
    row = instance_row(latest, instance_key)
    if row is None:
        return []
    out = []
    for name in sorted(latest.components):
        arr = latest.components[name]
        if name in HIDDEN_COMPONENTS or row >= len(arr):
            continue
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        out.append(ComponentRow(short_name(name), full_value(name, arr, row), _color_of(name, arr, row)))
    return out


def _all_equal(arr: pa.Array) -> bool:
    try:
        return len(arr) > 0 and arr.null_count == 0 and pc.count_distinct(arr).as_py() == 1
    except (pa.ArrowException, NotImplementedError):  # nested types have no distinct count: compare as Python
        first = arr[0].as_py() if len(arr) < 10_000 else object()
        return all(v == first for v in arr.to_pylist()) if len(arr) < 10_000 else False


def _color_of(name: str, arr: pa.Array, row: int) -> tuple[int, int, int, int] | None:
    if name != C.COLOR or not arr[row].is_valid:
        return None
    try:
        return tuple(int(v) for v in values.colors_rgba8(arr.slice(row, 1))[0])
    except values.ComponentError:
        return None


def full_value(name: str, arr: pa.Array, row: int) -> str:
    """One instance's value as the original's selection panel prints it: numbers at full precision (the
    shortest text that reads back as the logged float32/float64; whole numbers without a decimal point), strings
    without quotes, colours as hex, tensors summarised (dtype, named shape, meaning)."""
    single = pa.types.is_float32(_leaf_type(arr.type))
    return _instance_text(
        name, arr, row,
        colour=lambda r, g, b, a: f"#{r:02x}{g:02x}{b:02x}{a:02x}",
        tensor=lambda: tensor_summary(arr, row),
        plain=lambda value: values.short_text(value, "()", str, lambda v: _precise(v, single)),
    )


def _leaf_type(t: pa.DataType) -> pa.DataType:
    while pa.types.is_list(t) or pa.types.is_fixed_size_list(t) or pa.types.is_large_list(t):
        t = t.value_type
    return t


def _precise(value: float, single: bool) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(np.float32(value)) if single else repr(value)


def tensor_summary(arr: pa.Array, row: int = 0) -> str:
    """``float32 [height=40, width=30, 5]``, plus the meaning (and meter) when logged: the original's summary."""
    t = arr[row]
    shape = [int(s) for s in t["shape"].as_py()]
    names = list(t["names"].as_py() or ())
    dims = ", ".join(f"{names[i]}={n}" if i < len(names) and names[i] else str(n) for i, n in enumerate(shape))
    text = f"{t['dtype'].as_py()} [{dims}]"
    meaning = t["meaning"].as_py()
    if meaning and meaning != "unknown":
        text += f" {meaning}"
    if "meter" in arr.type.names and t["meter"].as_py() is not None:
        text += f" (meter {t['meter'].as_py():g})"
    return text


def format_value(name: str, arr: pa.Array, row: int) -> str:
    """One instance's value of component ``name`` as text."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return _instance_text(
        name, arr, row,
        colour=lambda r, g, b, a: f"#{r:02x}{g:02x}{b:02x}{a:02x} (r {r}, g {g}, b {b}, a {a})",
        tensor=lambda: values.describe(arr.slice(row, 1)),
        plain=lambda value: values.short_text(value, "()", str),
    )


def _instance_text(name: str, arr: pa.Array, row: int, colour, tensor, plain) -> str:
    """One instance's value as text, each kind by its own formatter: ``colour(r, g, b, a)``, ``tensor()``,
    ``plain(value)``; a null shows as a dash, an undecodable value as ``<cannot display: …>``."""
    if not arr[row].is_valid:
        return "–"
    try:
        if name == C.COLOR:
            r, g, b, a = (int(v) for v in values.colors_rgba8(arr.slice(row, 1))[0])
            return colour(r, g, b, a)
        if name == C.TENSOR:
            return tensor()
        value = arr[row].as_py()
    except (values.ComponentError, pa.ArrowException, ValueError) as exc:
        return f"<cannot display: {exc}>"
    return plain(value)


def pixel_rows(image: np.ndarray, column: int, row: int, meaning: str = "unknown",
               meter: float | None = None) -> list[Row]:
    """The pixel coordinate and the logged value at (column, row) of an (H, W[, C]) image."""
    out = [Row("pixel", f"({column}, {row})")]
    if not (0 <= row < image.shape[0] and 0 <= column < image.shape[1]):
        return out
    value = np.asarray(image[row, column]).reshape(-1)
    if value.size == 1:
        v = value[0]
        text = _number(v)
        if meaning == "depth":
            scale = meter if meter and np.isfinite(meter) and meter > 0 else 1.0
            text += f" ({float(v) / scale:.4g} m)"
            out.append(Row("depth", text))
        elif meaning == "class_id":
            out.append(Row("class id", text))
        else:
            out.append(Row("value", text))
        return out
    names = "RGBA" if value.size in (3, 4) else [str(i) for i in range(value.size)]
    out.append(Row("value", ", ".join(f"{n}: {_number(v)}" for n, v in zip(names, value))))
    if value.size in (3, 4) and image.dtype == np.uint8:
        out.append(Row("hex", "#" + "".join(f"{int(v):02x}" for v in value)))
    return out


def tensor_cell_rows(array: np.ndarray, height_axis: int, width_axis: int, indices: dict[int, int], column: int,
                     row: int, names: tuple = ()) -> list[Row]:
    """The tensor element shown at (column, row) of a slice view (height/width axes, the other axes cut at
    ``indices``): its full index (with the dimension names when logged) and its value."""
    index = [int(indices.get(axis, 0)) for axis in range(array.ndim)]
    index[height_axis], index[width_axis] = row, column
    if not all(0 <= i < n for i, n in zip(index, array.shape)):
        return [Row("index", str(index))]
    labels = [f"{names[a]}={i}" if a < len(names) and names[a] else str(i) for a, i in enumerate(index)]
    return [Row("index", "[" + ", ".join(labels) + "]"), Row("value", _number(array[tuple(index)]))]


def _number(v) -> str:
    return f"{float(v):.6g}" if np.issubdtype(np.asarray(v).dtype, np.floating) else str(int(v))


def zoom_patch(rgba: np.ndarray, column: int, row: int, half: int = PATCH_HALF) -> np.ndarray:
    """The (2*half+1)² RGBA8 pixels around (column, row) of a displayed image; outside the image: transparent."""
    size = 2 * half + 1
    out = np.zeros((size, size, 4), np.uint8)
    h, w = rgba.shape[:2]
    r0, c0 = row - half, column - half
    rs, cs = max(r0, 0), max(c0, 0)
    re, ce = min(r0 + size, h), min(c0 + size, w)
    if rs < re and cs < ce:
        src = rgba[rs:re, cs:ce]
        if src.ndim == 2:
            src = np.repeat(src[..., None], 3, axis=-1)
        if src.shape[-1] == 3:
            src = np.concatenate([src, np.full(src.shape[:2] + (1,), 255, np.uint8)], axis=-1)
        out[rs - r0:re - r0, cs - c0:ce - c0] = src
    return out


#: The selection panel's preview of an image tensor fits in this many pixels (width, height), as the original's.
THUMBNAIL_SIZE = (48, 32)


def thumbnail(arr: pa.Array, row: int = 0, size: tuple[int, int] = THUMBNAIL_SIZE) -> np.ndarray | None:
    """A small (h, w, 3) uint8 preview of an image-shaped tensor (nearest samples; colours as logged for uint8
    RGB(A), other values greyscale over their range), or None for anything that is not a picture."""
    from rerun_app.views.pixels import image_shape

    try:
        tensor = values.tensor(arr, row)
    except (values.ComponentError, pa.ArrowException, ValueError):
        return None
    array = tensor.array
    shape = None if array is None else image_shape(array)
    if shape is None or shape[0] == 0 or shape[1] == 0:
        return None
    h, w, c = shape
    image = array.reshape(h, w, c)
    scale = min(size[0] / w, size[1] / h, 1.0)
    th, tw = max(int(round(h * scale)), 1), max(int(round(w * scale)), 1)
    rows = np.minimum((np.arange(th) + 0.5) / th * h, h - 1).astype(int)
    cols = np.minimum((np.arange(tw) + 0.5) / tw * w, w - 1).astype(int)
    small = image[rows][:, cols]
    if c in (3, 4) and small.dtype == np.uint8:
        return np.ascontiguousarray(small[..., :3])
    grey = small[..., 0].astype(np.float64)
    finite = grey[np.isfinite(grey)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    grey = np.nan_to_num((grey - lo) / (hi - lo if hi > lo else 1.0) * 255, nan=0.0)
    return np.repeat(np.clip(np.round(grey), 0, 255).astype(np.uint8)[..., None], 3, axis=-1)
