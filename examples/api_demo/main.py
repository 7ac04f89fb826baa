#!/usr/bin/env python3
"""A tour of the logging API, one small demo per topic: segmentation with an annotation context, points,
rectangles, text, oriented boxes, a mesh, extension components, clearing entities, view coordinates, and a
keypoint skeleton.

``python examples/api_demo/main.py`` runs every demo and opens the viewer; ``--demo points,rects`` picks some;
``--save api.rrd`` records to a file instead.
"""

from __future__ import annotations

import argparse
import math

import numpy as np

import rerun as rr

# (class id, label, colour) of the segmentation demo, and the rectangle (x0, y0, x1, y1) each class fills.
SEGMENTATION_CLASSES = [(13, "road", (120, 120, 120)), (42, "tree", (40, 180, 40)), (99, "person", (255, 60, 60))]
SEGMENTATION_REGIONS = {13: (0, 40, 128, 64), 42: (10, 8, 40, 40), 99: (70, 20, 90, 56)}
SEGMENTATION_SIZE = (64, 128)  # height, width


def segmentation_demo() -> None:
    """A class-id image, coloured and labelled in the viewer by the annotation context above it."""
    rr.set_time_seconds("sim_time", 1.0)
    rr.log_annotation_context("seg_demo", [rr.ClassDescription(info=rr.AnnotationInfo(i, label, color))
                                           for i, label, color in SEGMENTATION_CLASSES])
    image = np.zeros(SEGMENTATION_SIZE, np.uint8)  # 0: background, no class
    for class_id, (x0, y0, x1, y1) in SEGMENTATION_REGIONS.items():
        image[y0:y1, x0:x1] = class_id
    rr.log_segmentation_image("seg_demo/img", image)

    # Rects and points take their colour and label from the same context through their class ids.
    class_ids = list(SEGMENTATION_REGIONS)
    rr.log_rects("seg_demo/rects", np.array(list(SEGMENTATION_REGIONS.values()), np.float32),
                 rect_format=rr.RectFormat.XYXY, class_ids=class_ids)
    centres = np.array([[(x0 + x1) / 2, (y0 + y1) / 2] for x0, y0, x1, y1 in SEGMENTATION_REGIONS.values()])
    rr.log_points("seg_demo/centres", centres, class_ids=class_ids, radii=2.0)
    rr.log_text_entry("seg_demo/logs", "classes: " + ", ".join(label for _, label, _ in SEGMENTATION_CLASSES))


def points_demo() -> None:
    """2D and 3D points with per-point colours, radii and labels."""
    rr.set_time_seconds("sim_time", 2.0)
    rng = np.random.default_rng(1)
    positions = rng.uniform(-10.0, 10.0, (8, 2))
    labels = [f"p{i}" for i in range(len(positions))]
    colors = rng.integers(0, 256, (len(positions), 3), dtype=np.uint8)
    rr.log_points("points/2d", positions, colors=colors, radii=rng.uniform(0.2, 0.8, len(positions)), labels=labels)
    rr.log_point("points/2d/origin", [0.0, 0.0], radius=1.0, color=(255, 255, 255), label="origin")
    rr.log_points("points/3d", rng.normal(0.0, 1.0, (100, 3)), colors=(0, 160, 255), radii=0.05)


def rects_demo() -> None:
    """Rectangles in several formats over a generated image."""
    rr.set_time_seconds("sim_time", 3.0)
    rr.log_image("rects_demo/img", np.tile(np.linspace(0, 255, 160, dtype=np.uint8), (90, 1)))
    rr.log_rect("rects_demo/rects/xywh", [10, 10, 40, 30], rect_format=rr.RectFormat.XYWH, label="XYWH")
    rr.log_rect("rects_demo/rects/xyxy", [60, 10, 100, 40], rect_format=rr.RectFormat.XYXY, label="XYXY")
    rr.log_rect("rects_demo/rects/centred", [130, 60, 40, 40], rect_format=rr.RectFormat.XCYCWH, label="XCYCWH",
                color=(255, 200, 0))


def text_demo() -> None:
    """Text entries at every level (shown in a text log view)."""
    rr.set_time_seconds("sim_time", 4.0)
    for level in (rr.LogLevel.TRACE, rr.LogLevel.DEBUG, rr.LogLevel.INFO, rr.LogLevel.WARN,
                  rr.LogLevel.ERROR, rr.LogLevel.CRITICAL):
        rr.log_text_entry("logs", f"a {level} message", level=level)
    rr.log_text_entry("logs", "a coloured message with a custom level", level="NOTICE", color=(255, 0, 255))


def obb_demo() -> None:
    """Oriented boxes: an axis-aligned one and one rotated 45° about +Z."""
    rr.set_time_seconds("sim_time", 5.0)
    rr.log_obb("obb/aligned", half_size=[1.0, 0.5, 0.25], position=[0, 0, 0], color=(255, 120, 0), label="aligned")
    s = math.sin(math.pi / 8)
    rr.log_obb("obb/rotated", half_size=[1.0, 0.5, 0.25], position=[3, 0, 0],
               rotation_q=[0, 0, s, math.cos(math.pi / 8)],
               color=(0, 200, 255), stroke_width=0.05, label="rotated 45°")


