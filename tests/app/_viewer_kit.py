"""Builders of small recordings for the viewer tests: LOG batches in the wire layout, fed to the real store."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from rerun import components as C
from rerun.wire.log_table import build_log_batch
from rerun_app.store import StoreHub

RECORDING_ID = "viewer-test"


def cells(instances: pa.Array) -> pa.Array:
    """Wrap one row's instances into a one-cell ``list<T>`` column."""
    return pa.ListArray.from_arrays(pa.array([0, len(instances)], pa.int32()), instances)


def log_row(hub: StoreHub, entity_path: str, components: dict[str, pa.Array], frame: int | None = None) -> None:
    """Add one log call on ``entity_path`` at ``frame`` (None: timeless) to the hub's store."""
    timelines = {} if frame is None else {("frame", "sequence"): [frame]}
    batch = build_log_batch(entity_path, RECORDING_ID, timelines, {k: cells(v) for k, v in components.items()})
    hub.add_log_batch(entity_path, batch, RECORDING_ID)


def points3d(positions, colors=None, radii=None, labels=None) -> dict[str, pa.Array]:
    comps = {"rerun.point3d": C.fixed_size_list(np.asarray(positions, np.float32))}
    if colors is not None:
        comps["rerun.colorrgba"] = C.fixed_size_list(np.asarray(colors, np.uint8))
    if radii is not None:
        comps["rerun.radius"] = C.primitive(np.asarray(radii, np.float32))
    if labels is not None:
        comps["rerun.label"] = C.strings(list(labels))
    return comps


def points2d(positions, colors=None) -> dict[str, pa.Array]:
    comps = {"rerun.point2d": C.fixed_size_list(np.asarray(positions, np.float32))}
    if colors is not None:
        comps["rerun.colorrgba"] = C.fixed_size_list(np.asarray(colors, np.uint8))
    return comps


def image(array: np.ndarray, meaning: str = "unknown", meter: float | None = None) -> dict[str, pa.Array]:
    array = np.ascontiguousarray(array)
    return {
        "rerun.tensor": C.tensor_array(array, shape=array.shape, dtype=array.dtype.name, meaning=meaning, meter=meter,
                                 tensor_id=bytes(16))
    }


def pinhole(fx: float, fy: float, cx: float, cy: float, width: int, height: int) -> dict[str, pa.Array]:
    k = np.array([[fx, 0, cx], [0, fy, cy], [0, 0, 1]], np.float32)
    return {"rerun.transform": C.transform("pinhole", image_from_cam=k.ravel(), resolution=np.array([width, height]))}


def rigid3(translation, rotation_xyzw=(0, 0, 0, 1)) -> dict[str, pa.Array]:
    return {"rerun.transform": C.transform("rigid3", rotation=np.asarray(rotation_xyzw, np.float32),
                                           translation=np.asarray(translation, np.float32))}


def new_hub() -> StoreHub:
    hub = StoreHub()
    hub.begin_recording({"recording_id": RECORDING_ID, "application_id": "viewer-tests"})
    return hub


# -- scenarios shared by the window tests (run inside the viewer subprocess) ------------------------------------
CLOUD = np.array([[-2, 0, 0], [2, 0, 0], [0, 2, 0], [0, -2, 1]], np.float32)
CLOUD_COLORS = np.array([[255, 30, 30, 255], [30, 255, 30, 255], [40, 40, 255, 255], [255, 255, 0, 255]], np.uint8)
FRAME_COLORS = {1: (220, 20, 20), 2: (20, 220, 20), 3: (20, 20, 220)}


def scenario_cloud_and_image(hub: StoreHub) -> None:
    """A static 4-point cloud in 3D and a 2D image whose colour changes per frame (1: red, 2: green, 3: blue)."""
    log_row(hub, "world/points", points3d(CLOUD, colors=CLOUD_COLORS, radii=[0.35] * len(CLOUD)), frame=1)
    # bad data in another entity must only produce a warning on it
    log_row(hub, "world/bad", points3d([[np.nan, 0, 0], [0, 0, 0]], radii=[-1.0, -2.0]), frame=1)
    for frame, rgb in FRAME_COLORS.items():
        log_row(hub, "image", image(np.broadcast_to(np.array(rgb, np.uint8), (40, 60, 3)).copy()), frame=frame)


CAMERA_RGB = (30, 200, 90)


def scenario_camera(hub: StoreHub) -> None:
    """A pinhole camera 5 m above the origin looking down (-Z) at a plane 2 m away, seen as depth + RGB."""
    log_row(hub, "world/cam", rigid3([0, 0, 5], (1, 0, 0, 0)), frame=None)  # 180° about X: camera +Z → world -Z
    log_row(hub, "world/cam/image", pinhole(60, 60, 40, 30, 80, 60), frame=None)
    log_row(hub, "world/cam/image/depth", image(np.full((60, 80), 2000, np.uint16), "depth", 1000.0), frame=1)
    log_row(hub, "world/cam/image/rgb", image(np.broadcast_to(np.array(CAMERA_RGB, np.uint8), (60, 80, 3)).copy()),
            frame=1)
    log_row(hub, "world/marker", points3d([[30, 30, 0]], colors=[[255, 0, 255, 255]], radii=[0.5]), frame=1)


