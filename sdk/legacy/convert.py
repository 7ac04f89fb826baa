"""Convert Rerun 0.4 component arrays (as arrow2 wrote them) into this project's component types.

Each converter takes the *instances* of one component in one message (a plain Arrow array, not a list
cell) and returns the same instances in our type (interface B, ``rerun.components``). Differences that
need work:

==========================  ==============================================  =================================
component                   Rerun 0.4 wire type                            ours
==========================  ==============================================  =================================
rerun.point2d / point3d     struct{x, y[, z]: f32}                          fixed_size_list<f32, 2 / 3>
rerun.colorrgba             u32 0xRRGGBBAA                                  fixed_size_list<u8, 4> (R, G, B, A)
rerun.rect2d                dense_union{XYWH, YXHW, ...: fsl<f32,4>}       struct{format utf8, rect fsl<f32,4>}
rerun.tensor                struct{.., shape list<{size,name}>, data        struct{.., shape list<u64>, names,
                            dense_union{U8 binary, U16 list<u16>, ..}}      dtype utf8, data large_binary}
rerun.transform             dense_union{Unknown, Rigid3, Pinhole             struct{kind, rotation, translation,
                            (image_from_cam column-major)}                 image_from_cam row-major, resolution}
rerun.mesh3d                dense_union{Encoded{..}, Raw{..}}              one struct, ``format`` says which
rerun.annotation_context    one instance = list of {class_id,              one instance per class
                            class_description{info, keypoint_map, ..}}
==========================  ==============================================  =================================

Everything else differs at most in field nullability and is cast. ``rerun.msg_id`` (Rerun's row id) is
dropped: our rows are identified by their position in the stream. A component with no converter is passed
through unchanged under its name and reported once in the warnings, never dropped.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pyarrow as pa

from rerun.components import TYPES as TARGET_TYPES  # interface B: the types our SDK logs

_F32 = pa.float32()
_RGBA = TARGET_TYPES["rerun.colorrgba"]

#: Components of the 0.4 wire that carry no user data in our layout.
DROPPED_COMPONENTS = frozenset({"rerun.msg_id"})

_TENSOR_DTYPES = {
    "U8": "uint8", "U16": "uint16", "U32": "uint32", "U64": "uint64",
    "I8": "int8", "I16": "int16", "I32": "int32", "I64": "int64",
    "F32": "float32", "F64": "float64", "JPEG": "jpeg",
}  # fmt: skip
_TENSOR_MEANINGS = {"Unknown": "unknown", "ClassId": "class_id", "Depth": "depth"}
_MESH_FORMATS = {"Gltf": "gltf", "Glb": "glb", "Obj": "obj"}


class ConversionError(ValueError):
    """A component's arrays do not have the shape Rerun 0.4 gives that component."""


#: Conversion failures reported per component name; later ones of that component are only counted.
MAX_FAILURES_REPORTED = 5


