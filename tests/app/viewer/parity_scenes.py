#!/usr/bin/env python3
"""Small recordings for side-by-side checks with the original Rerun 0.4 viewer.

Each scene uses only the rerun 0.4 Python API, so the same function runs with our SDK (the tests) and with
rerun-sdk 0.4.0 (``/work/refvenv/bin/python parity_scenes.py NAME OUT.rrd``, then
``tools/rerun04_screenshot.py``). Constants the tests compute expectations from live here too.

usage: python parity_scenes.py NAME OUT.rrd
"""

from __future__ import annotations

import sys

import numpy as np

IMAGE_W, IMAGE_H = 300, 200
IMAGE_RGB = (30, 50, 70)
KEYPOINTS = np.array([[60.0, 40.0], [60.0, 160.0], [140.0, 100.0]], np.float32)  # head, hip, hand
KEYPOINT_LABELS = ("head", "hip", "hand")
CONNECTIONS = [(0, 1), (1, 2)]
RECT_XYWH = (180.0, 40.0, 90.0, 60.0)
RECT_RGB = (0, 255, 0)


def skeleton_and_labels(rr) -> None:
    """2D: an mp_pose-style skeleton of class 0 (label only, no colours) and a labelled rect, over an image."""
    rr.set_time_sequence("frame", 0)
    rr.log_annotation_context(
        "/",
        rr.ClassDescription(
            info=rr.AnnotationInfo(label="Person"),
            keypoint_annotations=[rr.AnnotationInfo(i, label) for i, label in enumerate(KEYPOINT_LABELS)],
            keypoint_connections=CONNECTIONS,
        ),
    )
    rr.log_image("image", np.broadcast_to(np.array(IMAGE_RGB, np.uint8), (IMAGE_H, IMAGE_W, 3)).copy())
    rr.log_points("image/pose", KEYPOINTS, keypoint_ids=[0, 1, 2], class_ids=0)
    rr.log_rect("image/car", RECT_XYWH, rect_format=rr.RectFormat.XYWH, label="car", color=RECT_RGB)


def arrows_boxes_labels(rr) -> None:
    """3D: a labelled box, a wide arrow (width_scale) with a label and a thin one."""
    rr.set_time_sequence("frame", 0)
    rr.log_obb("world/box", half_size=[0.5, 0.5, 0.5], position=[0.0, 0.0, 0.5], color=(80, 160, 255), label="box")
    rr.log_arrow("world/wide", origin=[0.0, -2.0, 0.0], vector=[2.0, 0.0, 0.0], color=(255, 60, 60), width_scale=0.2,
                 label="wide")
    rr.log_arrow("world/thin", origin=[0.0, 2.0, 0.0], vector=[2.0, 0.0, 0.0], color=(255, 220, 0))


def stacked_images(rr) -> None:
    """2D: a depth image (near at the top, far at the bottom) under a uniform RGB image of the same size."""
    rr.set_time_sequence("frame", 0)
    rows = np.linspace(500, 3000, IMAGE_H).astype(np.uint16)[:, None]
    rr.log_depth_image("camera/depth", np.repeat(rows, IMAGE_W, axis=1), meter=1000.0)
    rr.log_image("camera/rgb", np.full((IMAGE_H, IMAGE_W, 3), STACK_RGB, np.uint8))


STACK_RGB = (40, 160, 40)

# line_widths: a strip with the automatic width, one with a stroke width (image pixels), segments, a labelled rect
AUTO_STRIP = np.array([[30.0, 30.0], [270.0, 30.0]], np.float32)
AUTO_RGB = (255, 255, 0)
STROKE_STRIP = np.array([[30.0, 170.0], [270.0, 170.0]], np.float32)
STROKE_WIDTH = 6.0
STROKE_RGB = (255, 0, 255)
SEGMENTS = np.array([[40.0, 60.0], [40.0, 140.0], [60.0, 60.0], [60.0, 140.0]], np.float32)  # two vertical ones
SEGMENTS_RGB = (0, 255, 255)
LABEL_RECT_XYWH = (120.0, 60.0, 120.0, 50.0)
LABEL_RECT_RGB = (0, 255, 0)