def run_window(display: str, scenario: str, steps: list, out_dir, size: str = "1200x800", timeout: float = 120):
    """Start the real viewer window on ``display`` with a scripted input run; returns the CompletedProcess."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    out_dir = Path(out_dir)
    script = out_dir / "steps.json"
    script.write_text(json.dumps(steps))
    code = (
        "import sys, types; sys.path.insert(0, %r)\n"
        "import _viewer_kit as kit\n"
        "hub = kit.new_hub(); kit.%s(hub)\n"
        "import rerun_app.viewer as v\n"
        "sys.exit(v.run(types.SimpleNamespace(screenshot=None, size=%r), hub))\n"
    ) % (str(Path(__file__).parent), scenario, size)
    env = dict(os.environ, DISPLAY=display, RERUN_VIEWER_SCRIPT=str(script), RERUN_VIEWER_SCRIPT_OUT=str(out_dir))
    env.pop("RERUN_GL_BACKEND", None)
    env.pop("EGL_PLATFORM", None)
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=timeout)


# A recording with every kind of view: text, plots, a bar chart, a tensor, a 3D world, an image, a detached space.
MIXED_WORLD_RGB = (255, 140, 0)
MIXED_DETACHED_RGB = (40, 230, 40)
MIXED_IMAGE_LEFT, MIXED_IMAGE_RIGHT = (230, 30, 30), (30, 30, 230)
MIXED_IMAGE_SHAPE = (120, 160)  # rows, columns


def scenario_mixed(hub: StoreHub) -> None:
    """Each entity below gets its own space view (7 in all) from the view heuristics."""
    from rerun import components as C

    for f in range(3):
        log_row(hub, "logs", {"rerun.text_entry": C.text_entries(f"step {f}", "INFO")}, frame=f)
        log_row(hub, "plots/sin", {"rerun.scalar": C.primitive(np.array([np.sin(f)]))}, frame=f)
    log_row(hub, "bars", image(np.array([1.0, 3.0, 2.0, 5.0, 4.0], np.float32)), frame=0)
    log_row(hub, "tensor", image(np.random.default_rng(0).random((4, 5, 6)).astype(np.float32)), frame=0)
    rng = np.random.default_rng(1)
    world = rng.normal(size=(60, 3)).astype(np.float32)
    log_row(hub, "world/points", points3d(world, colors=[[*MIXED_WORLD_RGB, 255]] * 60, radii=[0.12] * 60), frame=0)
    h, w = MIXED_IMAGE_SHAPE
    img = np.zeros((h, w, 3), np.uint8)
    img[:, : w // 2] = MIXED_IMAGE_LEFT
    img[:, w // 2 :] = MIXED_IMAGE_RIGHT
    log_row(hub, "image", image(img), frame=0)
    log_row(hub, "detached", {"rerun.transform": C.transform("unknown")}, frame=None)
    det = rng.normal(size=(40, 3)).astype(np.float32)
    log_row(hub, "detached/pts", points3d(det, colors=[[*MIXED_DETACHED_RGB, 255]] * 40, radii=[0.12] * 40), frame=0)


LINE_STRIPS = [np.array([[-2, 0, 0], [0, 0, 0], [0, 2, 0]], np.float32),
               np.array([[1, -1, 0], [2, 1, 0.5], [2.5, -1.5, 1]], np.float32)]
LINE_COLORS = np.array([[0, 160, 255, 255], [255, 60, 200, 255]], np.uint8)


def scenario_lines(hub: StoreHub) -> None:
    """Two 3D line strips (instances 0 and 1) with their own colours."""
    from rerun import components as C

    log_row(hub, "world/strips", {"rerun.linestrip3d": C.line_strips(LINE_STRIPS, 3),
                                  "rerun.colorrgba": C.fixed_size_list(LINE_COLORS)}, frame=1)


# A small depth image under a pinhole at the world origin (camera frame = world frame), each pixel its own depth
DEPTH_K = (8.0, 8.0, 4.0, 3.0)  # fx, fy, cx, cy
DEPTH_IMAGE = (1500 + 50 * np.arange(8)[None, :] + 100 * np.arange(6)[:, None]).astype(np.uint16)  # 8 x 6 px, mm
DEPTH_METER = 1000.0


def depth_cloud_point(column: int, row: int) -> list[float]:
    """Where the viewer back-projects depth pixel (column, row) of ``scenario_depth_cloud``: K^-1 (u, v, 1) z at the
    pixel's centre (u, v) = (column + 0.5, row + 0.5), as the original does."""
    fx, fy, cx, cy = DEPTH_K
    z = float(DEPTH_IMAGE[row, column]) / DEPTH_METER
    return [(column + 0.5 - cx) / fx * z, (row + 0.5 - cy) / fy * z, z]