def convert_component(
    name: str, values: pa.Array, warnings: list[str], warned: set[str], where: str = ""
) -> pa.Array | None:
    """Convert the instances of component ``name`` to our type.

    Returns None for a component that is dropped: on purpose (``rerun.msg_id``), or because its arrays
    are not shaped as Rerun 0.4 writes that component. A failed conversion is a warning naming the
    record and entity (``where``) and the problem, and the rest of the row is kept; it never stops the
    file. Components without a converter are returned unchanged; the first time per component name a
    warning says so (``warned`` remembers what was reported).
    """
    if name in DROPPED_COMPONENTS:
        return None
    converter = _CONVERTERS.get(name)
    if converter is None:
        if not name.startswith("ext.") and name not in warned:
            warned.add(name)
            warnings.append(f"component {name!r} ({values.type}) has no conversion from Rerun 0.4: kept as stored")
        return values
    try:
        converted = converter(values)
        target = TARGET_TYPES[name]
        # Field nullability and names must match too, or our tables would hold two types for one component.
        return converted if converted.type == target else converted.cast(target)
    except (ConversionError, pa.ArrowException, ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        _report_failure(name, values, exc, warnings, warned, where)
        return None


def _report_failure(name: str, values: pa.Array, exc: Exception, warnings: list[str], warned: set[str], where: str) -> None:
    reported = sum(1 for key in warned if key.startswith(f"failed:{name}:"))
    warned.add(f"failed:{name}:{reported}")
    if reported < MAX_FAILURES_REPORTED:
        prefix = f"{where}: " if where else ""
        more = "" if reported < MAX_FAILURES_REPORTED - 1 else f" (further failures of {name!r} are not reported)"
        warnings.append(
            f"{prefix}component {name!r} ({values.type}) could not be converted "
            f"({type(exc).__name__}: {exc}): dropped from this row{more}"
        )


# --- simple casts ----------------------------------------------------------------------------------------


def _cast_to(name: str) -> Callable[[pa.Array], pa.Array]:
    target = TARGET_TYPES[name]

    def cast(values: pa.Array) -> pa.Array:
        return values if values.type == target else values.cast(target)

    return cast


# --- positions and colours -------------------------------------------------------------------------------


def _null_mask(values: pa.Array) -> np.ndarray | None:
    return np.asarray(values.is_null()) if values.null_count else None


def _fixed_list(flat: np.ndarray, size: int, value_type: pa.DataType, mask: np.ndarray | None) -> pa.Array:
    items = pa.array(flat.reshape(-1), type=value_type)
    list_type = pa.list_(pa.field("item", value_type), size)
    if mask is None:
        return pa.FixedSizeListArray.from_arrays(items, type=list_type)
    return pa.FixedSizeListArray.from_arrays(items, type=list_type, mask=pa.array(mask))


def _struct_to_vec(axes: tuple[str, ...]) -> Callable[[pa.Array], pa.Array]:
    def convert(values: pa.Array) -> pa.Array:
        if not pa.types.is_struct(values.type):
            raise ConversionError(f"expected a struct of {axes}, got {values.type}")
        children = dict(zip((f.name for f in values.type), values.flatten()))
        missing = [a for a in axes if a not in children]
        if missing:
            raise ConversionError(f"missing fields {missing}")
        columns = [children[a].cast(_F32).to_numpy(zero_copy_only=False) for a in axes]
        stacked = np.column_stack(columns).astype(np.float32, copy=False) if len(values) else np.empty((0, len(axes)), np.float32)
        return _fixed_list(stacked, len(axes), _F32, _null_mask(values))

    return convert


def rgba_u32_to_bytes(values: pa.Array) -> pa.Array:
    """u32 ``0xRRGGBBAA`` colours → ``fixed_size_list<u8, 4>`` (R, G, B, A); nulls stay null."""
    if not pa.types.is_integer(values.type):
        raise ConversionError(f"expected u32 colours, got {values.type}")
    packed = values.fill_null(0).cast(pa.uint32()).to_numpy(zero_copy_only=False)
    # Big-endian bytes of 0xRRGGBBAA are R, G, B, A in order.
    rgba = packed.astype(">u4").view(np.uint8)
    return _fixed_list(rgba, 4, pa.uint8(), _null_mask(values))


# --- unions ----------------------------------------------------------------------------------------------


def _union_parts(values: pa.Array) -> tuple[np.ndarray, np.ndarray, list[str], list[pa.Array]]:
    """(child index per instance, offset into that child per instance, child names, children).

    Read from the union's buffers, each checked before use: arrow2 writes an *empty* dense union (the
    instances of ``log_rects(path, [])``) without type-id and offset buffers, and pyarrow's
    ``UnionArray.type_codes`` / ``.offsets`` dereference those missing buffers (a segfault, not an
    exception). Every offset is checked against the length of the child it points into.
    """
    if not isinstance(values, pa.UnionArray) or values.type.mode != "dense":
        raise ConversionError(f"expected a dense union, got {values.type}")
    names = [field.name for field in values.type]
    arrays = [values.field(i) for i in range(values.type.num_fields)]
    count = len(values)
    if count == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64), names, arrays
    buffers = values.buffers()
    type_ids, offset_buffer = buffers[1], buffers[2]
    start = values.offset
    if type_ids is None or type_ids.size < start + count:
        raise ConversionError(f"dense union of {count} instances lacks its type ids")
    if offset_buffer is None or offset_buffer.size < 4 * (start + count):
        raise ConversionError(f"dense union of {count} instances lacks its offsets")
    codes = np.frombuffer(type_ids, dtype=np.int8, count=count, offset=start).astype(np.int64)
    offsets = np.frombuffer(offset_buffer, dtype=np.int32, count=count, offset=4 * start).astype(np.int64)
    code_to_child = np.full(128, -1, dtype=np.int64)
    for child, code in enumerate(values.type.type_codes):
        code_to_child[code] = child
    if (codes < 0).any():
        raise ConversionError("union type code outside the declared variants")
    children = code_to_child[codes]
    if (children < 0).any():
        raise ConversionError("union type code outside the declared variants")
    lengths = np.array([len(a) for a in arrays], dtype=np.int64)
    if (offsets < 0).any() or (offsets >= lengths[children]).any():
        raise ConversionError("union offset beyond the instances of its variant")
    return children, offsets, names, arrays


