"""``log_rect`` and ``log_rects``: 2D rectangles in any :class:`~rerun.RectFormat`."""

from __future__ import annotations

import numpy as np

from rerun import components as C
from rerun._errors import bad_value
from rerun._errors import log_function
from rerun.enums import RectFormat, coerce_enum
from rerun.log import _args

__all__ = ["log_rect", "log_rects"]


def _rect_rows(argument: str, value: object, single: bool) -> np.ndarray:
    expected = "4 numbers" if single else "an array of shape (N, 4) (or a flat array of 4*N numbers)"
    array = _args.numeric_array(argument, value, expected)
    if single:
        if array.size != 4:
            raise bad_value(argument, expected, f"{array.size} numbers (shape {array.shape})")
    elif not ((array.ndim == 2 and array.shape[1] == 4) or (array.ndim == 1 and array.size % 4 == 0)):
        raise bad_value(argument, expected, f"shape {array.shape}")
    return np.ascontiguousarray(array, dtype=np.float32).reshape(-1, 4)


@log_function
def log_rect(
    entity_path: str,
    rect,
    *,
    rect_format=RectFormat.XYWH,
    color=None,
    label=None,
    class_id=None,
    ext=None,
    timeless: bool = False,
) -> None:
    """Log one 2D rectangle.

    Parameters
    ----------
    entity_path : str
    rect : 4 numbers or None
        Laid out as ``rect_format`` says (stored as given, the viewer converts). ``None`` logs an
        empty rectangle list (clears what was there).
    rect_format : RectFormat or str
        ``RectFormat.XYWH`` by default; the name as a string works too (0.4.0 needed the enum).
    color, label, class_id : optional
        As for ``log_point``.
    ext : dict, optional
    timeless : bool

    Notes
    -----
    A rectangle of all zeros is logged as such (0.4.0 turned it into an empty list);
    ``class_id=0`` and ``label=""`` are logged.
    """
    path = _args.entity_path(entity_path)
    timeless = _args.flag("timeless", timeless)
    fmt = coerce_enum(RectFormat, rect_format, "rect_format")
    rows = np.zeros((0, 4), np.float32) if rect is None else _rect_rows("rect", rect, True)
    _args.single_label("label", label)
    _args.single_id("class_id", class_id)
    inst = _args.Instanced("rect", len(rows))
    inst.components[C.RECT2D] = C.rects(fmt.value, rows)
    _args.add_standard(
        inst,
        colors_value=color,
        colors_argument="color",
        labels_value=label,
        labels_argument="label",
        class_ids_value=class_id,
        class_ids_argument="class_id",
    )
    _args.log_row(path, inst, ext, timeless=timeless)


@log_function
def log_rects(
    entity_path: str,
    rects,
    *,
    rect_format=RectFormat.XYWH,
    identifiers=None,
    colors=None,
    labels=None,
    class_ids=None,
    ext=None,
    timeless: bool = False,
) -> None:
    """Log many 2D rectangles.

    Parameters
    ----------
    entity_path : str
    rects : array-like of shape (N, 4), or a flat array of 4*N numbers, or None (no rectangles)
    rect_format : RectFormat or str
    identifiers, colors, labels, class_ids : optional
        1 value for all, or N (as for ``log_points``).
    ext : dict, optional
    timeless : bool

    Notes
    -----
    All-zero rectangles are logged (0.4.0 dropped them); a numpy array of identifiers works
    (0.4.0 raised "truth value of an array is ambiguous"); count mismatches are validation errors.
    """
    path = _args.entity_path(entity_path)
    timeless = _args.flag("timeless", timeless)
    fmt = coerce_enum(RectFormat, rect_format, "rect_format")
    rows = np.zeros((0, 4), np.float32) if rects is None else _rect_rows("rects", rects, False)
    inst = _args.Instanced("rects", len(rows))
    inst.components[C.RECT2D] = C.rects(fmt.value, rows)
    _args.add_standard(
        inst, colors_value=colors, labels_value=labels, class_ids_value=class_ids, identifiers_value=identifiers
    )
    _args.log_row(path, inst, ext, timeless=timeless)
