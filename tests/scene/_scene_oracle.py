"""Independent expectations for the scene tests: camera maths written from the textbook formulas,
not from rerun_scene, plus the inputs the GL scenarios draw (shared so both sides agree).
"""

from __future__ import annotations

import math

import numpy as np

BLACK = np.array([0, 0, 0, 255], dtype=np.uint8)

# A pinhole camera looking along world +Y from y = -4 (RDF camera: x right = world +X,
# y down = world -Z, z forward = world +Y).
PINHOLE_SIZE = (160, 120)
PINHOLE_K = np.array([[150.0, 0.0, 80.0], [0.0, 150.0, 60.0], [0.0, 0.0, 1.0]])
PINHOLE_POSE = np.array(
    [[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, -4.0], [0.0, -1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]]
)

# Points in front of the pinhole (and one behind it), each its own colour.
POINTS = np.array(
    [[0.0, 0.0, 0.0], [1.0, 0.5, 0.6], [-1.2, 1.0, -0.8], [0.4, -1.5, 0.3], [0.0, -6.0, 0.0]],
    dtype=np.float32,
)
POINT_COLORS = np.array(
    [[255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 255, 255], [255, 255, 0, 255], [255, 0, 255, 255]],
    dtype=np.uint8,
)


ARROW_RADIUS = 0.1
STACK_A, STACK_B = (200, 0, 0), (0, 0, 200)
LABEL_ANCHORS = np.array([[0.0, 0.0, -0.8], [-1.2, 0.0, 1.0]], dtype=np.float32)


def pinhole_pixels(points, k=PINHOLE_K, world_from_camera=PINHOLE_POSE):
    """(u, v, z) image coordinates of world points for an RDF pinhole camera."""
    points = np.asarray(points, dtype=np.float64)
    camera_from_world = np.linalg.inv(world_from_camera)
    cam = points @ camera_from_world[:3, :3].T + camera_from_world[:3, 3]
    z = cam[:, 2]
    u = k[0, 0] * cam[:, 0] / z + k[0, 1] * cam[:, 1] / z + k[0, 2]
    v = k[1, 1] * cam[:, 1] / z + k[1, 2]
    return np.stack([u, v, z], axis=1)


def orbit_pixels(points, center, distance, yaw_deg, pitch_deg, fov_deg, size):
    """Pixel positions of world points seen by a Z-up turntable camera (textbook look-at)."""
    yaw, pitch = math.radians(yaw_deg), math.radians(pitch_deg)
    center = np.asarray(center, dtype=np.float64)
    direction = np.array([math.cos(pitch) * math.cos(yaw), math.cos(pitch) * math.sin(yaw), math.sin(pitch)])
    eye = center + distance * direction
    forward = (center - eye) / np.linalg.norm(center - eye)
    right = np.cross(forward, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    rel = np.asarray(points, dtype=np.float64) - eye
    x, y, depth = rel @ right, rel @ up, rel @ forward
    width, height = size
    focal = (height / 2.0) / math.tan(math.radians(fov_deg) / 2.0)  # pixels
    return np.stack([width / 2.0 + focal * x / depth, height / 2.0 - focal * y / depth, depth], axis=1)


def pixel(image, u, v):
    """RGBA at continuous image coordinates (u, v) (pixel centres at +0.5)."""
    return image[int(math.floor(v)), int(math.floor(u))]


def coloured_mask(image, background=BLACK):
    return (image != background).any(axis=-1)


# A 6 x 4 image whose every pixel is a different colour.
IMAGE_W, IMAGE_H = 6, 4


def unique_image():
    rows, cols = np.mgrid[0:IMAGE_H, 0:IMAGE_W]
    image = np.zeros((IMAGE_H, IMAGE_W, 3), dtype=np.uint8)
    image[..., 0] = 40 * rows + 10
    image[..., 1] = 30 * cols + 5
    image[..., 2] = 250 - 10 * (rows * IMAGE_W + cols)
    return image
