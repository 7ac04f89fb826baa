"""GL scenarios for the scene tests, run in one headless EGL subprocess.

``python _scene_gl_scenarios.py OUT_DIR [name ...]`` renders each scenario and saves what a user
would get (images, pick results, counters) to ``OUT_DIR/<name>.npz``, or the traceback to
``OUT_DIR/<name>.error``. The tests (test_scene_render.py) hold the expectations.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _scene_oracle as oracle  # noqa: E402

from rerun_scene import (  # noqa: E402
    ArrowBatch,
    BoxBatch,
    FrustumBatch,
    ImageBatch,
    LabelBatch,
    LineBatch,
    MeshBatch,
    PointBatch,
    offscreen,
)
from rerun_scene.view2d import SpaceView2D  # noqa: E402
from rerun_scene.view3d import SpaceView3D  # noqa: E402

SCENARIOS = {}


def scenario(fn):
    SCENARIOS[fn.__name__] = fn
    return fn


def pinhole_view(canvas):
    view = SpaceView3D(canvas)
    view.look_through(oracle.PINHOLE_K, oracle.PINHOLE_POSE, oracle.PINHOLE_SIZE)
    return view


@scenario
def points_pinhole():
    canvas = offscreen.create_canvas(oracle.PINHOLE_SIZE)
    view = pinhole_view(canvas)
    view.set_layer("points", PointBatch(oracle.POINTS, colors=oracle.POINT_COLORS, radii=2.5, radius_unit="px"))
    image = offscreen.read_pixels(canvas)
    expected = oracle.pinhole_pixels(oracle.POINTS)
    picks = [view.pick(u, v) for u, v, _ in expected]
    return {
        "image": image,
        "pick_keys": np.array([p.key if p else "" for p in picks]),
        "pick_index": np.array([p.index if p else -1 for p in picks]),
        "pick_empty": np.array(view.pick(2.0, 2.0) is None),
    }


@scenario
def points_world_radius():
    canvas = offscreen.create_canvas(oracle.PINHOLE_SIZE)
    view = pinhole_view(canvas)
    # Two points at different depths with radius 0.1 world units.
    positions = np.array([[-1.0, 0.0, 0.0], [1.0, 4.0, 0.0]], dtype=np.float32)
    view.set_layer("points", PointBatch(positions, colors=[255, 255, 255], radii=0.1))
    # The same kind of point in a layer with a transform (rotate 90 deg about Z, then translate).
    transform = np.array([[0.0, -1.0, 0.0, 0.5], [1.0, 0.0, 0.0, 1.0], [0.0, 0.0, 1.0, -0.5], [0.0, 0.0, 0.0, 1.0]])
    local = np.array([[0.5, 0.5, 0.0]], dtype=np.float32)
    view.set_layer("moved", PointBatch(local, colors=[0, 255, 0], radii=0.1, ids=[99], transform=transform))
    expected = oracle.pinhole_pixels(positions)
    # Picks inside each disc, 70 % of the radius off centre (pixel radius = r * fy / z).
    picks = [view.pick(u + 0.7 * 0.1 * oracle.PINHOLE_K[1, 1] / z, v) for u, v, z in expected]
    moved_world = local @ transform[:3, :3].T + transform[:3, 3]
    um, vm, _ = oracle.pinhole_pixels(moved_world)[0]
    return {"image": offscreen.read_pixels(canvas), "positions": positions, "moved_world": moved_world,
            "picks": np.array([p.index if p else -1 for p in picks]), "pick_moved": np.array(view.pick(um, vm))}


@scenario
def hide_and_remove():
    canvas = offscreen.create_canvas(oracle.PINHOLE_SIZE)
    view = pinhole_view(canvas)
    view.set_layer("red", PointBatch(oracle.POINTS[:1], colors=[255, 0, 0], radii=3, radius_unit="px"))
    view.set_layer("green", PointBatch(oracle.POINTS[1:2], colors=[0, 255, 0], radii=3, radius_unit="px"))
    both = offscreen.read_pixels(canvas)
    view.set_visible("green", False)
    hidden = offscreen.read_pixels(canvas)
    pick_hidden = view.pick(*oracle.pinhole_pixels(oracle.POINTS[1:2])[0, :2])
    view.set_visible("green", True)
    shown = offscreen.read_pixels(canvas)
    view.remove_layer("red")
    removed = offscreen.read_pixels(canvas)
    return {
        "both": both, "hidden": hidden, "shown": shown, "removed": removed,
        "pick_hidden_is_none": np.array(pick_hidden is None), "layers": np.array(view.layers()),
    }


@scenario
def image_2d():
    size = (oracle.IMAGE_W * 20, oracle.IMAGE_H * 20)
    canvas = offscreen.create_canvas(size)
    view = SpaceView2D(canvas)
    view.set_layer("image", ImageBatch(oracle.unique_image()))
    image = offscreen.read_pixels(canvas)
    picks = [
        view.pick(20 * c + 10, 20 * r + 10).index for r in range(oracle.IMAGE_H) for c in range(oracle.IMAGE_W)
    ]
    # A point layer over the image, at image pixel coordinates (x, y) = (2.5, 1.5).
    view.set_layer("point", PointBatch([[2.5, 1.5]], colors=[255, 255, 255], radii=4, radius_unit="px"))
    with_point = offscreen.read_pixels(canvas)
    # A second image over the first (same kind): the one set last is drawn and picked on top.
    view.set_layer("overlay", ImageBatch(np.full((1, 1, 3), 77, np.uint8), corners=[[0, 0], [1, 0], [1, 1], [0, 1]]))
    overlay = offscreen.read_pixels(canvas)
    pick_overlay = view.pick(10, 10)
    return {"image": image, "picks": np.array(picks), "with_point": with_point,
            "pick_point": np.array(view.pick(2.5 * 20, 1.5 * 20).key),
            "scale": np.array(view.camera_state()["scale"]),
            "overlay": overlay, "pick_overlay": np.array([pick_overlay.key, pick_overlay.index])}


@scenario
def view_in_subrect():
    """A 2D view placed by set_rect in the right half of the canvas (how the app lays views out)."""
    canvas = offscreen.create_canvas((200, 100))
    view = SpaceView2D(canvas.scene)
    view.set_rect(100, 0, 100, 100)
    view.set_layer("image", ImageBatch(np.full((10, 10, 3), 255, np.uint8)))
    image = offscreen.read_pixels(canvas)
    return {"image": image, "pick_left": np.array(view.pick(50, 50) is None),
            "pick_right": np.array(view.pick(150, 50).index)}


@scenario
def mesh_triangle():
    canvas = offscreen.create_canvas(oracle.PINHOLE_SIZE)
    view = pinhole_view(canvas)
    vertices = np.array([[-1.5, 0.0, -1.0], [1.5, 1.0, -0.5], [0.0, 0.5, 1.2]], dtype=np.float32)
    view.set_layer("tri", MeshBatch(vertices, albedo=[255, 128, 0], shading=False))
    image = offscreen.read_pixels(canvas)
    centroid = oracle.pinhole_pixels(vertices.mean(axis=0, keepdims=True))[0]
    pick = view.pick(centroid[0], centroid[1])
    return {"image": image, "vertices": vertices, "pick_key": np.array(pick.key if pick else ""),
            "pick_index": np.array(pick.index if pick else -1)}


@scenario
def lines_boxes_arrows_frustum():
    canvas = offscreen.create_canvas(oracle.PINHOLE_SIZE)
    view = pinhole_view(canvas)
    view.set_layer("box", BoxBatch([[0.5, 0.5, 0.5]], centers=[[-1.0, 1.0, 0.0]], colors=[255, 255, 0], ids=[42]))
    view.set_layer("arrow", ArrowBatch([[0.0, 0.0, 1.0]], origins=[[1.2, 0.0, -0.8]], colors=[0, 255, 255]))
    view.set_layer("strip", LineBatch.from_strips([[[0.3, 0.0, -1.0], [0.8, 0.0, -1.0]]], colors=[255, 0, 255]))
    view.set_layer("label", LabelBatch(["cam"], [[0.0, 0.0, 1.3]], colors=[255, 255, 255]))
    # A second camera's frustum with an image on its plane, seen by the pinhole.
    pose = oracle.PINHOLE_POSE.copy()  # looks along world +Y like the viewer, 6 units further
    pose[:3, 3] = [0.0, 2.0, -1.2]
    view.set_layer("frustum", FrustumBatch(oracle.PINHOLE_K, oracle.PINHOLE_SIZE, 0.5,
                                           image=np.full((12, 16, 3), 90, np.uint8), transform=pose))
    image = offscreen.read_pixels(canvas)
    box_edge_mid = np.array([[-1.0, 0.5, -0.5]])  # middle of the box's front-bottom edge
    arrow_mid = np.array([[1.2, 0.0, -0.4]])
    strip_mid = np.array([[0.55, 0.0, -1.0]])
    picks = {}
    for name, point in [("box", box_edge_mid), ("arrow", arrow_mid), ("strip", strip_mid)]:
        u, v, _ = oracle.pinhole_pixels(point)[0]
        hit = view.pick(u, v)
        picks[name] = (hit.key, hit.index) if hit else ("", -1)
    return {"image": image, "picks": np.array([f"{k}:{i}" for k, i in picks.values()]),
            "layers": np.array(view.layers())}


@scenario
def orbit_drag():
    size = (200, 150)
    canvas = offscreen.create_canvas(size)
    view = SpaceView3D(canvas)
    points = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], dtype=np.float32)
    view.set_layer("points", PointBatch(points, colors=[[255, 0, 0], [0, 255, 0]], radii=3, radius_unit="px"))
    cam = view.camera

    def state():
        return np.array([*cam.center_point, cam.distance, cam.yaw_deg, cam.pitch_deg, cam.fov_deg])

    images, states = [offscreen.read_pixels(canvas)], [state()]
    backend = canvas._backend  # the same entry points the glfw backend calls for real input

    def move(pos, buttons):
        backend._last_time = 0  # vispy drops moves < 10 ms apart; the app's input patch does this too
        backend._vispy_mouse_move(pos=pos, buttons=buttons, modifiers=())
    # Left-drag 40 px right and 10 px down: rotate.
    backend._vispy_mouse_press(pos=(100, 75), button=1, modifiers=())
    move((120, 80), [1])
    move((140, 85), [1])
    backend._vispy_mouse_release(pos=(140, 85), button=1, modifiers=())
    images.append(offscreen.read_pixels(canvas))
    states.append(state())
    # Right-drag 30 px left: pan.
    backend._vispy_mouse_press(pos=(100, 75), button=2, modifiers=())
    move((70, 75), [2])
    backend._vispy_mouse_release(pos=(70, 75), button=2, modifiers=())
    images.append(offscreen.read_pixels(canvas))
    states.append(state())
    # Two wheel notches toward the scene: zoom in.
    canvas.events.mouse_wheel(pos=(100, 75), delta=(0, 2), modifiers=())
    images.append(offscreen.read_pixels(canvas))
    states.append(state())
    # reset() frames the data again from the default angles.
    view.reset()
    images.append(offscreen.read_pixels(canvas))
    states.append(state())
    return {"images": np.array(images), "states": np.array(states), "points": points,
            "user_moved": np.array(cam.user_moved)}


@scenario
def up_axis_and_focus():
    size = (200, 150)
    canvas = offscreen.create_canvas(size)
    view = SpaceView3D(canvas, up="+Z")
    view.set_layer("p", PointBatch([[0.0, 0.0, 1.0]], colors=[255, 0, 0], radii=3, radius_unit="px"))
    z_up = view.world_to_canvas([[0.0, 0.0, 1.0], [0.0, 0.0, 0.0]])
    view.set_up("-Z")
    z_down = view.world_to_canvas([[0.0, 0.0, 1.0], [0.0, 0.0, 0.0]])
    image_down = offscreen.read_pixels(canvas)
    view.focus([0.0, 0.0, 1.0])
    focused = view.world_to_canvas([[0.0, 0.0, 1.0]])
    import json

    return {"z_up": z_up, "z_down": z_down, "image_down": image_down, "focused": focused,
            "state": np.array(json.dumps(view.camera_state()))}


@scenario
def bad_data():
    canvas = offscreen.create_canvas((120, 90))
    view = SpaceView3D(canvas)
    nan = np.nan
    batches = {
        "nan_points": PointBatch([[0, 0, 0], [nan, 0, 0], [0, np.inf, 0]], colors=[255, 0, 0], radii=[0.05, -1, nan]),
        "empty_points": PointBatch(np.zeros((0, 3))),
        "all_nan_points": PointBatch(np.full((3, 3), nan)),
        "nan_lines": LineBatch([[[0, 0, 0], [1, 0, 0]], [[nan, 0, 0], [0, 1, 0]]], widths=-2),
        "empty_lines": LineBatch.from_strips([]),
        "nan_mesh": MeshBatch([[0, 0, 0], [1, 0, 0], [0, 1, 0], [nan, 0, 0], [1, 1, 0], [0, 1, 1]]),
        "empty_mesh": MeshBatch(np.zeros((0, 3))),
        "bad_boxes": BoxBatch([[0.2, 0.2, 0.2], [nan, 1, 1]], rotations=[[0, 0, 0, 0], [nan, 0, 0, 1]]),
        "empty_boxes": BoxBatch(np.zeros((0, 3))),
        "zero_arrow": ArrowBatch([[0, 0, 0], [nan, 1, 0]]),
        "empty_labels": LabelBatch([], np.zeros((0, 3))),
        "nan_labels": LabelBatch(["a"], [[nan, 0, 0]]),
    }
    for key, batch in batches.items():
        view.set_layer(key, batch)
    image = offscreen.read_pixels(canvas)
    picks = [view.pick(x, y) for x in range(0, 120, 15) for y in range(0, 90, 15)]
    return {"image": image, "n_layers": np.array(len(view.layers())),
            "clamped": np.array(batches["nan_points"].n_clamped),
            "n_picks": np.array(sum(p is not None for p in picks))}


@scenario
def upload_counts():
    canvas = offscreen.create_canvas((64, 48))
    view = SpaceView3D(canvas)
    batch = PointBatch(np.random.default_rng(0).normal(size=(100, 3)))
    results = [view.set_layer("p", batch)]
    offscreen.read_pixels(canvas)
    results.append(view.set_layer("p", batch))  # same object: no upload
    offscreen.read_pixels(canvas)
    counts = [view.layer("p").upload_count]
    results.append(view.set_layer("p", PointBatch(batch.positions)))  # new object: upload
    counts.append(view.layer("p").upload_count)
    # mutate-in-place plus a version bump
    bumped = PointBatch(batch.positions, version=1)
    results.append(view.set_layer("p", bumped))
    object.__setattr__(bumped, "version", 2)
    results.append(view.set_layer("p", bumped))
    counts.append(view.layer("p").upload_count)
    image_batch = ImageBatch(np.zeros((4, 4, 3), np.uint8))
    view.set_layer("img", image_batch)
    view.set_layer("img", image_batch)
    counts.append(view.layer("img").upload_count)
    return {"results": np.array(results), "counts": np.array(counts)}


@scenario
def points_cache():
    """Big-cloud impostor cache: same pixels as direct drawing, re-rendered only on change."""
    from rerun_scene.visuals.points import PointsVisual

    canvas = offscreen.create_canvas((160, 120))
    view = pinhole_view(canvas)
    # A 12 x 9 grid of points, spaced apart on screen, at depths 3..6, and a mesh cutting through.
    xs, zs = np.meshgrid(np.linspace(-1.5, 1.5, 12), np.linspace(-1.0, 1.0, 9))
    ys = np.linspace(-1.0, 2.0, xs.size).reshape(xs.shape)
    grid = np.stack([xs, ys, zs], axis=-1).reshape(-1, 3).astype(np.float32)
    colors = np.random.default_rng(1).integers(0, 256, (grid.shape[0], 4), dtype=np.uint8)
    colors[:, 3] = 255
    mesh = MeshBatch([[-2.0, 0.5, -1.5], [2.0, 0.5, -1.5], [0.0, 0.5, 1.5]], albedo=[255, 128, 0], shading=False)
    images, passes = [], []
    PointsVisual.cache_min_points, PointsVisual.cpu_splat = 1, False
    try:
        view.set_layer("grid", PointBatch(grid, colors=colors, radii=2.0, radius_unit="px"))
        view.set_layer("mesh", mesh)
        points = view.layer("grid").points
        for step in range(3):
            if step == 2:
                view.camera.rotate(25.0, -10.0)  # the camera moved: must re-render
            images.append(offscreen.read_pixels(canvas))
            passes.append(points.cache_passes)
        PointsVisual.cache_min_points = None
        direct = offscreen.read_pixels(canvas)
        # The same frame z-buffered on the CPU (numpy splat) through the cache.
        PointsVisual.cache_min_points, PointsVisual.cpu_splat = 1, True
        gl_uploads_before = points.gl_uploads
        view.set_layer("grid", PointBatch(grid, colors=colors, radii=2.0, radius_unit="px"))
        splat = offscreen.read_pixels(canvas)
        splat_passes = view.layer("grid").points.cache_passes
        splat_gl_uploads = points.gl_uploads - gl_uploads_before
    finally:
        PointsVisual.cache_min_points, PointsVisual.cpu_splat = 50_000, True
    return {"images": np.array(images), "passes": np.array(passes), "direct": direct, "splat": splat,
            "splat_passes": np.array(splat_passes), "grid": grid, "colors": colors,
            "splat_gl_uploads": np.array(splat_gl_uploads), "gl_uploads_before": np.array(gl_uploads_before)}


@scenario
def points_interactive_lod():
    """While only the camera moves, a big cached cloud draws a subset, then refines in full (GL_POINTS)."""
    return _interactive_lod(splat=False)


@scenario
def points_interactive_lod_splat():
    """The same level of detail on the CPU splat path (every k-th point while moving)."""
    return _interactive_lod(splat=True)


def _interactive_lod(splat: bool):
    from rerun_scene.visuals.points import PointsVisual

    canvas = offscreen.create_canvas((160, 120))
    view = pinhole_view(canvas)
    xs, zs = np.meshgrid(np.linspace(-1.5, 1.5, 12), np.linspace(-1.0, 1.0, 9))
    grid = np.stack([xs, np.zeros_like(xs), zs], axis=-1).reshape(-1, 3).astype(np.float32)
    PointsVisual.cache_min_points, PointsVisual.interactive_max_points = 1, 30
    PointsVisual.cpu_splat = splat
    images, passes = [], []
    try:
        view.set_layer("grid", PointBatch(grid, colors=[255, 255, 255], radii=2.0, radius_unit="px"))
        points = view.layer("grid").points
        images.append(offscreen.read_pixels(canvas))  # new data: full
        passes.append(points.cache_passes)
        view.camera.rotate(10.0, 0.0)
        for _ in range(3):  # moved: coarse; unchanged: refined in full; unchanged: cached
            images.append(offscreen.read_pixels(canvas))
            passes.append(points.cache_passes)
        PointsVisual.cache_min_points = PointsVisual.interactive_max_points = None
        direct = offscreen.read_pixels(canvas)
    finally:
        PointsVisual.cache_min_points, PointsVisual.interactive_max_points = 50_000, None
        PointsVisual.cpu_splat = True
    return {"images": np.array(images), "passes": np.array(passes), "direct": direct}


@scenario
def world_radius_splat():
    """World-unit radii through the CPU splat vs GL_POINTS (footprints of 1-3 px)."""
    from rerun_scene.visuals.points import PointsVisual

    rng = np.random.default_rng(2)
    positions = rng.uniform([-1.5, -1.0, -1.0], [1.5, 3.0, 1.0], size=(400, 3)).astype(np.float32)
    colors = rng.integers(0, 256, (400, 4), dtype=np.uint8)
    colors[:, 3] = 255
    radii = rng.uniform(0.004, 0.04, 400).astype(np.float32)
    images = {}
    for splat in (True, False):
        PointsVisual.cache_min_points, PointsVisual.cpu_splat = 1, splat
        canvas = offscreen.create_canvas(oracle.PINHOLE_SIZE)
        view = pinhole_view(canvas)
        view.set_layer("cloud", PointBatch(positions, colors=colors, radii=radii))
        images[splat] = offscreen.read_pixels(canvas)
        images[f"gl_uploads_{splat}"] = np.array(view.layer("cloud").points.gl_uploads)
        canvas.close()
    PointsVisual.cache_min_points, PointsVisual.cpu_splat = 50_000, True
    return {"splat": images[True], "gl": images[False], "colors": colors,
            "splat_gl_uploads": images["gl_uploads_True"]}


@scenario
def splat_in_a_sub_view():
    """A CPU-splatted cloud in a view covering part of the canvas, zoomed so it overflows the view; then the view
    moves (new rectangle, same textures), then the same frame by GL and by the numpy twin."""
    import rerun_kernels
    from rerun_scene.visuals.points import PointsVisual

    rng = np.random.default_rng(3)
    positions = rng.uniform(-1.0, 1.0, size=(3000, 3)).astype(np.float32)
    colors = rng.integers(0, 256, (3000, 4), dtype=np.uint8)
    colors[:, 3] = 255
    rects = [(60, 30, 100, 90), (10, 40, 80, 80)]
    out = {"rects": np.array(rects), "colors": colors}
    PointsVisual.cache_min_points, PointsVisual.cpu_splat = 1, True
    try:
        canvas = offscreen.create_canvas((200, 150))
        view = SpaceView3D(canvas)
        view.set_rect(*rects[0])
        view.set_layer("cloud", PointBatch(positions, colors=colors, radii=1.5, radius_unit="px"))
        view.reset()
        view.camera.distance *= 0.4  # the cloud now reaches past the view's edges
        view.camera.view_changed()
        out["first"] = offscreen.read_pixels(canvas)
        view.set_rect(*rects[1])
        out["moved"] = offscreen.read_pixels(canvas)
        with rerun_kernels.use_backend("numpy"):
            view.set_layer("cloud", PointBatch(positions, colors=colors, radii=1.5, radius_unit="px"))
            out["moved_numpy"] = offscreen.read_pixels(canvas)
        PointsVisual.cpu_splat = False
        view.set_layer("cloud", PointBatch(positions, colors=colors, radii=1.5, radius_unit="px"))
        out["moved_gl"] = offscreen.read_pixels(canvas)
        out["splat_gl_uploads"] = np.array(view.layer("cloud").points.gl_uploads)
        canvas.close()
    finally:
        PointsVisual.cache_min_points, PointsVisual.cpu_splat = 50_000, True
    return out


@scenario
def solid_arrow_and_labels():
    """An arrow with a world radius (shaft + cone head) and labels centred below their anchors."""
    canvas = offscreen.create_canvas(oracle.PINHOLE_SIZE)
    view = pinhole_view(canvas)
    view.set_layer("arrow", ArrowBatch([[2.0, 0.0, 0.0]], origins=[[-1.0, 0.0, 0.0]], colors=[255, 0, 0],
                                       radii=oracle.ARROW_RADIUS))
    view.set_layer("thin", ArrowBatch([[2.0, 0.0, 0.0]], origins=[[-1.0, 0.0, 0.6]], colors=[0, 0, 255]))
    view.set_layer("labels", LabelBatch(["label", "two"], oracle.LABEL_ANCHORS,
                                        colors=[[0, 255, 0, 255], [255, 255, 0, 255]]))
    image = offscreen.read_pixels(canvas)
    u, v, _ = oracle.pinhole_pixels([[0.0, 0.0, 0.0]])[0]
    return {"image": image, "pick_shaft_edge": np.array(view.pick(u, v + 0.8 * oracle.ARROW_RADIUS * 150 / 4))}


@scenario
def stacked_images():
    """Two images on one plane: Rerun 0.4's stacking keeps both visible; hiding the top one leaves the other."""
    canvas = offscreen.create_canvas((80, 60))
    view = SpaceView2D(canvas)
    view.set_layer("a", ImageBatch(np.full((6, 8, 3), oracle.STACK_A, np.uint8)))
    view.set_layer("b", ImageBatch(np.full((6, 8, 3), oracle.STACK_B, np.uint8)))
    plain = offscreen.read_pixels(canvas)
    view.stack_images(["a", "b"])
    stacked = offscreen.read_pixels(canvas)
    view.set_visible("b", False)
    view.stack_images(["a"])
    alone = offscreen.read_pixels(canvas)
    return {"plain": plain, "stacked": stacked, "alone": alone}


def main(argv):
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    names = argv[2:] or list(SCENARIOS)
    for name in names:
        try:
            result = SCENARIOS[name]()
            np.savez(out / f"{name}.npz", **result)
        except Exception:  # noqa: BLE001 - report every scenario's failure to its test
            (out / f"{name}.error").write_text(traceback.format_exc())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
