"""``rerun.mesh3d`` instances → ``MeshBatch`` (raw buffers, or GLB/GLTF/OBJ files decoded by trimesh).

Decoded files are cached by ``mesh_id`` (logged meshes are usually static while the cursor moves).
"""

from __future__ import annotations

import io
from collections import OrderedDict

import numpy as np
import pyarrow as pa
from rerun_scene import batches as sb

from rerun_app.views.values import ComponentError

_DECODED: "OrderedDict[bytes, list[tuple]]" = OrderedDict()
_DECODED_MAX = 32


def _affine_3x4(transform12) -> np.ndarray:
    """The 12 logged floats (3x4, column-major: 3 columns then the translation) as a 4x4 matrix."""
    m = np.eye(4)
    if transform12 is not None:
        cols = np.asarray(transform12, dtype=np.float64).reshape(4, 3)
        m[:3, :3] = cols[:3].T
        m[:3, 3] = cols[3]
    return m


def _decode_file(data: bytes, fmt: str) -> list[tuple]:
    import trimesh

    file_type = {"glb": "glb", "gltf": "gltf", "obj": "obj"}.get(fmt)
    if file_type is None:
        raise ComponentError(f"mesh format {fmt!r} is not one of glb, gltf, obj")
    try:
        loaded = trimesh.load(io.BytesIO(data), file_type=file_type, force="scene")
    except Exception as exc:  # noqa: BLE001 (trimesh raises many kinds for bad bytes)
        raise ComponentError(f"could not decode the {fmt.upper()} mesh file ({len(data)} bytes): {exc}") from None
    parts = []
    for node in loaded.graph.nodes_geometry:
        world, geometry_name = loaded.graph[node]
        geom = loaded.geometry[geometry_name]
        if not hasattr(geom, "faces") or len(geom.faces) == 0:
            continue
        vertex_colors = None
        albedo = None
        visual = getattr(geom, "visual", None)
        if visual is not None and getattr(visual, "kind", None) == "vertex":
            vertex_colors = np.asarray(visual.vertex_colors, dtype=np.uint8)
        elif visual is not None and hasattr(visual, "material"):
            color = getattr(visual.material, "baseColorFactor", None)
            if color is None:
                color = getattr(visual.material, "main_color", None)
            if color is not None:
                albedo = np.asarray(color, dtype=np.uint8)
        parts.append((np.asarray(geom.vertices, np.float32), np.asarray(geom.faces, np.uint32),
                      vertex_colors, albedo, np.asarray(world, np.float64)))
    if not parts:
        raise ComponentError(f"the {fmt.upper()} mesh file holds no triangles")
    return parts


def mesh_batches(arr: pa.Array, transform: np.ndarray, instance_keys=None) -> list[sb.MeshBatch]:
    """One ``MeshBatch`` per mesh part of every instance of ``arr``; each part picks as its row's instance key
    (``instance_keys``, default the row)."""
    out = []
    for index, row in enumerate(arr.to_pylist()):
        if row is None:
            continue
        key = int(instance_keys[index]) if instance_keys is not None and index < len(instance_keys) else index
        fmt = (row.get("format") or "raw").lower()
        local = _affine_3x4(row.get("transform"))
        if fmt == "raw":
            positions = np.asarray(row.get("positions") or [], dtype=np.float32)
            if positions.size % 3:
                raise ComponentError(f"raw mesh positions: length {positions.size} is not a multiple of 3")
            vertices = positions.reshape(-1, 3)
            indices = row.get("indices")
            indices = None if indices is None else np.asarray(indices, dtype=np.int64).reshape(-1, 3)
            if indices is not None and indices.size and (indices.max() >= len(vertices) or indices.min() < 0):
                raise ComponentError(
                    f"raw mesh indices must lie in [0, {len(vertices)}), got [{indices.min()}, {indices.max()}]"
                )
            normals = row.get("normals")
            normals = None if normals is None else np.asarray(normals, dtype=np.float32).reshape(-1, 3)
            colors = row.get("vertex_colors")
            colors = None if colors is None else np.asarray(colors, dtype=np.uint8).reshape(-1, 4)
            albedo = row.get("albedo_factor")
            albedo = None if albedo is None else np.asarray(albedo, dtype=np.float32)
            out.append(sb.MeshBatch(vertices, indices=indices, normals=normals, vertex_colors=colors, albedo=albedo,
                                    transform=(transform @ local).astype(np.float32), instance_id=key))
            continue
        data = row.get("encoded")
        if not data:
            raise ComponentError(f"{fmt.upper()} mesh without encoded bytes")
        key = (row.get("mesh_id") or b"") + bytes(fmt, "ascii") + len(data).to_bytes(8, "little")
        parts = _DECODED.get(key)
        if parts is None:
            parts = _decode_file(data, fmt)
            _DECODED[key] = parts
            while len(_DECODED) > _DECODED_MAX:
                _DECODED.popitem(last=False)
        for vertices, faces, vertex_colors, albedo, world in parts:
            out.append(sb.MeshBatch(vertices, indices=faces, vertex_colors=vertex_colors, albedo=albedo,
                                    transform=(transform @ local @ world).astype(np.float32), instance_id=key))
    return out
