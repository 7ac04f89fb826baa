"""A record batch's Arrow IPC message as pieces that point into the batch's own buffers (no copy).

A LOG payload is an IPC stream: the schema's message, the record batch's message and the end
marker. The batch's message is an 8-byte prefix, a flatbuffer (the metadata: row count, one
(length, null count) node per array, one (offset, length) entry per buffer, the body's length), then
the body: the array buffers in depth-first order, each padded to 8 bytes. ``batch.serialize()``
copies the body into one new buffer; a sink that hands bytes to the OS with ``writev`` does not need
them in one place, so :func:`message_pieces` returns the metadata and the batch's own buffers:

- The metadata is a template per schema (Arrow's own flatbuffer for the first batch of that schema,
  whose layout depends only on the schema) with the numbers of this batch written in their places.
- The body is the buffers Arrow's IPC writer would write, picked by its rules (the validity bitmap
  only when there are nulls, buffers longer than the data cut to it, zero-based offsets).

Where those rules make Arrow write bytes the batch does not hold (a sliced array: shifted bitmaps,
rebased offsets), and for types not handled here (dictionaries, unions, views, maps, run-end
encoded), :func:`message_pieces` returns None and the caller serialises with Arrow. Every template
is checked once, when it is made, against Arrow's bytes for the batch it was made from (the whole
message); a schema that does not match is left to Arrow. ``tests/sdk/test_ipc_pieces.py`` compares
the pieces with Arrow's bytes for every kind of batch the SDK logs and for sliced, null-holding,
empty and oversized arrays.
"""

from __future__ import annotations

import struct
from typing import Callable, NamedTuple

import pyarrow as pa

_I32 = struct.Struct("<i")
_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")
_I64 = struct.Struct("<q")

#: Arrow's IPC writer pads a buffer to this many bytes when it decides whether to cut a longer one
#: (its ``PaddedLength``); the body itself is padded to 8.
_ARROW_ALIGNMENT = 64


class _ArrowWouldCopy(Exception):
    """This batch's layout makes Arrow's writer produce bytes the batch does not hold."""


class MessagePieces(NamedTuple):
    """A record batch message: ``metadata`` (prefix + flatbuffer + padding), then the body.

    The body is ``buffers[i]`` (a buffer-protocol object, or None for an empty one) cut to
    ``sizes[i]`` bytes and padded with zeros to a multiple of 8, for each ``i`` in order.
    ``body_length`` counts the padding.
    """

    metadata: bytes
    buffers: list
    sizes: list[int]
    body_length: int


# -- the body: Arrow's IPC writer's choice of buffers, per type ------------------------------------------
# An array is read as the tuple pyarrow's ``Array.__reduce__`` gives for its data, in one call for
# the whole tree (cheaper than an Array object per child): (type, length, null count or -1 where
# not yet counted, offset, buffers, children, dictionary). A visitor takes that tuple and the
# length Arrow's writer sees (shorter where it slices a child to what its parent uses), appends
# the array's node(s) and body buffers, and raises where the batch does not hold Arrow's bytes.

Visitor = Callable[[tuple, int, list, list, list], None]

_LENGTH, _NULL_COUNT, _OFFSET, _BUFFERS, _CHILDREN = 1, 2, 3, 4, 5


def _round8(n: int) -> int:
    return (n + 7) & ~7


def _padded(n: int) -> int:
    return (n + _ARROW_ALIGNMENT - 1) & -_ARROW_ALIGNMENT


def _null_count(data: tuple, length: int) -> int:
    """Nulls among the first ``length`` values (Arrow counts them for a slice, or where not yet counted)."""
    nulls = data[_NULL_COUNT]
    if nulls == 0 or (nulls > 0 and length == data[_LENGTH]):
        return nulls
    bitmap = data[_BUFFERS][0]
    if bitmap is None or length == 0:
        return 0
    bits = int.from_bytes(memoryview(bitmap)[: (length + 7) >> 3], "little") & ((1 << length) - 1)
    return length - bits.bit_count()


