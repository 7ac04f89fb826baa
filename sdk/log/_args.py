"""Argument normalisation shared by the ``log_*`` functions.

Each helper turns one user argument into the numpy form the component builders take, or raises the
validation error of :mod:`rerun._errors` naming the argument, what was expected and what was given.
"""

from __future__ import annotations

import numbers
from typing import Iterable

import numpy as np
import pyarrow as pa

from rerun import _session
from rerun import components as C
from rerun._errors import bad_type, bad_value, check_utf8, describe
from rerun.color import normalize_colors
from rerun.entity_path import validated

U16_MAX = 0xFFFF


def entity_path(value: object, *, allow_root: bool = False) -> str:
    """The validated, normalised entity path (see :func:`rerun.entity_path.validated`)."""
    return validated(value, allow_root=allow_root)


def flag(argument: str, value: object) -> bool:
    """A boolean option (``timeless``, ``recursive``): bools and numpy bools only."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise bad_type(argument, "a bool", describe(value))


def numeric_array(argument: str, value: object, expected: str) -> np.ndarray:
    """``np.asarray(value)`` checked to hold real numbers (ints or floats, not bools or strings)."""
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        value = _torch_like_to_numpy(value)
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):
        raise bad_value(argument, expected, f"a ragged or non-numeric {type(value).__name__}") from None
    if array.dtype.kind not in "iuf":
        if array.dtype == object and array.ndim >= 1:
            raise bad_value(argument, expected, f"a ragged or mixed {type(value).__name__}")
        raise bad_type(argument, expected, describe(array) if isinstance(value, np.ndarray) else f"values of dtype {array.dtype}")
    return array


def _torch_like_to_numpy(value: object) -> np.ndarray:
    try:
        return value.numpy(force=True)  # torch >= 1.13 (detaches, moves to the CPU)
    except TypeError:
        return value.numpy()


def float_rows(argument: str, value: object, widths: tuple[int, ...]) -> np.ndarray:
    """An ``(N, K)`` C-contiguous float32 array with ``K`` in ``widths`` (no copy for such input)."""
    shapes = " or ".join(f"(N, {w})" for w in widths)
    expected = f"an array of shape {shapes}"
    array = numeric_array(argument, value, expected)
    if array.ndim != 2 or array.shape[1] not in widths:
        raise bad_value(argument, expected, f"shape {array.shape}")
    return np.ascontiguousarray(array, dtype=np.float32)


def float_vector(argument: str, value: object, size: int, what: str | None = None) -> np.ndarray:
    """Exactly ``size`` numbers (any shape with that many elements) as float32."""
    expected = what or f"{size} numbers"
    array = numeric_array(argument, value, expected)
    if array.size != size:
        raise bad_value(argument, expected, f"{array.size} numbers (shape {array.shape})")
    return array.astype(np.float32).reshape(size)


def real_number(argument: str, value: object, *, positive: bool = False, non_negative: bool = False) -> float:
    """One real number (int, float or numpy scalar; not bool, not str)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise bad_type(argument, "a number", describe(value))
    number = float(value)
    if positive and not number > 0:
        raise bad_value(argument, "a positive number", repr(value))
    if non_negative and not number >= 0:
        raise bad_value(argument, "a number >= 0", repr(value))
    return number


def colors(argument: str, value: object) -> np.ndarray | None:
    """``(M, 4)`` RGBA bytes, or None when not given."""
    if value is None:
        return None
    return normalize_colors(value, argument)


def radii(argument: str, value: object) -> np.ndarray | None:
    """A 1-D float32 array of radii >= 0 (NaN rejected), or None."""
    if value is None:
        return None
    array = numeric_array(argument, value, "a radius >= 0 or an array of them")
    if array.ndim > 1:
        raise bad_value(argument, "a radius >= 0 or a 1-D array of them", f"shape {array.shape}")
    array = np.atleast_1d(array).astype(np.float32, copy=False)
    if array.size and not (array >= 0).all():
        raise bad_value(argument, "radii >= 0", f"{array[~(array >= 0)][0]!r} among them")
    return array