def line_widths(rr) -> None:
    """2D over a uniform image: line strips (automatic width and ``stroke_width``), segments and a labelled rect."""
    rr.set_time_sequence("frame", 0)
    rr.log_image("image", np.broadcast_to(np.array(IMAGE_RGB, np.uint8), (IMAGE_H, IMAGE_W, 3)).copy())
    rr.log_line_strip("image/auto", AUTO_STRIP, color=AUTO_RGB)
    rr.log_line_strip("image/stroke", STROKE_STRIP, color=STROKE_RGB, stroke_width=STROKE_WIDTH)
    rr.log_line_segments("image/segments", SEGMENTS, color=SEGMENTS_RGB)
    rr.log_rect("image/rect", LABEL_RECT_XYWH, rect_format=rr.RectFormat.XYWH, label="label", color=LABEL_RECT_RGB)

CLEAR_FRAMES = (0, 10)  # data on "points" at these frames; the clear halfway
CLEAR_AT = 5


def _points_over_time(rr) -> None:
    for frame in CLEAR_FRAMES:
        rr.set_time_sequence("frame", frame)
        rr.log_points("points", np.array([[0.0, 0.0], [10.0, 10.0]], np.float32))


def not_cleared(rr) -> None:
    """Points at two frames."""
    _points_over_time(rr)


def cleared(rr) -> None:
    """The same, plus ``log_cleared`` at a frame in between."""
    _points_over_time(rr)
    rr.set_time_sequence("frame", CLEAR_AT)
    rr.log_cleared("points")


FRAME_CORNERS_2D = np.array([[0.0, 0.0], [100.0, 0.0], [0.0, 60.0], [100.0, 60.0]], np.float32)
FRAME_RADIUS_2D = 6.0
FRAME_CENTRES_3D = np.array([[-2.0, 0.0, 0.0], [2.0, 0.0, 0.0], [0.0, 1.0, 0.0]], np.float32)
FRAME_RADIUS_3D = 0.6
FRAME_RGB = (255, 40, 40)


def framing_2d(rr) -> None:
    """2D: four points with a radius at the corners of the scene (nothing else)."""
    rr.set_time_sequence("frame", 0)
    rr.log_points("space/corners", FRAME_CORNERS_2D, radii=FRAME_RADIUS_2D, colors=FRAME_RGB)


def framing_3d(rr) -> None:
    """3D: spheres whose centres span the scene; their radii reach past the centres' box."""
    rr.set_time_sequence("frame", 0)
    rr.log_view_coordinates("world", up="+Z", timeless=True)
    rr.log_points("world/spheres", FRAME_CENTRES_3D, radii=FRAME_RADIUS_3D, colors=FRAME_RGB)


def cloud(rr) -> None:
    """3D: 200 k coloured points (the big-cloud path: CPU splat on software GL, GL_POINTS on a GPU)."""
    rr.set_time_sequence("frame", 0)
    rng = np.random.default_rng(4)
    positions = rng.normal(size=(200_000, 3)).astype(np.float32)
    colors = (np.clip(positions * 60 + 128, 0, 255)).astype(np.uint8)
    rr.log_points("world/cloud", positions, colors=colors, radii=0.01)


SCENES = {f.__name__: f for f in (cloud, framing_2d, framing_3d, skeleton_and_labels, arrows_boxes_labels, stacked_images, line_widths, not_cleared, cleared)}


def write(name: str, path: str) -> None:
    """Log scene ``name`` into the file ``path`` with whichever ``rerun`` is importable."""
    import rerun as rr

    rr.init(f"parity-{name}", spawn=False)
    SCENES[name](rr)
    rr.save(path)  # both SDKs write what was buffered; ours completes the file at exit

if __name__ == "__main__":
    write(sys.argv[1], sys.argv[2])