def _validity(data: tuple, length: int, buffers: list, sizes: list) -> int:
    """For an array that has (or may have) nulls: append its validity bitmap (none in the body where
    it has no nulls after all) and return its null count."""
    nulls = data[_NULL_COUNT]
    if nulls < 0 or length != data[_LENGTH]:
        nulls = _null_count(data, length)
    if nulls:
        bitmap = data[_BUFFERS][0]
        size = bitmap.size if bitmap is not None else 0
        if size > _padded((length + 7) >> 3):
            raise _ArrowWouldCopy  # Arrow copies the bits it needs into a new bitmap
        buffers.append(bitmap)
        sizes.append(size)
    else:
        buffers.append(None)
        sizes.append(0)
    return nulls


def _fixed_width(width: int) -> Visitor:
    def visit(data, length, nodes, buffers, sizes):
        _, _, nulls, offset, data_buffers, _, _ = data
        if offset:
            raise _ArrowWouldCopy
        if nulls:
            nulls = _validity(data, length, buffers, sizes)
        else:
            buffers.append(None)
            sizes.append(0)
        nodes += (length, nulls)
        values = data_buffers[1]
        size = values.size if values is not None else 0
        used = length * width
        buffers.append(values)
        # Arrow cuts a values buffer longer than the values (padded) to their length rounded up to 8.
        sizes.append(size if size <= _padded(used) else _round8(used))

    return visit


def _boolean(data, length, nodes, buffers, sizes):
    if data[_OFFSET]:
        raise _ArrowWouldCopy
    nodes += (length, _validity(data, length, buffers, sizes))
    values = data[_BUFFERS][1]
    size = values.size if values is not None else 0
    if size > _padded((length + 7) >> 3):
        raise _ArrowWouldCopy  # copied like a bitmap
    buffers.append(values)
    sizes.append(size)


def _null(data, length, nodes, buffers, sizes):
    if data[_OFFSET]:
        raise _ArrowWouldCopy
    nodes += (length, length)  # IPC v5 writes no buffer for the null type


def _variable(offset_format: struct.Struct, child_visit: Visitor | None) -> Visitor:
    """Binary and string (``child_visit`` None: the values are the third buffer) or list arrays:
    validity, zero-based offsets cut to ``length`` + 1 entries, then the values Arrow sees."""
    width = offset_format.size
    unpack = offset_format.unpack_from

    def visit(data, length, nodes, buffers, sizes):
        _, _, nulls, offset, data_buffers, children, _ = data
        if offset:
            raise _ArrowWouldCopy
        if nulls:
            nulls = _validity(data, length, buffers, sizes)
        else:
            buffers.append(None)
            sizes.append(0)
        nodes += (length, nulls)
        offsets = data_buffers[1]
        size = offsets.size if offsets is not None else 0
        if size >= width and unpack(offsets, 0)[0] != 0:
            raise _ArrowWouldCopy  # Arrow writes rebased offsets (and starts a list's values there)
        buffers.append(offsets)
        if length:
            sizes.append(min(size, (length + 1) * width))
            used = unpack(offsets, length * width)[0]
        else:  # Arrow writes the buffer as it is
            sizes.append(size)
            used = 0
        if child_visit is None:
            values = data_buffers[2]
            size = values.size if values is not None else 0
            buffers.append(values)
            sizes.append(min(_padded(used), size) if size > used else size)
        else:
            child = children[0]
            if child[_LENGTH] < used:
                raise _ArrowWouldCopy  # not a valid array; Arrow's writer says so
            child_visit(child, used, nodes, buffers, sizes)

    return visit


def _fixed_size_list(list_size: int, child_visit: Visitor) -> Visitor:
    def visit(data, length, nodes, buffers, sizes):
        if data[_OFFSET]:
            raise _ArrowWouldCopy
        nodes += (length, _validity(data, length, buffers, sizes))
        used = length * list_size
        child = data[_CHILDREN][0]
        if child[_LENGTH] < used:
            raise _ArrowWouldCopy
        child_visit(child, used, nodes, buffers, sizes)

    return visit


def _struct(child_visits: list[Visitor]) -> Visitor:
    def visit(data, length, nodes, buffers, sizes):
        if data[_OFFSET]:
            raise _ArrowWouldCopy
        nodes += (length, _validity(data, length, buffers, sizes))
        for child_visit, child in zip(child_visits, data[_CHILDREN]):
            if child[_LENGTH] < length:
                raise _ArrowWouldCopy
            child_visit(child, length, nodes, buffers, sizes)

    return visit


_OFFSETS32 = _I32
_OFFSETS64 = _I64


