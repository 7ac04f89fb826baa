"""Every built-in component of an incoming LOG batch checked against its Arrow type, before the store sees it.

A batch is a column per component, each a ``list<T>`` of instances (see ``rerun.components``). A
column named as a built-in component (``rerun.point3d``) whose type does not match is what made every
view raise on every frame: such a batch is rejected whole at ingest, with a message naming the
component, the type received and the type expected. ``ext.*`` and unknown components pass (they have
no fixed type); a struct may carry extra fields and list item names or nullability may differ
(Rerun 0.4.0 files converted by the legacy reader).
"""

from __future__ import annotations

import pyarrow as pa

from rerun.components import TYPES
from rerun.wire.frames import WireError


class ComponentTypeMismatch(WireError):
    """A built-in component column of the wrong Arrow type; ``component`` names it."""

    def __init__(self, component: str, message: str) -> None:
        super().__init__(message)
        self.component = component


def check_components(batch: pa.RecordBatch) -> None:
    """Raise :class:`ComponentTypeMismatch` for the first built-in component whose type is wrong."""
    for field in batch.schema:
        expected = TYPES.get(field.name)
        if expected is None:
            continue
        actual = field.type
        if not (_is_list(actual) and _compatible(actual.value_type, expected)):
            raise ComponentTypeMismatch(
                field.name, f"component {field.name!r} has type {actual}, expected list<{expected}>; dropped the batch"
            )


def _is_list(t: pa.DataType) -> bool:
    return pa.types.is_list(t) or pa.types.is_large_list(t)


def _compatible(actual: pa.DataType, expected: pa.DataType) -> bool:
    """Whether values of ``actual`` can be read as ``expected`` (walked with a stack: nesting comes from the wire)."""
    stack = [(actual, expected)]
    while stack:
        a, e = stack.pop()
        if pa.types.is_fixed_size_list(e):
            if not pa.types.is_fixed_size_list(a) or a.list_size != e.list_size:
                return False
            stack.append((a.value_type, e.value_type))
        elif _is_list(e):
            if not _is_list(a):
                return False
            stack.append((a.value_type, e.value_type))
        elif pa.types.is_struct(e):
            if not pa.types.is_struct(a):
                return False
            names = {a.field(i).name: a.field(i).type for i in range(a.num_fields)}
            for i in range(e.num_fields):
                expected_field = e.field(i)
                if expected_field.name not in names:
                    if not expected_field.nullable:
                        return False
                    continue
                stack.append((names[expected_field.name], expected_field.type))
        elif pa.types.is_string(e) or pa.types.is_large_string(e):
            if not (pa.types.is_string(a) or pa.types.is_large_string(a)):
                return False
        elif pa.types.is_binary(e) or pa.types.is_large_binary(e):
            if not (pa.types.is_binary(a) or pa.types.is_large_binary(a)):
                return False
        elif not a.equals(e):
            return False
    return True
