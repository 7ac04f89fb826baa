"""3D meshes: ``log_mesh`` (raw triangles), ``log_meshes`` (several at once), ``log_mesh_file`` (GLB/GLTF/OBJ)."""

from __future__ import annotations

import os

import numpy as np

from rerun import _session
from rerun import components as C
from rerun._errors import bad_type, bad_value, describe, log_function
from rerun.color import normalize_colors
from rerun.enums import MeshFormat, coerce_enum
from rerun.log import _args

__all__ = ["log_mesh", "log_meshes", "log_mesh_file"]


def _flat(argument: str, value: object, dtype) -> np.ndarray:
    array = _args.numeric_array(argument, value, "an array of numbers")
    return np.ascontiguousarray(array, dtype=dtype).reshape(-1)


def raw_mesh(positions, indices, normals, albedo_factor, vertex_colors, *, suffix: str = "") -> dict:
    """Validate one raw mesh and return the fields of its ``rerun.mesh3d`` instance.

    ``suffix`` is appended to argument names in messages (``"[2]"`` for the third mesh of a list).
    """
    if positions is None:
        raise bad_type("positions" + suffix, "an array of vertex positions (N, 3)", "None")
    flat = _flat("positions" + suffix, positions, np.float32)
    if flat.size % 3:
        raise bad_value("positions" + suffix, "a length divisible by 3 (xyz, xyz, ...)", f"{flat.size} numbers")
    vertices = flat.size // 3
    mesh: dict = {"mesh_id": os.urandom(16), "positions": flat}
    if indices is None:
        if vertices % 3:
            raise bad_value(
                "positions" + suffix,
                "a multiple of 3 vertices when 'indices' is not given (a triangle soup)",
                f"{vertices} vertices",
            )
    else:
        index_array = _args.numeric_array("indices" + suffix, indices, "an array of vertex indices")
        if index_array.dtype.kind == "f":
            raise bad_type("indices" + suffix, "integer vertex indices", describe(index_array))
        index_array = index_array.reshape(-1)
        if index_array.size % 3:
            raise bad_value("indices" + suffix, "a length divisible by 3 (a triangle list)", f"{index_array.size} indices")
        if index_array.size:
            low, high = index_array.min(), index_array.max()
            if low < 0 or high >= vertices:
                bad = high if high >= vertices else low
                raise bad_value("indices" + suffix, f"indices in 0..{vertices - 1} ({vertices} vertices)", f"index {bad}")
        mesh["indices"] = index_array.astype(np.uint32)
    if normals is not None:
        normal_array = _flat("normals" + suffix, normals, np.float32)
        if normal_array.size != flat.size:
            raise bad_value("normals" + suffix, f"one normal per vertex ({flat.size} numbers)", f"{normal_array.size} numbers")
        mesh["normals"] = normal_array
    if albedo_factor is not None:
        albedo = _flat("albedo_factor" + suffix, albedo_factor, np.float32)
        if albedo.size not in (3, 4):
            raise bad_value("albedo_factor" + suffix, "3 or 4 numbers (linear RGB or RGBA)", f"{albedo.size} numbers")
        mesh["albedo_factor"] = np.append(albedo, np.float32(1.0)) if albedo.size == 3 else albedo
    if vertex_colors is not None:
        colors = normalize_colors(vertex_colors, "vertex_colors" + suffix)
        if len(colors) not in (1, vertices):
            raise bad_value("vertex_colors" + suffix, f"1 or {vertices} colours (one per vertex)", f"{len(colors)} colours")
        if len(colors) == 1 and vertices != 1:
            colors = np.repeat(colors, vertices, axis=0)
        mesh["vertex_colors"] = colors
    return mesh


@log_function
def log_mesh(
    entity_path: str,
    positions,
    *,
    indices=None,
    normals=None,
    albedo_factor=None,
    vertex_colors=None,
    timeless: bool = False,
) -> None:
    """Log a raw triangle mesh.

    Parameters
    ----------
    entity_path : str
    positions : array-like of shape (N, 3) (or flat, 3*N numbers)
        Vertex positions. Without ``indices`` every 3 vertices are one triangle.
    indices : array-like of ints, optional
        Triangle list, 3 indices per triangle, each < N.
    normals : array-like, optional
        One normal per vertex (same length as ``positions``).
    albedo_factor : 3 or 4 floats, optional
        Linear RGB(A) multiplier (alpha 1 when 3 values).
    vertex_colors : colours, optional
        1 or N colours (uint8 sRGB or linear floats).
    timeless : bool

    Notes
    -----
    The vertex colour count is checked (0.4.0 did not check it).
    """
    path = _args.entity_path(entity_path)
    timeless = _args.flag("timeless", timeless)
    mesh = raw_mesh(positions, indices, normals, albedo_factor, vertex_colors)
    _session.log(path, {C.MESH3D: C.meshes([mesh])}, timeless=timeless)


