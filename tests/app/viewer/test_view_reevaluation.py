"""Space views follow the data's structure: a pinhole logged later on a path that already had data (no new
entity) gets its 2D view, docked beside the existing 3D view rather than hidden behind it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from gl_support import headless_gl_env

pytestmark = pytest.mark.gl

HERE = Path(__file__).parent
KIT_DIR = HERE.parent  # tests/app, where _viewer_kit.py is (a child process puts it on sys.path)
CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
import numpy as np
from rerun_app.viewer.gl_setup import choose_backend
choose_backend(headless=True)
import _viewer_kit as kit
from rerun_app.viewer import view_sync
from rerun_app.viewer.viewer import Viewer

def views(v):
    return {s.name: {"kind": s.kind, "root": s.root, "rect": h.rect, "visible": h.visible,
                                     "layers": sorted(f"{p}|{n}" for p, n in h.shown_layers())}
            for s, h in v.views.items()}

hub = kit.new_hub()
kit.log_row(hub, "world/cam", kit.points3d([[0, 0, 0], [1, 0, 0]]), frame=1)
kit.log_row(hub, "world/cam/image", kit.image(np.full((30, 40, 3), 200, np.uint8)), frame=1)
v = Viewer(hub, size=(1000, 700), headless=True)
for _ in range(4):
    v.poll(); v.draw_frame()
before = views(v)
kit.log_row(hub, "world/cam", kit.pinhole(40, 40, 20, 15, 40, 30), frame=2)
time.sleep(view_sync.VIEW_RECHECK_SECONDS + 0.05)
for _ in range(4):
    v.poll(); v.draw_frame()
after = views(v)
v.close()
print(json.dumps({"before": before, "after": after}))
"""


def test_a_pinhole_logged_later_on_an_existing_path_gets_its_2d_view(egl_available):
    result = subprocess.run([sys.executable, "-c", CHILD, str(KIT_DIR)], env=headless_gl_env(), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    state = json.loads(result.stdout.strip().splitlines()[-1])
    before, after = state["before"], state["after"]
    assert not any(v["kind"] == "2d" and v["root"] == "world/cam" for v in before.values())
    cam_2d = [v for v in after.values() if v["kind"] == "2d" and v["root"] == "world/cam"]
    assert len(cam_2d) == 1
    assert "world/cam/image|image" in cam_2d[0]["layers"]
    view_3d = next(v for v in after.values() if v["kind"] == "3d")
    assert view_3d["visible"] and cam_2d[0]["visible"]
    r3, r2 = view_3d["rect"], cam_2d[0]["rect"]
    side_by_side = r3[0] + r3[2] <= r2[0] or r2[0] + r2[2] <= r3[0]
    stacked = r3[1] + r3[3] <= r2[1] or r2[1] + r2[3] <= r3[1]
    assert side_by_side or stacked, f"the views overlap (tabbed?): {r3} {r2}"
    # the camera's picture now sits in the 3D view on its image plane, under the pinhole
    assert "world/cam|frustum" in view_3d["layers"]