def labels(argument: str, value: object) -> list[str] | None:
    """A list of label strings, or None. A bare string is one label (0.4.0 split it per character)."""
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (bytes, bytearray)) or not isinstance(value, Iterable):
        raise bad_type(argument, "a str or a sequence of str", describe(value))
    result = list(value)
    for index, item in enumerate(result):
        if not isinstance(item, str):
            raise bad_type(argument, "a str or a sequence of str", f"an item {describe(item)}")
        check_utf8(f"{argument}[{index}]", item)
    return result


def integer_ids(argument: str, value: object, maximum: int) -> np.ndarray | None:
    """A 1-D array of integer ids in ``0..maximum`` (integral floats accepted), or None.

    0.4.0 wrapped out-of-range ids silently (-1 became 65535).
    """
    if value is None:
        return None
    expected = f"an integer id in 0..{maximum} or a 1-D array of them"
    if isinstance(value, (bool, np.bool_)):
        raise bad_type(argument, expected, describe(value))
    array = np.atleast_1d(numeric_array(argument, value, expected))
    if array.ndim != 1:
        raise bad_value(argument, expected, f"shape {array.shape}")
    if array.size:
        if array.dtype.kind == "f" and not np.array_equal(array, np.floor(array)):
            raise bad_value(argument, expected, "non-integer values")
        low, high = array.min(), array.max()
        if low < 0 or high > maximum:
            raise bad_value(argument, expected, f"values from {low} to {high}")
    return array.astype(np.uint16 if maximum == U16_MAX else np.uint64)


def class_ids(argument: str, value: object) -> np.ndarray | None:
    """``rerun.class_id`` / ``rerun.keypoint_id`` values (uint16)."""
    return integer_ids(argument, value, U16_MAX)


def instance_keys(argument: str, value: object) -> np.ndarray | None:
    """``rerun.instance_key`` values (uint64 below the splat sentinel 2**64-1)."""
    if value is None:
        return None
    expected = "a 1-D sequence of integer identifiers in 0..2**64-2"
    array = np.atleast_1d(numeric_array(argument, value, expected))
    if array.ndim != 1:
        raise bad_value(argument, expected, f"shape {array.shape}")
    if array.dtype.kind == "f":
        if array.size and not np.array_equal(array, np.floor(array)):
            raise bad_value(argument, expected, "non-integer values")
    if array.size:
        if array.dtype.kind == "i" or array.dtype.kind == "f":
            if array.min() < 0:
                raise bad_value(argument, expected, f"negative values (min {array.min()})")
        if array.dtype == np.uint64 and array.max() == np.uint64(2**64 - 1):
            raise bad_value(argument, expected, "2**64-1 (reserved for splats)")
    return array.astype(np.uint64)


def single_label(argument: str, value: object) -> str | None:
    """One label string, or None."""
    if value is None:
        return value
    if isinstance(value, str):
        return check_utf8(argument, value)
    raise bad_type(argument, "a str", describe(value))


