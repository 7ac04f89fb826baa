"""Looking through a logged pinhole camera in the 3D view shows what that camera sees; Escape leaves it."""

from __future__ import annotations

import json

import numpy as np
import pytest
from _viewer_kit import CAMERA_RGB, run_window
from rerun_app.views.heuristics import SpaceViewSpec

pytestmark = pytest.mark.gl

VIEW_3D = SpaceViewSpec("3d", "/").name


def test_look_through_a_camera_fills_the_view_with_its_picture(xvfb_display, tmp_path):
    import imageio.v3 as iio

    steps = [
        {"wait_entities": 5, "timeout": 20},
        {"frames": 3},
        {"snapshot": "free"},
        {"look_through": "world/cam/image"},
        {"snapshot": "through"},
        {"move": [5, 5]},  # over a panel: the Escape key is not captured by a text field
        {"key": "ESCAPE"},
        {"snapshot": "left"},
    ]
    result = run_window(xvfb_display, "scenario_camera", steps, tmp_path, size="1100x700")
    assert result.returncode == 0, result.stderr[-3000:]
    shots = {n: (iio.imread(tmp_path / f"{n}.png"), json.loads((tmp_path / f"{n}.json").read_text()))
             for n in ("free", "through", "left")}
    img, state = shots["through"]
    assert state["views"][VIEW_3D]["camera"]["looking_through"]
    vx, vy, vw, vh = state["views"][VIEW_3D]["rect"]
    # the camera's 80x60 picture, fitted whole into the view (letterboxed where the view's aspect differs)
    scale = min(vw / 80, vh / 60)
    w, h = int(80 * scale), int(60 * scale)
    x, y = int(round(vx + (vw - w) / 2)), int(round(vy + (vh - h) / 2))
    inner = img[y + h // 4 : y + 3 * h // 4, x + w // 4 : x + 3 * w // 4, :3].reshape(-1, 3).astype(int)
    share = (np.abs(inner - CAMERA_RGB) <= 30).all(axis=1).mean()
    assert share > 0.9, share  # the camera's picture (its coloured depth plane) fills the view
    free_img, _ = shots["free"]
    free_inner = free_img[y + h // 4 : y + 3 * h // 4, x + w // 4 : x + 3 * w // 4, :3].reshape(-1, 3).astype(int)
    assert (np.abs(free_inner - CAMERA_RGB) <= 30).all(axis=1).mean() < share
    assert not shots["left"][1]["views"][VIEW_3D]["camera"]["looking_through"]


def test_image_plane_distance_is_5_percent_of_the_scene_and_editable_per_camera(xvfb_display, tmp_path):
    """Rerun 0.4: a frustum's image plane at 5 % of the scene size by default; the selection panel edits it."""
    steps = [
        {"wait_entities": 5, "timeout": 20},
        {"frames": 3},
        {"click_item": "tree-label:world/cam/image"},
        {"frames": 3},
        {"snapshot": "default"},
        {"drag": [{"item": "image-plane-distance:world/cam/image", "at": [0.5, 0.5]},
                  {"item": "image-plane-distance:world/cam/image", "at": [0.5, 0.5]}],
         "relative_to_start": [120, 0], "steps": 12},
        {"frames": 3},
        {"snapshot": "edited"},
    ]
    result = run_window(xvfb_display, "scenario_camera", steps, tmp_path, size="1100x700")
    assert result.returncode == 0, result.stderr[-3000:]
    default = json.loads((tmp_path / "default.json").read_text())["views"][VIEW_3D]
    edited = json.loads((tmp_path / "edited.json").read_text())["views"][VIEW_3D]
    planes = default["image_planes"]["world/cam/image"]
    # the scene: the marker point at (30, 30, 0) (radius 0.5), the camera 5 m above the origin, its depth plane
    # 2 m below it; the scene's diagonal is at least the marker's distance from the camera
    assert 0.05 * np.linalg.norm([30, 30, 5]) * 0.9 <= planes <= 0.05 * 2 * np.linalg.norm([31, 31, 6])
    assert edited["image_planes"]["world/cam/image"] > 1.2 * planes  # dragged right: farther