def _visitor(dtype: pa.DataType) -> Visitor | None:
    """How to walk an array of ``dtype``, or None for a type left to Arrow."""
    t = pa.types
    if isinstance(dtype, pa.ExtensionType):
        return _visitor(dtype.storage_type)  # the data tuple of an extension array is its storage's
    if t.is_null(dtype):
        return _null
    if t.is_boolean(dtype):
        return _boolean
    if t.is_string(dtype) or t.is_binary(dtype):
        return _variable(_OFFSETS32, None)
    if t.is_large_string(dtype) or t.is_large_binary(dtype):
        return _variable(_OFFSETS64, None)
    if t.is_list(dtype) or t.is_large_list(dtype):
        child = _visitor(dtype.value_type)
        return None if child is None else _variable(_OFFSETS32 if t.is_list(dtype) else _OFFSETS64, child)
    if t.is_fixed_size_list(dtype):
        child = _visitor(dtype.value_type)
        return None if child is None else _fixed_size_list(dtype.list_size, child)
    if t.is_struct(dtype):
        children = [_visitor(dtype.field(k).type) for k in range(dtype.num_fields)]
        return None if any(c is None for c in children) else _struct(children)
    if t.is_map(dtype) or t.is_union(dtype) or t.is_dictionary(dtype):
        return None
    try:
        bits = dtype.bit_width
    except ValueError:  # not fixed-width: string/list views, run-end encoded and whatever comes next
        return None
    if bits % 8:
        return None
    return _fixed_width(bits // 8)


# -- the metadata: a template per schema -----------------------------------------------------------------
class _Template(NamedTuple):
    """A record batch message's metadata with the numbers of one batch left open: ``layout.pack(
    constants[0], body length, constants[1], row count, constants[2], *buffer entries, constants[3],
    *nodes, constants[4])`` is the metadata of a batch (the order in which Arrow's flatbuffer builder
    lays them out; a message laid out otherwise gets no template)."""

    layout: struct.Struct
    constants: tuple[bytes, bytes, bytes, bytes, bytes]
    node_count: int
    buffer_count: int


def _field_position(fb: bytes, table: int, field: int) -> int | None:
    """Position of a flatbuffer table's field, or None where the field is absent."""
    vtable = table - _I32.unpack_from(fb, table)[0]
    entry = 4 + 2 * field
    if entry >= _U16.unpack_from(fb, vtable)[0]:
        return None
    offset = _U16.unpack_from(fb, vtable + entry)[0]
    return table + offset if offset else None


def _template(message: bytes) -> _Template | None:
    """The template of a record batch message (Arrow's bytes): where each changing number sits in it.

    None if the message has fields the template does not fill in (compression, view counts) or left
    a number out because it was zero (no rows, no body).
    """
    if len(message) < 8 or _U32.unpack_from(message, 0)[0] != 0xFFFFFFFF:
        return None
    metadata_size = _I32.unpack_from(message, 4)[0]
    metadata = message[: 8 + metadata_size]
    fb = memoryview(metadata)[8:]
    root = _U32.unpack_from(fb, 0)[0]
    header_type, header, body_length = (_field_position(fb, root, k) for k in (1, 2, 3))
    if header_type is None or fb[header_type] != 3 or header is None or body_length is None:  # 3: RecordBatch
        return None
    batch = header + _U32.unpack_from(fb, header)[0]
    length, nodes, buffers, compression, variadic = (_field_position(fb, batch, k) for k in range(5))
    if length is None or nodes is None or buffers is None or compression is not None or variadic is not None:
        return None
    nodes += _U32.unpack_from(fb, nodes)[0]
    buffers += _U32.unpack_from(fb, buffers)[0]
    node_count, buffer_count = _U32.unpack_from(fb, nodes)[0], _U32.unpack_from(fb, buffers)[0]
    # (position in the metadata, bytes): the numbers of a batch, in the order they must come
    fields = [(8 + body_length, 8), (8 + length, 8), (8 + buffers + 4, 16 * buffer_count), (8 + nodes + 4, 16 * node_count)]
    constants, formats, position = [], [], 0
    for start, size in fields:
        if start < position:
            return None  # another layout than Arrow's builder makes today: leave it to Arrow
        constants.append(metadata[position:start])
        formats.append(f"{start - position}s{size // 8}q")
        position = start + size
    constants.append(metadata[position:])
    formats.append(f"{len(metadata) - position}s")
    return _Template(struct.Struct("<" + "".join(formats)), tuple(constants), node_count, buffer_count)


# -- per schema ------------------------------------------------------------------------------------------
def _column_data(batch: pa.RecordBatch) -> list[tuple]:
    """Every column's data tuple, in one call: a struct array's, whose children are the columns'."""
    return batch.to_struct_array().__reduce__()[1][0][_CHILDREN]


def _column_data_one_by_one(batch: pa.RecordBatch) -> list[tuple]:
    """The same, a column at a time (pyarrow before 15 has no ``RecordBatch.to_struct_array``)."""
    return [column.__reduce__()[1][0] for column in batch.columns]


if not hasattr(pa.RecordBatch, "to_struct_array"):
    _column_data = _column_data_one_by_one  # noqa: F811


def _fill(template: _Template, num_rows: int, nodes: list, sizes: list) -> tuple[bytes, int]:
    """The metadata of a batch with these nodes and buffer sizes, and its body length."""
    entries: list[int] = []
    position = 0
    for size in sizes:
        entries += (position, size)
        position += (size + 7) & ~7
    c0, c1, c2, c3, c4 = template.constants
    return template.layout.pack(c0, position, c1, num_rows, c2, *entries, c3, *nodes, c4), position


def joined(pieces: MessagePieces) -> bytes:
    """The message's bytes in one piece (a copy: for checks and tests)."""
    out = bytearray(pieces.metadata)
    for buffer, size in zip(pieces.buffers, pieces.sizes):
        if size:
            out += memoryview(buffer).cast("B")[:size]
            out += bytes(-size % 8)
    return bytes(out)


class BatchLayout:
    """How to cut the record batches of one schema into :class:`MessagePieces` (keep one per schema).

    Raises nothing: a schema with a type left to Arrow gives a layout whose :meth:`pieces` is None.
    """

    __slots__ = ("_visitors", "_template")

    def __init__(self, schema: pa.Schema) -> None:
        visitors = [_visitor(field.type) for field in schema]
        self._visitors = None if any(v is None for v in visitors) else visitors
        self._template: _Template | None = None  # from the first batch with rows and a body

    @property
    def zero_copy(self) -> bool:
        """False once the schema is known to be left to Arrow (a type not handled, or a template
        that did not reproduce Arrow's bytes)."""
        return self._visitors is not None

    def pieces(self, batch: pa.RecordBatch) -> MessagePieces | None:
        """``batch``'s IPC record batch message as pieces, the same bytes as ``batch.serialize()``,
        without copying its buffers (they point into ``batch``'s memory: use them while it lives).

        None where Arrow would write bytes that are not in the batch's buffers (sliced arrays), for
        types left to Arrow, and for a batch without rows or body: serialise those with Arrow.
        """
        visitors = self._visitors
        rows = batch.num_rows
        if visitors is None or rows == 0:
            return None
        nodes: list[int] = []
        buffers: list = []
        sizes: list[int] = []
        try:
            for visit, data in zip(visitors, _column_data(batch)):
                visit(data, rows, nodes, buffers, sizes)
        except _ArrowWouldCopy:
            return None
        template = self._template
        if template is None:
            template = self._make_template(batch, nodes, buffers, sizes)
            if template is None:
                return None
        metadata, body_length = _fill(template, rows, nodes, sizes)
        if body_length == 0:  # Arrow leaves a zero body length out of the flatbuffer
            return None
        return MessagePieces(metadata, buffers, sizes, body_length)

    def _make_template(self, batch: pa.RecordBatch, nodes: list, buffers: list, sizes: list) -> _Template | None:
        """The template from Arrow's bytes for ``batch``, if the pieces for ``batch`` are exactly those
        bytes; else None, and the schema is left to Arrow for good (unless the batch has no body)."""
        message = batch.serialize().to_pybytes()
        if len(message) == 8 + _I32.unpack_from(message, 4)[0]:
            return None  # no body: its length is left out of the flatbuffer; a later batch may have one
        template = _template(message)
        if template is not None and 2 * template.node_count == len(nodes) and template.buffer_count == len(sizes):
            metadata, body_length = _fill(template, batch.num_rows, nodes, sizes)
            if joined(MessagePieces(metadata, buffers, sizes, body_length)) == message:
                self._template = template
                return template
        self._visitors = None
        return None
