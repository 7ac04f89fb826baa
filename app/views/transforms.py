"""The transform hierarchy: where each entity's local coordinates land in its space view.

Rerun 0.4 semantics: ``log_rigid3`` on an entity is its ``parent_from_child`` (stored that way whichever way it
was logged); ``log_pinhole`` on an entity makes it (and its descendants) a 2D image space whose camera is the
parent; ``log_unknown_transform`` disconnects a subtree (a new space root). Content under a pinhole is drawn in 3D on
the camera's image plane, at ``image_plane_distance`` along the optical axis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from rerun_app.views.values import Transform


def path_parts(entity_path: str) -> list[str]:
    """The components of an entity path (``"/world/camera"`` → ``["world", "camera"]``; ``"/"`` → ``[]``)."""
    return [p for p in entity_path.strip("/").split("/") if p]


def join_parts(parts: list[str]) -> str:
    """Inverse of :func:`path_parts`, in the store's canonical form (``"world/camera"``; the root is ``"/"``)."""
    return "/".join(parts) if parts else "/"


def quaternion_matrix(xyzw: np.ndarray) -> np.ndarray:
    """3x3 rotation for an (x, y, z, w) quaternion, normalised first; a zero quaternion gives the identity."""
    x, y, z, w = (float(v) for v in xyzw)
    n = x * x + y * y + z * z + w * w
    if not np.isfinite(n) or n < 1e-12:
        return np.eye(3)
    s = 2.0 / n
    return np.array(
        [
            [1 - s * (y * y + z * z), s * (x * y - z * w), s * (x * z + y * w)],
            [s * (x * y + z * w), 1 - s * (x * x + z * z), s * (y * z - x * w)],
            [s * (x * z - y * w), s * (y * z + x * w), 1 - s * (x * x + y * y)],
        ]
    )


def rigid_matrix(rotation_xyzw: np.ndarray, translation: np.ndarray) -> np.ndarray:
    """4x4 homogeneous matrix of a rotation followed by a translation."""
    m = np.eye(4)
    m[:3, :3] = quaternion_matrix(rotation_xyzw)
    m[:3, 3] = np.asarray(translation, dtype=np.float64)
    return m


def image_plane_matrix(image_from_cam: np.ndarray, distance: float) -> np.ndarray:
    """4x4 map from pixel coordinates (u, v, 0, 1) to camera coordinates on the plane z = ``distance``.

    A pixel-space z (normally 0) is passed through as a depth offset, which keeps the matrix invertible.

    Raises
    ------
    ValueError
        For a zero or non-finite focal length.
    """
    k = np.asarray(image_from_cam, dtype=np.float64)
    fx, fy, cx, cy = k[0, 0], k[1, 1], k[0, 2], k[1, 2]
    if not (np.isfinite([fx, fy, cx, cy]).all() and fx != 0 and fy != 0):
        raise ValueError(f"pinhole: focal lengths must be finite and non-zero, got fx={fx}, fy={fy}")
    d = float(distance)
    return np.array(
        [[d / fx, 0, 0, -cx * d / fx], [0, d / fy, 0, -cy * d / fy], [0, 0, 1, d], [0, 0, 0, 1]], dtype=np.float64
    )


@dataclass(frozen=True)
class Placement:
    """Where an entity's data goes in a space view rooted at ``root``.

    ``world_from_local`` maps the entity's coordinates (3D, or pixels when ``pinhole_path`` is set) into the view;
    ``world_from_camera`` is the camera pose when the entity is at or under a pinhole; ``connected`` is False when an
    unknown transform separates it from the root (the view does not show it).
    """

    world_from_local: np.ndarray
    connected: bool = True
    pinhole_path: str | None = None
    pinhole: Transform | None = None
    world_from_camera: np.ndarray | None = None
    error: str | None = None


def resolve_placement(
    root: str,
    entity_path: str,
    transform_at: Callable[[str], Transform | None],
    image_plane_distance: Callable[[str], float] = lambda path: 1.0,
) -> Placement:
    """Compose the transforms from ``root`` (exclusive) down to ``entity_path`` (inclusive).

    Parameters
    ----------
    root, entity_path : str
        The view's space root and the entity (which must be at or below the root).
    transform_at : callable
        Latest ``rerun.transform`` of a path at the time cursor, or None.
    image_plane_distance : callable
        Distance of a pinhole's image plane from its camera, per pinhole path.
    """
    root_parts, parts = path_parts(root), path_parts(entity_path)
    if parts[: len(root_parts)] != root_parts:
        raise ValueError(f"entity_path {entity_path!r} is not under the view root {root!r}")
    world_from_local = np.eye(4)
    for depth in range(len(root_parts) + 1, len(parts) + 1):
        prefix = join_parts(parts[:depth])
        t = transform_at(prefix)
        if t is None:
            continue
        if t.kind == "unknown":
            return Placement(world_from_local, connected=False)
        if t.kind == "rigid3":
            world_from_local = world_from_local @ rigid_matrix(t.rotation_xyzw, t.translation)
        elif t.kind == "pinhole":
            world_from_camera = world_from_local
            try:
                plane = image_plane_matrix(t.image_from_cam, image_plane_distance(prefix))
            except ValueError as exc:
                return Placement(world_from_camera, True, prefix, t, world_from_camera, error=str(exc))
            return Placement(world_from_camera @ plane, True, prefix, t, world_from_camera)
    return Placement(world_from_local)