def single_id(argument: str, value: object) -> int | None:
    """One class or keypoint id in 0..65535, or None (0 is a valid id; 0.4.0 dropped it)."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise bad_type(argument, "an integer id in 0..65535", describe(value))
    if not 0 <= int(value) <= U16_MAX:
        raise bad_value(argument, "an integer id in 0..65535", repr(value))
    return int(value)


class Instanced:
    """Collects one call's per-instance components and checks that their counts agree.

    Every optional array must hold 0, 1 (a splat: one value for all instances) or N values, where N
    is the count of the primary component. 0.4.0 panicked in Rust on a mismatch.
    """

    def __init__(self, primary_argument: str | None, count: int | None) -> None:
        self.primary_argument = primary_argument
        self.count = count
        self.components: dict[str, pa.Array] = {}
        self._optional: list[tuple[str, str, int, object]] = []

    def add(self, argument: str, component: str, values, build) -> None:
        """Queue ``build(values)`` as ``component`` unless ``values`` is None."""
        if values is not None:
            self._optional.append((argument, component, len(values), (values, build)))

    def finish(self) -> dict[str, pa.Array]:
        """Check the counts and build every queued component."""
        count = self.count
        if count is None:
            lengths = [length for _, _, length, _ in self._optional]
            count = max(lengths, default=0)
        for argument, _, length, _ in self._optional:
            if length not in (0, 1, count):
                if self.primary_argument is not None and self.count is not None:
                    reference = f"the {count} of '{self.primary_argument}'"
                else:
                    reference = f"the {count} of the longest argument"
                raise bad_value(argument, f"0, 1 or {count} values to match {reference}", f"{length}")
        for _, component, _, (values, build) in self._optional:
            self.components[component] = build(values)
        return self.components


def rgba(values: np.ndarray) -> pa.Array:
    return C.colors(values)


def f32(values: np.ndarray) -> pa.Array:
    return C.primitive(np.ascontiguousarray(values, dtype=np.float32))


def u16(values: np.ndarray) -> pa.Array:
    return C.primitive(np.ascontiguousarray(values, dtype=np.uint16))


def u64(values: np.ndarray) -> pa.Array:
    return C.primitive(np.ascontiguousarray(values, dtype=np.uint64))


def utf8(values: list[str]) -> pa.Array:
    return C.strings(values)


def add_standard(
    inst: Instanced,
    *,
    colors_value=None,
    colors_argument="colors",
    radii_value=None,
    radii_argument="radii",
    labels_value=None,
    labels_argument="labels",
    class_ids_value=None,
    class_ids_argument="class_ids",
    keypoint_ids_value=None,
    keypoint_ids_argument="keypoint_ids",
    identifiers_value=None,
) -> None:
    """Validate and queue the usual optional per-instance arguments of a call."""
    inst.add(colors_argument, C.COLOR, colors(colors_argument, colors_value), rgba)
    inst.add(radii_argument, C.RADIUS, radii(radii_argument, radii_value), f32)
    inst.add(labels_argument, C.LABEL, labels(labels_argument, labels_value), utf8)
    ids = class_ids(class_ids_argument, class_ids_value)
    keypoints = class_ids(keypoint_ids_argument, keypoint_ids_value)
    if keypoints is not None and ids is None:
        ids = np.zeros(1, np.uint16)  # keypoints are looked up in class 0 unless a class is given
    inst.add(class_ids_argument, C.CLASS_ID, ids, u16)
    inst.add(keypoint_ids_argument, C.KEYPOINT_ID, keypoints, u16)
    keys = instance_keys("identifiers", identifiers_value)
    if keys is not None:
        if inst.count is not None and len(keys) != inst.count:
            raise bad_value("identifiers", f"{inst.count} identifiers, one per instance", f"{len(keys)}")
        inst.add("identifiers", C.INSTANCE_KEY, keys, u64)


def extension_components(argument: str, ext: object) -> dict[str, pa.Array]:
    """The ``ext=`` dict as Arrow arrays named ``ext.<name>`` (None values skipped)."""
    if ext is None:
        return {}
    if not isinstance(ext, dict):
        raise bad_type(argument, "a dict of component name to values", describe(ext))
    result: dict[str, pa.Array] = {}
    for name, value in ext.items():
        if not isinstance(name, str) or not name:
            raise bad_type(argument, "a dict with non-empty str keys", f"key {describe(name)}")
        check_utf8(argument, name, "a dict whose keys encode as UTF-8")
        if value is None:
            continue
        full = name if name.startswith(C.EXTENSION_PREFIX) else C.EXTENSION_PREFIX + name
        try:
            values = np.atleast_1d(np.asarray(value))
        except (ValueError, TypeError):
            raise bad_value(argument, f"array-like values for {full!r}", f"a ragged {type(value).__name__}") from None
        if values.ndim != 1:
            raise bad_value(argument, f"a 1-D array of values for {full!r}", f"shape {values.shape}")
        try:
            result[full] = C.extension(full, values)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
            raise bad_value(argument, f"values for {full!r} convertible to its first type", f"{describe(values)} ({exc})") from None
    return result


def add_extensions(inst: Instanced, argument: str, ext: object) -> None:
    """Queue the ``ext=`` components as per-instance components (count-checked like the others)."""
    for name, array in extension_components(argument, ext).items():
        inst.add(f"{argument}[{name!r}]", name, array, lambda a: a)


def log_row(path: str, inst: Instanced, ext: object, *, timeless: bool = False, skip_empty: bool = False) -> None:
    """The shared end of a ``log_*`` function: queue the ``ext=`` components, check every count, and log the row.

    ``skip_empty``: a call that gave no component at all logs nothing (``log_point()`` with no argument).
    """
    add_extensions(inst, "ext", ext)
    components = inst.finish()
    if components or not skip_empty:
        _session.log(path, components, timeless=timeless)