def _variant_names(values: pa.Array, mapping: dict[str, str]) -> list[str]:
    children, _, names, _ = _union_parts(values)
    return [mapping[names[c]] for c in children]


def _rect2d(values: pa.Array) -> pa.Array:
    children, offsets, names, arrays = _union_parts(values)
    rects = np.zeros((len(values), 4), dtype=np.float32)
    for child, array in enumerate(arrays):
        chosen = children == child
        if chosen.any():
            table = np.asarray(array.flatten(), dtype=np.float32).reshape(-1, 4)
            rects[chosen] = table[offsets[chosen]]
    formats = pa.array([names[c] for c in children], type=pa.utf8())
    return pa.StructArray.from_arrays([formats, _fixed_list(rects, 4, _F32, None)], fields=list(TARGET_TYPES["rerun.rect2d"]))


def _transform(values: pa.Array) -> pa.Array:
    children, offsets, names, arrays = _union_parts(values)
    rows = []
    for child, offset in zip(children, offsets):
        variant, item = names[child], arrays[child][int(offset)].as_py()
        row = {"kind": "unknown", "rotation": None, "translation": None, "image_from_cam": None, "resolution": None}
        if variant == "Rigid3":
            row.update(kind="rigid3", rotation=item["rotation"], translation=item["translation"])
        elif variant == "Pinhole":
            # 0.4 stores the 3x3 column-major; ours is row-major.
            matrix = np.asarray(item["image_from_cam"], dtype=np.float32).reshape(3, 3).T
            row.update(kind="pinhole", image_from_cam=matrix.ravel().tolist(), resolution=item.get("resolution"))
        elif variant != "Unknown":
            raise ConversionError(f"unknown transform variant {variant!r}")
        rows.append(row)
    return pa.array(rows, type=TARGET_TYPES["rerun.transform"])


# --- tensors and meshes ----------------------------------------------------------------------------------


def _binary_slice(array: pa.Array, index: int) -> pa.Buffer:
    """Zero-copy bytes of item ``index`` of a binary array, or of a list-of-primitives array."""
    if pa.types.is_binary(array.type) or pa.types.is_large_binary(array.type):
        offset_type = np.int32 if pa.types.is_binary(array.type) else np.int64
        offsets = np.frombuffer(array.buffers()[1], dtype=offset_type)[array.offset :]
        start, end = int(offsets[index]), int(offsets[index + 1])
        return array.buffers()[2].slice(start, end - start)
    if pa.types.is_list(array.type) or pa.types.is_large_list(array.type):
        offset_type = np.int32 if pa.types.is_list(array.type) else np.int64
        offsets = np.frombuffer(array.buffers()[1], dtype=offset_type)[array.offset :]
        start, end = int(offsets[index]), int(offsets[index + 1])
        items = array.values
        width = items.type.bit_width // 8
        return items.buffers()[1].slice((items.offset + start) * width, (end - start) * width)
    raise ConversionError(f"tensor data of type {array.type} is neither binary nor a list of numbers")


def _large_binary(blobs: list[pa.Buffer]) -> pa.Array:
    """A large_binary array of ``blobs``; zero copy for one blob (the usual case: one tensor per call)."""
    if len(blobs) == 1:
        data = blobs[0]
    else:
        data = pa.py_buffer(b"".join(blob.to_pybytes() for blob in blobs))
    offsets = np.zeros(len(blobs) + 1, dtype=np.int64)
    np.cumsum([blob.size for blob in blobs], out=offsets[1:])
    return pa.Array.from_buffers(pa.large_binary(), len(blobs), [None, pa.py_buffer(offsets), data])