def scenario_depth_cloud(hub: StoreHub) -> None:
    """A depth image under a pinhole: shown in 3D as a back-projected cloud."""
    log_row(hub, "world/cam", rigid3([0, 0, 0]), frame=None)
    h, w = DEPTH_IMAGE.shape
    log_row(hub, "world/cam/image", pinhole(*DEPTH_K, w, h), frame=None)
    log_row(hub, "world/cam/image/depth", image(DEPTH_IMAGE, "depth", DEPTH_METER), frame=1)


# A closed tetrahedron (outward faces), a dull colour that a white or orange outline stands out from
MESH_VERTICES = np.array([[0.0, 0.0, 0.0], [2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 2.0]], np.float32)
MESH_TRIANGLES = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]], np.uint32)
MESH_ALBEDO = (70, 90, 160, 255)


def scenario_mesh(hub: StoreHub) -> None:
    """One raw mesh (instance 0) and a point far from it."""
    from rerun import components as C

    mesh = {"mesh_id": bytes(16), "positions": MESH_VERTICES.reshape(-1), "indices": MESH_TRIANGLES.reshape(-1),
            "albedo_factor": [c / 255 for c in MESH_ALBEDO]}
    log_row(hub, "world/mesh", {"rerun.mesh3d": C.meshes([mesh])}, frame=1)
    log_row(hub, "world/marker", points3d([[-3.0, -3.0, 0.0]], colors=[[255, 0, 255, 255]], radii=[0.2]), frame=1)


# Two labelled, coloured scalar series (radius 3) that run from the plot's bottom-left to its top-right corner, so
# the other two corners show only what the plot draws there (its legend).
SCALAR_COLOURS = {"plots/rise": (255, 120, 0, 255), "plots/wave": (0, 160, 255, 255)}
SCALAR_FRAMES = 20


def scalar_value(path: str, frame: int) -> float:
    """The value ``scenario_scalars`` logs on ``path`` at ``frame``."""
    value = frame / (SCALAR_FRAMES - 1)
    return value + 0.15 * float(np.sin(frame)) if path.endswith("wave") else value


def scenario_scalars(hub: StoreHub) -> None:
    for path, colour in SCALAR_COLOURS.items():
        for f in range(SCALAR_FRAMES):
            comps = {C.SCALAR: C.primitive(np.array([scalar_value(path, f)]))}
            if f == 0:
                comps[C.COLOR] = C.fixed_size_list(np.array([colour], np.uint8))
                comps[C.RADIUS] = C.primitive(np.array([3.0], np.float32))
                comps[C.LABEL] = C.strings([path.rsplit("/", 1)[-1]])
            log_row(hub, path, comps, frame=f)


# A 3D world with a camera and its image, plots and a text log: the Blueprint panel's tree of views.
BLUEPRINT_POINTS_RGB = (255, 140, 0)
BLUEPRINT_IMAGE_RGB = (40, 220, 90)


def scenario_blueprint(hub: StoreHub) -> None:
    """Views: 3D (world/points, the camera world/camera and its image), the camera's 2D view (the image), a time
    series (plots/sin, plots/cos) and a text log (logs/app)."""
    from rerun import components as C

    rng = np.random.default_rng(3)
    pts = rng.uniform(-1, 1, size=(80, 3)).astype(np.float32) + np.float32([0, 0, 3])
    log_row(hub, "world/points", points3d(pts, colors=[[*BLUEPRINT_POINTS_RGB, 255]] * 80, radii=[0.05] * 80), frame=0)
    log_row(hub, "world/camera", pinhole(40, 40, 40, 30, 80, 60), frame=None)
    log_row(hub, "world/camera/image",
            image(np.broadcast_to(np.array(BLUEPRINT_IMAGE_RGB, np.uint8), (60, 80, 3)).copy()), frame=0)
    for f in range(5):
        log_row(hub, "plots/sin", {"rerun.scalar": C.primitive(np.array([np.sin(f)]))}, frame=f)
        log_row(hub, "plots/cos", {"rerun.scalar": C.primitive(np.array([np.cos(f)]))}, frame=f)
        log_row(hub, "logs/app", {"rerun.text_entry": C.text_entries(f"step {f}", "INFO")}, frame=f)


BAR_HEIGHTS = (1.0, 3.0, -2.0, 5.0, 4.0, 0.5, 2.5, 3.5)


def scenario_bars(hub: StoreHub) -> None:
    """One 1-D tensor (a bar chart) logged at frame 1."""
    log_row(hub, "bars", image(np.array(BAR_HEIGHTS, np.float32)), frame=1)
