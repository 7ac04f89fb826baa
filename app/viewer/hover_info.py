"""What the hover tooltip and the selection panel say about one instance or one image pixel (pure: no ImGui).

As in Rerun 0.4, hovering an instance shows its entity, its instance key and each of its components' values
(position, colour, radius, label, class id …); hovering an image shows the pixel coordinate, the logged value
there (RGB(A) channels, a depth value with its metric distance, a class id) and a zoomed patch around it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from rerun import components as C

from rerun_app.views import values

#: Components that are bookkeeping, not data a user logged for the instance.
HIDDEN_COMPONENTS = frozenset({C.INSTANCE_KEY, "rerun.msg_id"})
PATCH_HALF = 5  # the zoomed patch is (2 * PATCH_HALF + 1) pixels square around the hovered one


@dataclass(frozen=True)
class Row:
    """One line of a tooltip: a name and its value as text."""

    name: str
    value: str


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


def format_value(name: str, arr: pa.Array, row: int) -> str:
    """One instance's value of component ``name`` as text."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not arr[row].is_valid:
        return "–"
    try:
        if name == C.COLOR:
            r, g, b, a = (int(v) for v in values.colors_rgba8(arr.slice(row, 1))[0])
            return f"#{r:02x}{g:02x}{b:02x}{a:02x} (r {r}, g {g}, b {b}, a {a})"
        if name == C.TENSOR:
            return values.describe(arr.slice(row, 1))
        value = arr[row].as_py()
    except (values.ComponentError, pa.ArrowException, ValueError) as exc:
        return f"<cannot display: {exc}>"
    return values.short_text(value, "()", str)


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
