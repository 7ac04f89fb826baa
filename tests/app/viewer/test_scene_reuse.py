"""A viewer with ``reuse_unchanged_scene`` (the web viewer's) draws the space views only when they changed: a frame
where only the ImGui chrome changed puts back the last scene picture, and the whole frame equals a full render.
Each change that alters the scene (new data, hiding an entity, the camera, the canvas size) renders it again."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from gl_support import headless_gl_env

pytestmark = pytest.mark.gl

KIT_DIR = Path(__file__).parent.parent  # tests/app, where _viewer_kit.py is (a child process puts it on sys.path)
CHILD = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import numpy as np
from rerun_app.viewer.gl_setup import choose_backend
choose_backend(headless=True)
import _viewer_kit as kit
from imgui_bundle import imgui
from rerun_app.viewer.viewer import Viewer

hub = kit.new_hub()
kit.scenario_cloud_and_image(hub)
v = Viewer(hub, size=(1000, 700), headless=True, reuse_unchanged_scene=True)
canvas = v.canvas

def frames(n=1, capture=False):
    for i in range(n):
        v.poll(); v.request_redraw(1)
        canvas.capture_next_frame = capture and i == n - 1
        v.draw_frame()
    return canvas.last_image[..., :3].astype(int) if capture else None

out = {}
frames(6)
full = frames(1, capture=True)
renders = canvas.scene_renders
for i in range(12):  # hover over the entity panel: ImGui highlights items, the views stay as they are
    imgui.get_io().add_mouse_pos_event(20.0 + 10 * i, 60.0 + 20 * i)
    frames()
imgui.get_io().add_mouse_pos_event(5.0, 690.0)
reused = frames(2, capture=True)
out["hover"] = canvas.scene_renders - renders
out["hover_reused"] = not canvas.last_frame_rendered_scene
canvas.mark_scene_changed()
rendered = frames(1, capture=True)  # the same frame, with the views drawn
out["reused_vs_full_render"] = int(np.abs(reused - rendered).max())
out["view_rects"] = v.view_rects
out["unchanged_vs_start"] = float((np.abs(reused - full).max(axis=-1) > 0).mean())

def renders_after(change):
    image_before = frames(1, capture=True)
    before = canvas.scene_renders
    change()
    image = frames(2, capture=True)
    if image.shape != image_before.shape:
        return {"renders": canvas.scene_renders - before, "changed": 1.0, "shape": list(image.shape)}
    return {"renders": canvas.scene_renders - before, "changed": float((np.abs(image - image_before).max(axis=-1) > 0).mean())}

host_3d = next(h for s, h in v.views.items() if s.kind == "3d")
def drag_camera():  # as a mouse drag does: the user placed the camera, so hiding below does not re-fit it
    host_3d.scene_view.camera.user_moved = True
    host_3d.scene_view.camera.rotate(60, 0)
out["camera"] = renders_after(drag_camera)
camera_before_hide = host_3d.camera_state()
out["hide"] = renders_after(lambda: v.state.set_visible("world/points", False))  # only a layer removed
out["hide_kept_camera"] = host_3d.camera_state() == camera_before_hide
out["data"] = renders_after(lambda: kit.log_row(hub, "world/more", kit.points3d([[0, 0, 3]], colors=[[255, 0, 255, 255]],
                                                                              radii=[0.5]), frame=3))
def resize():  # as the web viewer's RemoteInput.resize does (vispy's EGL backend emits no resize event itself)
    canvas.size = (900, 650)
    canvas.events.resize(size=(900, 650), physical_size=(900, 650))
out["resize"] = renders_after(resize)
v.close()
print(json.dumps(out))
"""


def test_ui_only_frames_reuse_the_scene_and_scene_changes_render_it(egl_available):
    result = subprocess.run([sys.executable, "-c", CHILD, str(KIT_DIR)], env=headless_gl_env(), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["hover"] == 0, f"{out['hover']} hover frames re-rendered the unchanged views"
    assert out["hover_reused"]
    assert out["reused_vs_full_render"] <= 2, "the reused scene picture differs from a full render of the same frame"
    assert out["unchanged_vs_start"] < 0.05  # only the panels' hover highlights moved
    assert out["resize"]["shape"] == [650, 900, 3]
    assert out["hide_kept_camera"]  # the hide changed nothing but the layers: their removal alone re-renders
    for change in ("camera", "hide", "data", "resize"):
        assert out[change]["renders"] >= 1, f"{change}: the scene was not rendered again ({out[change]})"
        assert out[change]["changed"] > 0.0005, f"{change}: the picture did not change ({out[change]})"
