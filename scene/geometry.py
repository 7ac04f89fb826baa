"""Pure numpy geometry: boxes, arrows, frustums and axes as line segments; camera matrices.

Matrices use column vectors (``p_out = M @ p_in``) and OpenGL eye space (x right, y up, looking
down -z). Nothing here touches GL, so it is tested and reused (picking) without a context.
"""

from __future__ import annotations

import math

import numpy as np

from .batches import ArrowBatch, BoxBatch, FrustumBatch, LineBatch

# Box corner signs and the 12 edges between them.
_CORNER_SIGNS = np.array(
    [[-1, -1, -1], [1, -1, -1], [1, 1, -1], [-1, 1, -1], [-1, -1, 1], [1, -1, 1], [1, 1, 1], [-1, 1, 1]],
    dtype=np.float64,
)
_BOX_EDGES = np.array(
    [[0, 1], [1, 2], [2, 3], [3, 0], [4, 5], [5, 6], [6, 7], [7, 4], [0, 4], [1, 5], [2, 6], [3, 7]]
)

UP_AXES = {
    "+X": (1.0, 0.0, 0.0), "-X": (-1.0, 0.0, 0.0),
    "+Y": (0.0, 1.0, 0.0), "-Y": (0.0, -1.0, 0.0),
    "+Z": (0.0, 0.0, 1.0), "-Z": (0.0, 0.0, -1.0),
}


def quaternion_matrices(quaternions: np.ndarray) -> np.ndarray:
    """(N, 4) unit xyzw quaternions -> (N, 3, 3) rotation matrices."""
    x, y, z, w = (quaternions[:, i] for i in range(4))
    out = np.empty((quaternions.shape[0], 3, 3))
    out[:, 0, 0] = 1 - 2 * (y * y + z * z)
    out[:, 0, 1] = 2 * (x * y - z * w)
    out[:, 0, 2] = 2 * (x * z + y * w)
    out[:, 1, 0] = 2 * (x * y + z * w)
    out[:, 1, 1] = 1 - 2 * (x * x + z * z)
    out[:, 1, 2] = 2 * (y * z - x * w)
    out[:, 2, 0] = 2 * (x * z - y * w)
    out[:, 2, 1] = 2 * (y * z + x * w)
    out[:, 2, 2] = 1 - 2 * (x * x + y * y)
    return out


def box_corners(batch: BoxBatch) -> np.ndarray:
    """(N, 8, 3) float64 corners of every box in local space."""
    corners = _CORNER_SIGNS[None, :, :] * batch.half_sizes[:, None, :].astype(np.float64)
    if batch.rotations is not None:
        corners = np.einsum("nij,nkj->nki", quaternion_matrices(batch.rotations), corners)
    return corners + batch.centers[:, None, :]


def box_lines(batch: BoxBatch) -> LineBatch:
    """The 12 edges of every box as a :class:`LineBatch` with one instance per box."""
    n = len(batch)
    corners = box_corners(batch)
    segments = corners[:, _BOX_EDGES, :].reshape(n * 12, 2, 3)
    instance = np.repeat(np.arange(n, dtype=np.int32), 12)
    return _with_instances(segments, instance, n, batch, batch.width_unit)


def arrow_lines(batch: ArrowBatch, head_fraction: float = 0.2) -> LineBatch:
    """Shaft plus four head strokes per arrow, one instance per arrow."""
    n = len(batch)
    origin = batch.origins.astype(np.float64)
    vector = batch.vectors.astype(np.float64)
    tip = origin + vector
    length = np.linalg.norm(vector, axis=1, keepdims=True)
    direction = np.divide(vector, length, out=np.zeros_like(vector), where=length > 0)
    side_a, side_b = _perpendiculars(direction)
    head = head_fraction * length
    base = tip - direction * head
    segments = np.empty((n, 5, 2, 3))
    segments[:, 0, 0], segments[:, 0, 1] = origin, tip
    for k, (sign, side) in enumerate([(1, side_a), (-1, side_a), (1, side_b), (-1, side_b)], start=1):
        segments[:, k, 0] = tip
        segments[:, k, 1] = base + sign * side * head * 0.5
    instance = np.repeat(np.arange(n, dtype=np.int32), 5)
    return _with_instances(segments.reshape(n * 5, 2, 3), instance, n, batch)