def _tensor(values: pa.Array) -> pa.Array:
    if not pa.types.is_struct(values.type):
        raise ConversionError(f"expected a struct, got {values.type}")
    fields = dict(zip((f.name for f in values.type), values.flatten()))
    shapes = fields["shape"].to_pylist()
    sizes = pa.array([[dim["size"] for dim in shape] for shape in shapes], type=pa.list_(pa.uint64()))
    names = pa.array([[dim.get("name") for dim in shape] for shape in shapes], type=pa.list_(pa.utf8()))
    children, offsets, variants, arrays = _union_parts(fields["data"])
    dtypes = pa.array([_TENSOR_DTYPES[variants[c]] for c in children], type=pa.utf8())
    blobs = [_binary_slice(arrays[c], int(o)) for c, o in zip(children, offsets)]
    meanings = pa.array(_variant_names(fields["meaning"], _TENSOR_MEANINGS), type=pa.utf8())
    meter = fields["meter"].cast(_F32) if "meter" in fields else pa.nulls(len(values), _F32)
    tensor_ids = fields["tensor_id"].cast(pa.binary(16))
    return pa.StructArray.from_arrays(
        [tensor_ids, sizes, names, dtypes, meanings, meter, _large_binary(blobs)],
        fields=list(TARGET_TYPES["rerun.tensor"]),
    )


def _mesh3d(values: pa.Array) -> pa.Array:
    children, offsets, variants, arrays = _union_parts(values)
    target = TARGET_TYPES["rerun.mesh3d"]
    columns: dict[str, list[pa.Array]] = {field.name: [] for field in target}
    for child, offset in zip(children, offsets):
        item = arrays[child].slice(int(offset), 1)
        parts = dict(zip((f.name for f in item.type), item.flatten()))
        if variants[child] == "Encoded":
            row = {
                "format": pa.array(_variant_names(parts["format"], _MESH_FORMATS)),
                "encoded": parts["bytes"],
                "transform": parts["transform"],
            }
        elif variants[child] == "Raw":
            row = {
                "format": pa.array(["raw"]),
                "positions": parts["vertex_positions"],
                "indices": parts.get("indices"),
                "normals": parts.get("vertex_normals"),
                "albedo_factor": parts.get("albedo_factor"),
            }
            colors = parts.get("vertex_colors")
            if colors is not None and colors.is_valid()[0].as_py():
                row["vertex_colors"] = pa.array([rgba_u32_to_bytes(colors.flatten())], type=pa.list_(_RGBA))
        else:
            raise ConversionError(f"unknown mesh variant {variants[child]!r}")
        row["mesh_id"] = parts["mesh_id"]
        for field in target:
            cell = row.get(field.name)
            columns[field.name].append(pa.nulls(1, field.type) if cell is None else cell.cast(field.type))
    arrays_out = [
        pa.concat_arrays(columns[f.name]) if columns[f.name] else pa.array([], type=f.type) for f in target
    ]
    return pa.StructArray.from_arrays(arrays_out, fields=list(target))


# --- annotation context ----------------------------------------------------------------------------------


def _rgba_or_none(packed: int | None) -> list[int] | None:
    return None if packed is None else list(int(packed).to_bytes(4, "big"))


def _annotation_context(values: pa.Array) -> pa.Array:
    classes = []
    for context in values.to_pylist():
        for entry in context or []:
            description = entry["class_description"]
            info = description["info"]
            classes.append(
                {
                    "class_id": entry["class_id"],
                    "label": info.get("label"),
                    "color": _rgba_or_none(info.get("color")),
                    "keypoint_annotations": [
                        {"id": kp["id"], "label": kp.get("label"), "color": _rgba_or_none(kp.get("color"))}
                        for kp in description.get("keypoint_map") or []
                    ],
                    "keypoint_connections": [
                        [pair["keypoint0"], pair["keypoint1"]] for pair in description.get("keypoint_connections") or []
                    ],
                }
            )
    return pa.array(classes, type=TARGET_TYPES["rerun.annotation_context"])


_CONVERTERS: dict[str, Callable[[pa.Array], pa.Array]] = {
    "rerun.point2d": _struct_to_vec(("x", "y")),
    "rerun.point3d": _struct_to_vec(("x", "y", "z")),
    "rerun.colorrgba": rgba_u32_to_bytes,
    "rerun.rect2d": _rect2d,
    "rerun.transform": _transform,
    "rerun.tensor": _tensor,
    "rerun.mesh3d": _mesh3d,
    "rerun.annotation_context": _annotation_context,
}
for _name in (
    "rerun.radius", "rerun.label", "rerun.class_id", "rerun.keypoint_id", "rerun.instance_key", "rerun.scalar",
    "rerun.scalar_plot_props", "rerun.text_entry", "rerun.box3d", "rerun.vec3d", "rerun.quaternion",
    "rerun.arrow3d", "rerun.linestrip2d", "rerun.linestrip3d", "rerun.view_coordinates",
):  # fmt: skip
    _CONVERTERS[_name] = _cast_to(_name)
