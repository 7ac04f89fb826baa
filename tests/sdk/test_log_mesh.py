"""Raw meshes, lists of meshes and mesh files, as logged."""

import numpy as np

import rerun as rr
from rerun import components as C

from _log_roundtrip import recorded


def test_raw_mesh_fields_round_trip(tmp_path):
    positions = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [1, 1, 0]], np.float32)
    indices = np.array([[0, 1, 2], [1, 3, 2]])
    normals = np.tile([0, 0, 1], (4, 1))
    colors = np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255], [9, 9, 9]], np.uint8)
    with recorded(tmp_path) as rec:
        rr.log_mesh("mesh", positions, indices=indices, normals=normals, albedo_factor=[0.5, 0.5, 0.5], vertex_colors=colors)
    (mesh,) = rec.cells("mesh", C.MESH3D)[0]
    assert mesh["format"] == "raw" and len(mesh["mesh_id"]) == 16
    assert mesh["positions"] == positions.reshape(-1).tolist()
    assert mesh["indices"] == indices.reshape(-1).tolist()
    assert mesh["normals"] == normals.reshape(-1).astype(float).tolist()
    assert mesh["albedo_factor"] == [0.5, 0.5, 0.5, 1.0]
    assert mesh["vertex_colors"] == np.column_stack([colors, np.full(4, 255)]).tolist()


def test_meshes_accept_numpy_entries_and_none_colours(tmp_path):
    soup = np.zeros(9, np.float32)
    quad = np.arange(12, dtype=np.float32)
    with recorded(tmp_path) as rec:
        rr.log_meshes(
            "meshes",
            [soup, quad],
            vertex_color_buffers=[None, np.full((4, 3), 7, np.uint8)],
            index_buffers=[None, np.array([0, 1, 2, 2, 3, 0])],
            normal_buffers=[np.ones(9), None],
            albedo_factors=[None, np.array([1, 0, 0, 1])],
        )
    first, second = rec.cells("meshes", C.MESH3D)[0]
    assert first["vertex_colors"] is None and first["indices"] is None and first["normals"] == [1.0] * 9
    assert second["positions"] == quad.tolist()
    assert second["indices"] == [0, 1, 2, 2, 3, 0]
    assert second["vertex_colors"] == [[7, 7, 7, 255]] * 4
    assert second["albedo_factor"] == [1.0, 0.0, 0.0, 1.0]
    assert first["mesh_id"] != second["mesh_id"]


def test_mesh_file_bytes_and_column_major_transform(tmp_path):
    glb = b"glTF" + bytes(range(40))
    transform = np.arange(12, dtype=np.float32).reshape(3, 4)
    with recorded(tmp_path) as rec:
        rr.log_mesh_file("file/glb", rr.MeshFormat.GLB, glb, transform=transform)
        rr.log_mesh_file("file/obj", "obj", b"v 0 0 0\n")
    (mesh,) = rec.cells("file/glb", C.MESH3D)[0]
    assert mesh["format"] == "glb" and mesh["encoded"] == glb
    assert mesh["transform"] == transform.T.reshape(-1).tolist()
    (obj,) = rec.cells("file/obj", C.MESH3D)[0]
    identity = np.hstack([np.eye(3), np.zeros((3, 1))])
    assert obj["format"] == "obj" and obj["transform"] == identity.T.reshape(-1).tolist()