def _perpendiculars(direction: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two unit vectors perpendicular to each (unit or zero) direction and to each other."""
    helper = np.where(np.abs(direction[:, 2:3]) < 0.9, [[0.0, 0.0, 1.0]], [[1.0, 0.0, 0.0]])
    a = np.cross(direction, helper)
    a_len = np.linalg.norm(a, axis=1, keepdims=True)
    a = np.divide(a, a_len, out=np.zeros_like(a), where=a_len > 0)
    return a, np.cross(direction, a)


def _with_instances(segments: np.ndarray, instance: np.ndarray, n: int, source, width_unit: str = "px") -> LineBatch:
    lines = LineBatch(segments.astype(np.float32), instance, transform=source.transform)
    # Keep the source's per-instance attributes (the constructor saw only the segments).
    object.__setattr__(lines, "n_instances", n)
    object.__setattr__(lines, "colors", source.colors)
    object.__setattr__(lines, "widths", source.widths)
    object.__setattr__(lines, "width_unit", width_unit)
    object.__setattr__(lines, "ids", source.ids)
    return lines


def silhouette_edges(projected: np.ndarray, triangles: np.ndarray) -> np.ndarray:
    """Edges (K, 2) of vertex indices that outline a triangle mesh on screen.

    ``projected`` (V, 2) are the vertices' screen positions (NaN where not visible), ``triangles`` (T, 3) vertex
    indices. An edge outlines the mesh when it borders one drawn triangle only (an open border, or a neighbour
    that is not drawn), or when its two triangles face opposite ways on screen (the fold of a closed surface).
    """
    triangles = np.asarray(triangles, np.int64).reshape(-1, 3)
    if triangles.size == 0:
        return np.zeros((0, 2), np.int64)
    tri = projected[triangles]
    cross = ((tri[:, 1, 0] - tri[:, 0, 0]) * (tri[:, 2, 1] - tri[:, 0, 1])
             - (tri[:, 1, 1] - tri[:, 0, 1]) * (tri[:, 2, 0] - tri[:, 0, 0]))
    drawn = np.isfinite(cross)
    triangles, facing = triangles[drawn], np.sign(cross[drawn])
    edges = np.concatenate([triangles[:, [0, 1]], triangles[:, [1, 2]], triangles[:, [2, 0]]])
    edge_facing = np.tile(facing, 3)
    edges = np.sort(edges, axis=1)
    unique, inverse, counts = np.unique(edges, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    # an edge whose triangles all face one way has equal min and max facing
    lowest = np.full(len(unique), np.inf)
    highest = np.full(len(unique), -np.inf)
    np.minimum.at(lowest, inverse, edge_facing)
    np.maximum.at(highest, inverse, edge_facing)
    outline = (counts == 1) | (lowest < 0) & (highest > 0)
    return unique[outline]


def frustum_image_corners(batch: FrustumBatch) -> np.ndarray:
    """(4, 3) camera-space corners TL, TR, BR, BL of the image plane at ``image_plane_distance``."""
    k_inv = np.linalg.inv(batch.intrinsics)
    w, h = batch.resolution
    pixels = np.array([[0, 0, 1], [w, 0, 1], [w, h, 1], [0, h, 1]], dtype=np.float64)
    rays = pixels @ k_inv.T
    rays /= rays[:, 2:3]  # z = 1 in RDF camera space
    return rays * batch.image_plane_distance


def frustum_lines(batch: FrustumBatch) -> LineBatch:
    """Four rays from the camera centre to the image-plane corners, plus the plane's outline."""
    corners = frustum_image_corners(batch)
    segments = np.zeros((8, 2, 3))
    segments[:4, 1] = corners
    segments[4:, 0] = corners
    segments[4:, 1] = np.roll(corners, -1, axis=0)
    return LineBatch(
        segments.astype(np.float32),
        np.zeros(8, np.int32),
        colors=batch.colors,
        widths=batch.width,
        transform=batch.transform,
    )


def axes_lines(length: float = 1.0, transform=None, width: float = 2.0) -> LineBatch:
    """Red/green/blue X/Y/Z axes of the given length from the local origin."""
    segments = np.zeros((3, 2, 3), dtype=np.float32)
    segments[[0, 1, 2], 1, [0, 1, 2]] = length
    colors = np.array([[230, 60, 60, 255], [60, 200, 60, 255], [70, 110, 240, 255]], dtype=np.uint8)
    return LineBatch(segments, colors=colors, widths=width, transform=transform)


# --- camera matrices ----------------------------------------------------------------------------


def look_at(eye, target, up) -> np.ndarray:
    """4x4 view matrix (eye_from_world) looking from ``eye`` at ``target`` with ``up`` roughly up."""
    eye = np.asarray(eye, dtype=np.float64)
    forward = np.asarray(target, dtype=np.float64) - eye
    forward /= np.linalg.norm(forward)
    right = np.cross(forward, up)
    if np.linalg.norm(right) < 1e-9:  # looking along up: pick any right
        right = np.cross(forward, _any_perpendicular(forward))
    right /= np.linalg.norm(right)
    true_up = np.cross(right, forward)
    view = np.eye(4)
    view[0, :3], view[1, :3], view[2, :3] = right, true_up, -forward
    view[:3, 3] = -view[:3, :3] @ eye
    return view


def _any_perpendicular(v: np.ndarray) -> np.ndarray:
    return np.array([1.0, 0.0, 0.0]) if abs(v[0]) < 0.9 else np.array([0.0, 1.0, 0.0])


def perspective(fov_y_deg: float, aspect: float, near: float, far: float) -> np.ndarray:
    """4x4 OpenGL perspective projection (clip_from_eye)."""
    f = 1.0 / math.tan(math.radians(fov_y_deg) / 2.0)
    proj = np.zeros((4, 4))
    proj[0, 0] = f / aspect
    proj[1, 1] = f
    proj[2, 2] = (far + near) / (near - far)
    proj[2, 3] = 2.0 * far * near / (near - far)
    proj[3, 2] = -1.0
    return proj


def pinhole_projection(intrinsics, resolution, near: float, far: float) -> np.ndarray:
    """4x4 clip_from_eye for a pinhole camera: NDC covers the image exactly.

    Image coordinates u in [0, W] map to NDC x in [-1, 1] and v in [0, H] to NDC y in [1, -1]
    (row 0 at the top), where (u, v) = (fx x/z + cx, fy y/z + cy) in RDF camera space, and the
    eye space is RDF with y and z negated.
    """
    k = np.asarray(intrinsics, dtype=np.float64)
    w, h = resolution
    proj = np.zeros((4, 4))
    proj[0, 0] = 2.0 * k[0, 0] / w
    proj[0, 1] = -2.0 * k[0, 1] / w  # skew: x_c = x_e, y_c = -y_e
    proj[0, 2] = -(2.0 * k[0, 2] / w - 1.0)
    proj[1, 1] = 2.0 * k[1, 1] / h
    proj[1, 2] = 2.0 * k[1, 2] / h - 1.0
    proj[2, 2] = (far + near) / (near - far)
    proj[2, 3] = 2.0 * far * near / (near - far)
    proj[3, 2] = -1.0
    return proj


RDF_TO_GL_EYE = np.diag([1.0, -1.0, -1.0, 1.0])


def ndc_to_pixels(width: float, height: float, x0: float = 0.0, y0: float = 0.0) -> np.ndarray:
    """4x4 mapping NDC to pixel coordinates (y down) of a rectangle at (x0, y0) of size w x h.

    z passes through, so depth testing still works after this matrix.
    """
    m = np.eye(4)
    m[0, 0], m[0, 3] = width / 2.0, x0 + width / 2.0
    m[1, 1], m[1, 3] = -height / 2.0, y0 + height / 2.0
    return m


def project(matrix: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Apply a 4x4 projective ``matrix`` to (N, 3) points: returns ((N, 3) xyz/w, (N,) w)."""
    points = np.asarray(points, dtype=np.float64)
    homogeneous = points @ matrix[:3, :3].T + matrix[:3, 3]
    w = points @ matrix[3, :3] + matrix[3, 3]
    with np.errstate(divide="ignore", invalid="ignore"):
        return homogeneous / w[:, None], w