def mesh_demo() -> None:
    """A tetrahedron with one colour per vertex."""
    rr.set_time_seconds("sim_time", 6.0)
    vertices = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], np.float32)
    triangles = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]], np.uint32)
    colors = np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]], np.uint8)
    rr.log_mesh("mesh/tetrahedron", vertices, indices=triangles, vertex_colors=colors)


def extension_components_demo() -> None:
    """User-defined components travel with the data and show in the selection panel."""
    rr.set_time_seconds("sim_time", 7.0)
    rr.log_point("extension_components/point", [0.0, 0.0], radius=1.0, ext={"confidence": 0.9})
    positions = np.array([[2.0, 0.0], [4.0, 1.0], [6.0, 0.0]], np.float32)
    rr.log_points("extension_components/points", positions,
                  ext={"corner": ["left", "middle", "right"], "training": True})
    rr.log_extension_components("extension_components/points", {"source": "synthetic"})


def log_cleared_demo() -> None:
    """Rectangles that appear at t=8 s; one is cleared at t=9 s, then all of them at t=10 s."""
    rr.set_time_seconds("sim_time", 8.0)
    for i in range(3):
        rr.log_rect(f"null_demo/rect/{i}", [5 + 30 * i, 5, 20, 20], color=(255, 0, 0), label=f"rect {i}")
    rr.set_time_seconds("sim_time", 9.0)
    rr.log_cleared("null_demo/rect/0")
    rr.set_time_seconds("sim_time", 10.0)
    rr.log_cleared("null_demo/rect", recursive=True)


def view_coordinates_demo() -> None:
    """World up axis, and a camera whose axes are Right-Down-Forward."""
    rr.log_view_coordinates("world", up="+Z", timeless=True)
    rr.set_time_seconds("sim_time", 11.0)
    rr.log_rigid3("world/camera", parent_from_child=([0.0, -3.0, 1.0], [-math.sqrt(0.5), 0, 0, math.sqrt(0.5)]))
    rr.log_view_coordinates("world/camera", xyz="RDF")
    rr.log_pinhole("world/camera/image", child_from_parent=[[100, 0, 80], [0, 100, 60], [0, 0, 1]],
                   width=160, height=120)


# The stick figure of the keypoints demo: keypoint id → (name, position in a 2D image, y down).
SKELETON = {
    0: ("head", (50, 10)), 1: ("neck", (50, 22)), 2: ("left hand", (30, 40)), 3: ("right hand", (70, 40)),
    4: ("hip", (50, 55)), 5: ("left foot", (38, 85)), 6: ("right foot", (62, 85)),
}
BONES = [(0, 1), (1, 2), (1, 3), (1, 4), (4, 5), (4, 6)]


def keypoints_demo() -> None:
    """A stick figure: points with keypoint ids, joined into a skeleton by the annotation context."""
    person = rr.ClassDescription(
        info=rr.AnnotationInfo(1, "person", (255, 200, 0)),
        keypoint_annotations=[rr.AnnotationInfo(k, name) for k, (name, _) in SKELETON.items()],
        keypoint_connections=BONES,
    )
    rr.log_annotation_context("keypoints_demo", person)
    positions = np.array([xy for _, xy in SKELETON.values()], np.float32)
    for step in range(10):  # the right hand waves
        rr.set_time_seconds("sim_time", 12.0 + step / 10)
        angle = math.radians(30 * math.sin(step * math.pi / 5))
        c, s = math.cos(angle), math.sin(angle)
        arm = np.array(SKELETON[3][1], np.float32) - np.array(SKELETON[1][1], np.float32)  # neck → right hand
        positions[3] = positions[1] + np.array([[c, s], [-s, c]], np.float32) @ arm
        rr.log_points("keypoints_demo/person", positions, class_ids=1, keypoint_ids=list(SKELETON), radii=2.0)


DEMOS = {
    "segmentation": segmentation_demo,
    "points": points_demo,
    "rects": rects_demo,
    "text": text_demo,
    "obb": obb_demo,
    "mesh": mesh_demo,
    "extension_components": extension_components_demo,
    "log_cleared": log_cleared_demo,
    "view_coordinates": view_coordinates_demo,
    "keypoints": keypoints_demo,
}


def parse_demos(text: str) -> list[str]:
    """``"all"`` or a comma-separated list of demo names."""
    names = list(DEMOS) if text == "all" else [name.strip() for name in text.split(",")]
    unknown = [name for name in names if name not in DEMOS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown demo(s) {', '.join(unknown)}; choose from all, {', '.join(DEMOS)}")
    return names


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A tour of the Rerun logging API.")
    parser.add_argument("--demo", type=parse_demos, default=list(DEMOS), help="all (default) or a comma-separated list")
    rr.script_add_args(parser)
    args = parser.parse_args(argv)

    rr.script_setup(args, "api_demo")
    for name in args.demo:
        DEMOS[name]()
    rr.script_teardown(args)


if __name__ == "__main__":
    main()
