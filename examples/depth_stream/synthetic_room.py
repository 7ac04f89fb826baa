"""A small synthetic RGB-D camera: ray-casts a room with boxes and spheres into colour and depth images.

Everything is generated (no downloads). The renderer is a numba kernel over pixels; the scene is a list of
axis-aligned boxes and spheres inside a room (the room is the inside of a box).
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

ROOM_MIN = np.array([-3.0, -2.5, 0.0])
ROOM_MAX = np.array([3.0, 2.5, 2.8])

# Each box: min xyz, max xyz, rgb (0-1).
BOXES = np.array(
    [
        [-2.4, -2.0, 0.0, -1.4, -1.2, 0.9, 0.80, 0.35, 0.20],  # cabinet
        [0.8, 0.9, 0.0, 2.2, 1.9, 0.75, 0.55, 0.40, 0.25],  # table
        [1.9, -2.2, 0.0, 2.6, -1.5, 1.8, 0.25, 0.45, 0.75],  # shelf
        [-0.6, -0.4, 0.0, 0.0, 0.2, 0.45, 0.85, 0.80, 0.30],  # crate
    ],
    dtype=np.float64,
)
# Each sphere: centre xyz, radius, rgb.
SPHERES = np.array(
    [
        [1.5, 1.4, 1.05, 0.3, 0.9, 0.2, 0.2],
        [-1.0, 1.2, 0.4, 0.4, 0.2, 0.7, 0.3],
        [-0.3, -0.1, 0.7, 0.25, 0.3, 0.3, 0.9],
    ],
    dtype=np.float64,
)
LIGHT_DIR = np.array([0.3, 0.5, 0.8]) / np.linalg.norm([0.3, 0.5, 0.8])


@dataclass(frozen=True)
class Camera:
    """A pinhole camera pose: ``world_from_camera`` rotation (columns = camera x right, y down, z forward)."""

    position: np.ndarray
    rotation: np.ndarray  # 3x3 world_from_camera
    intrinsics: np.ndarray  # 3x3 image_from_camera
    width: int
    height: int


def intrinsics_for(width: int, height: int, fov_x_deg: float = 70.0) -> np.ndarray:
    """Row-major 3x3 pinhole matrix with square pixels and the principal point at the image centre."""
    f = 0.5 * width / np.tan(np.radians(fov_x_deg) / 2)
    return np.array([[f, 0.0, width / 2.0], [0.0, f, height / 2.0], [0.0, 0.0, 1.0]])


def look_at(position: np.ndarray, target: np.ndarray, up=(0.0, 0.0, 1.0)) -> np.ndarray:
    """world_from_camera rotation for a camera at ``position`` looking at ``target`` (RDF camera axes)."""
    forward = target - position
    forward = forward / np.linalg.norm(forward)
    right = np.cross(forward, up)
    right = right / np.linalg.norm(right)
    down = np.cross(forward, right)
    return np.stack([right, down, forward], axis=1)


def quaternion_xyzw(rotation: np.ndarray) -> np.ndarray:
    """Unit quaternion (x, y, z, w) of a 3x3 rotation matrix."""
    m = rotation
    trace = m[0, 0] + m[1, 1] + m[2, 2]
    if trace > 0:
        s = 2.0 * np.sqrt(1.0 + trace)
        q = [(m[2, 1] - m[1, 2]) / s, (m[0, 2] - m[2, 0]) / s, (m[1, 0] - m[0, 1]) / s, 0.25 * s]
    elif m[0, 0] > m[1, 1] and m[0, 0] > m[2, 2]:
        s = 2.0 * np.sqrt(1.0 + m[0, 0] - m[1, 1] - m[2, 2])
        q = [0.25 * s, (m[0, 1] + m[1, 0]) / s, (m[0, 2] + m[2, 0]) / s, (m[2, 1] - m[1, 2]) / s]
    elif m[1, 1] > m[2, 2]:
        s = 2.0 * np.sqrt(1.0 + m[1, 1] - m[0, 0] - m[2, 2])
        q = [(m[0, 1] + m[1, 0]) / s, 0.25 * s, (m[1, 2] + m[2, 1]) / s, (m[0, 2] - m[2, 0]) / s]
    else:
        s = 2.0 * np.sqrt(1.0 + m[2, 2] - m[0, 0] - m[1, 1])
        q = [(m[0, 2] + m[2, 0]) / s, (m[1, 2] + m[2, 1]) / s, 0.25 * s, (m[1, 0] - m[0, 1]) / s]
    q = np.array(q)
    return q / np.linalg.norm(q)


def camera_on_orbit(t: float, width: int, height: int) -> Camera:
    """The camera pose at time ``t`` seconds: a slow elliptical orbit around the room centre."""
    angle = 0.35 * t
    position = np.array([1.9 * np.cos(angle), 1.5 * np.sin(angle), 1.4 + 0.25 * np.sin(0.7 * t)])
    target = np.array([0.2 * np.cos(0.5 * t), 0.2 * np.sin(0.5 * t), 0.6])
    return Camera(position, look_at(position, target), intrinsics_for(width, height), width, height)


@numba.njit(cache=True)
def _ray_box(o, d, bmin, bmax):
    tnear = -1e30
    tfar = 1e30
    axis_near = 0
    axis_far = 0
    for a in range(3):
        if abs(d[a]) < 1e-12:
            if o[a] < bmin[a] or o[a] > bmax[a]:
                return 1e30, 1e30, 0, 0
            continue
        t1 = (bmin[a] - o[a]) / d[a]
        t2 = (bmax[a] - o[a]) / d[a]
        if t1 > t2:
            t1, t2 = t2, t1
        if t1 > tnear:
            tnear = t1
            axis_near = a
        if t2 < tfar:
            tfar = t2
            axis_far = a
    if tnear > tfar or tfar < 0:
        return 1e30, 1e30, 0, 0
    return tnear, tfar, axis_near, axis_far


@numba.njit(cache=True)
def _render(cam_pos, world_from_cam, fx, fy, cx, cy, width, height, room_min, room_max, boxes, spheres, light,
            depth_mm, rgb):
    o = cam_pos
    d = np.empty(3)
    n = np.empty(3)
    for v in range(height):
        for u in range(width):
            xc = (u + 0.5 - cx) / fx
            yc = (v + 0.5 - cy) / fy
            for k in range(3):
                d[k] = world_from_cam[k, 0] * xc + world_from_cam[k, 1] * yc + world_from_cam[k, 2]
            # The room: we are inside, so the hit is the exit distance.
            _, t_best, _, axis = _ray_box(o, d, room_min, room_max)
            base_r, base_g, base_b = 0.75, 0.75, 0.72
            n[:] = 0.0
            n[axis] = -1.0 if d[axis] > 0 else 1.0
            hit_kind = 0
            for i in range(boxes.shape[0]):
                tn, _, ax, _ = _ray_box(o, d, boxes[i, 0:3], boxes[i, 3:6])
                if 1e-6 < tn < t_best:
                    t_best = tn
                    n[:] = 0.0
                    n[ax] = -1.0 if d[ax] > 0 else 1.0
                    base_r, base_g, base_b = boxes[i, 6], boxes[i, 7], boxes[i, 8]
                    hit_kind = 1
            for i in range(spheres.shape[0]):
                oc0 = o[0] - spheres[i, 0]
                oc1 = o[1] - spheres[i, 1]
                oc2 = o[2] - spheres[i, 2]
                b = oc0 * d[0] + oc1 * d[1] + oc2 * d[2]
                a = d[0] * d[0] + d[1] * d[1] + d[2] * d[2]
                c = oc0 * oc0 + oc1 * oc1 + oc2 * oc2 - spheres[i, 3] ** 2
                disc = b * b - a * c
                if disc > 0:
                    t = (-b - np.sqrt(disc)) / a
                    if 1e-6 < t < t_best:
                        t_best = t
                        for k in range(3):
                            n[k] = (o[k] + t * d[k] - spheres[i, k]) / spheres[i, 3]
                        base_r, base_g, base_b = spheres[i, 4], spheres[i, 5], spheres[i, 6]
                        hit_kind = 2
            px = o[0] + t_best * d[0]
            py = o[1] + t_best * d[1]
            pz = o[2] + t_best * d[2]
            if hit_kind == 0 and pz < 1e-3:  # checkered floor
                if (int(np.floor(px * 2.0)) + int(np.floor(py * 2.0))) % 2 == 0:
                    base_r, base_g, base_b = 0.45, 0.45, 0.5
                else:
                    base_r, base_g, base_b = 0.9, 0.9, 0.88
            shade = 0.35 + 0.65 * max(0.0, n[0] * light[0] + n[1] * light[1] + n[2] * light[2])
            rgb[v, u, 0] = min(255, int(255 * base_r * shade))
            rgb[v, u, 1] = min(255, int(255 * base_g * shade))
            rgb[v, u, 2] = min(255, int(255 * base_b * shade))
            # Depth is the z of the hit in the camera frame (t_best * 1, since d has camera z = 1), in mm.
            depth_mm[v, u] = min(65535, int(t_best * 1000.0 + 0.5))


def render(camera: Camera) -> tuple[np.ndarray, np.ndarray]:
    """Render ``camera``'s view: (H, W, 3) uint8 sRGB colour and (H, W) uint16 depth in millimetres."""
    depth = np.empty((camera.height, camera.width), np.uint16)
    rgb = np.empty((camera.height, camera.width, 3), np.uint8)
    k = camera.intrinsics
    _render(camera.position.astype(np.float64), np.ascontiguousarray(camera.rotation, dtype=np.float64),
            k[0, 0], k[1, 1], k[0, 2], k[1, 2], camera.width, camera.height, ROOM_MIN, ROOM_MAX, BOXES, SPHERES,
            LIGHT_DIR, depth, rgb)
    return rgb, depth


def scene_point_cloud(count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``count`` points sampled on the objects' surfaces (world frame) with their colours (uint8 RGB)."""
    rng = np.random.default_rng(seed)
    parts_xyz, parts_rgb = [], []
    per_object = count // (len(BOXES) + len(SPHERES))
    for box in BOXES:
        lo, hi, colour = box[0:3], box[3:6], box[6:9]
        p = rng.uniform(lo, hi, size=(per_object, 3))
        face_axis = rng.integers(0, 3, per_object)
        face_side = rng.integers(0, 2, per_object)
        p[np.arange(per_object), face_axis] = np.where(face_side == 0, lo[face_axis], hi[face_axis])
        parts_xyz.append(p)
        parts_rgb.append(np.broadcast_to(colour * 255, (per_object, 3)))
    for sphere in SPHERES:
        v = rng.normal(size=(per_object, 3))
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        parts_xyz.append(sphere[0:3] + sphere[3] * v)
        parts_rgb.append(np.broadcast_to(sphere[4:7] * 255, (per_object, 3)))
    return np.concatenate(parts_xyz).astype(np.float32), np.concatenate(parts_rgb).astype(np.uint8)