def _buffer_list(argument: str, value: object, count: int | None) -> list:
    if value is None:
        return [None] * (count or 0)
    if not isinstance(value, (list, tuple)):
        raise bad_type(argument, "a list with one entry (or None) per mesh", describe(value))
    return list(value)


@log_function
def log_meshes(
    entity_path: str,
    position_buffers,
    *,
    vertex_color_buffers=None,
    index_buffers=None,
    normal_buffers=None,
    albedo_factors=None,
    timeless: bool = False,
) -> None:
    """Log several raw meshes as the instances of one entity.

    Parameters
    ----------
    entity_path : str
    position_buffers : list of array-like
        One positions array per mesh (see ``log_mesh``).
    vertex_color_buffers, index_buffers, normal_buffers, albedo_factors : list, optional
        One entry per mesh (``None`` for none); omitting a list means none for every mesh.
    timeless : bool

    Notes
    -----
    Fixes against 0.4.0: numpy arrays inside the lists work (0.4.0 tested their truth value),
    ``None`` entries in ``vertex_color_buffers`` work, and the lists are optional.
    """
    path = _args.entity_path(entity_path)
    timeless = _args.flag("timeless", timeless)
    positions = _buffer_list("position_buffers", position_buffers, None)
    count = len(positions)
    others = {
        "vertex_color_buffers": _buffer_list("vertex_color_buffers", vertex_color_buffers, count),
        "index_buffers": _buffer_list("index_buffers", index_buffers, count),
        "normal_buffers": _buffer_list("normal_buffers", normal_buffers, count),
        "albedo_factors": _buffer_list("albedo_factors", albedo_factors, count),
    }
    for argument, entries in others.items():
        if len(entries) != count:
            raise bad_value(argument, f"{count} entries (one per mesh in 'position_buffers')", f"{len(entries)}")
    meshes = [
        raw_mesh(
            positions[i],
            others["index_buffers"][i],
            others["normal_buffers"][i],
            others["albedo_factors"][i],
            others["vertex_color_buffers"][i],
            suffix=f"[{i}]",
        )
        for i in range(count)
    ]
    _session.log(path, {C.MESH3D: C.meshes(meshes)}, timeless=timeless)


_IDENTITY_3X4 = np.hstack([np.eye(3), np.zeros((3, 1))]).astype(np.float32)


@log_function
def log_mesh_file(entity_path: str, mesh_format, mesh_file, *, transform=None, timeless: bool = False) -> None:
    """Log an encoded mesh file (decoded by the viewer).

    Parameters
    ----------
    entity_path : str
    mesh_format : MeshFormat or str
        ``GLB``, ``GLTF`` or ``OBJ`` (a string works; 0.4.0 needed the enum).
    mesh_file : bytes
        The file's contents.
    transform : array-like 3x4, optional
        Affine transform ``[R | t]`` applied to the mesh (default identity); stored column-major.
    timeless : bool

    Notes
    -----
    A GLB whose bytes do not start with the ``glTF`` magic is rejected (0.4.0 logged any bytes).
    """
    path = _args.entity_path(entity_path)
    timeless = _args.flag("timeless", timeless)
    fmt = coerce_enum(MeshFormat, mesh_format, "mesh_format")
    if not isinstance(mesh_file, (bytes, bytearray, memoryview)):
        raise bad_type("mesh_file", "bytes (the file's contents)", describe(mesh_file))
    data = bytes(mesh_file) if not isinstance(mesh_file, bytes) else mesh_file
    if fmt is MeshFormat.GLB and data[:4] != b"glTF":
        raise bad_value("mesh_file", "GLB data (starting with b'glTF')", f"data starting with {data[:8]!r}")
    if transform is None:
        matrix = _IDENTITY_3X4
    else:
        matrix = _args.numeric_array("transform", transform, "a 3x4 affine matrix")
        if matrix.shape != (3, 4):
            raise bad_value("transform", "a 3x4 affine matrix [R | t]", f"shape {matrix.shape}")
    column_major = np.asarray(matrix, dtype=np.float32).T.reshape(12)
    component = C.mesh_encoded(os.urandom(16), fmt.value.lower(), data, column_major)
    _session.log(path, {C.MESH3D: component}, timeless=timeless)
