"""``log_view_coordinates``: the logged up axis points up on screen and the right axis to the right.

Every valid ``xyz`` code (all six up axes, both handednesses) and every ``up=`` form is checked against the 3D
view's camera; a few are also rendered end to end (SDK component → viewer → pixels).
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from gl_support import headless_gl_env

from rerun.log.transform import view_coordinates_code
from rerun_app.viewer.view_coordinates import right_axis, up_axis

HERE = Path(__file__).parent
KIT_DIR = HERE.parent  # tests/app, where _viewer_kit.py is (a child process puts it on sys.path)
_LETTER_AXIS = {"R": (0, 1), "L": (0, -1), "U": (1, 1), "D": (1, -1), "B": (2, 1), "F": (2, -1)}
_PAIRS = ("RL", "UD", "FB")


def _all_xyz_codes() -> list[str]:
    """Every assignment of one letter of each pair (Right/Left, Up/Down, Forward/Back) to X, Y, Z: 48 codes."""
    codes = []
    for order in itertools.permutations(range(3)):
        for signs in itertools.product((0, 1), repeat=3):
            codes.append("".join(_PAIRS[order[i]][signs[i]] for i in range(3)))
    return codes


def _world_vector(xyz: str, letters: str) -> np.ndarray:
    """World direction that ``xyz`` calls ``letters[0]`` (or minus the one it calls ``letters[1]``)."""
    for axis, ch in enumerate(xyz):
        if ch in letters:
            v = np.zeros(3)
            v[axis] = 1.0 if ch == letters[0] else -1.0
            return v
    raise AssertionError(f"{xyz} names none of {letters}")


def _screen_directions(code: bytes) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray | None]:
    """(screen delta of world up, of world right) as the 3D view's default camera draws them, plus the world
    vectors themselves."""
    from rerun_scene.cameras import AXIS_VECTORS, OrbitCamera
    from rerun_scene import geometry

    up, right = up_axis(code), right_axis(code)
    camera = OrbitCamera()
    camera.set_up(up, right)
    camera.fit(-np.ones(3), np.ones(3))
    matrix = camera.viewbox_from_world()
    up_v = AXIS_VECTORS[up]
    right_v = None if right is None else AXIS_VECTORS[right]
    probes = [np.zeros(3), 0.5 * up_v] + ([] if right_v is None else [0.5 * right_v])
    projected, _ = geometry.project(matrix, np.array(probes))
    screen = projected[:, :2] - projected[0, :2]
    return screen[1], (None if right_v is None else screen[2]), up_v, right_v


@pytest.mark.parametrize("xyz", _all_xyz_codes())
def test_every_xyz_code_shows_its_up_axis_up_and_its_right_axis_right(xyz):
    code = view_coordinates_code(xyz=xyz, up="", right_handed=None)
    up_screen, right_screen, up_v, right_v = _screen_directions(code)
    np.testing.assert_array_equal(up_v, _world_vector(xyz, "UD"))
    np.testing.assert_array_equal(right_v, _world_vector(xyz, "RL"))
    # screen y grows downwards: "up" is a negative dy, and vertical
    assert up_screen[1] < 0 and abs(up_screen[0]) < 1e-6 * max(1.0, abs(up_screen[1])), (xyz, up_screen)
    assert right_screen[0] > 0 and right_screen[0] > abs(right_screen[1]), (xyz, right_screen)


@pytest.mark.parametrize("up, right_handed", [(u, h) for u in ("+X", "-X", "+Y", "-Y", "+Z", "-Z")
                                              for h in (True, False)])
def test_up_argument_shows_that_axis_up(up, right_handed):
    code = view_coordinates_code(xyz="", up=up, right_handed=right_handed)
    assert up_axis(code) == up
    up_screen, right_screen, _, _ = _screen_directions(code)
    assert up_screen[1] < 0 and abs(up_screen[0]) < 1e-6 * max(1.0, abs(up_screen[1])), (up, up_screen)
    if right_screen is not None:
        assert right_screen[0] > 0, (up, right_screen)


#: Rendered end to end: xyz code (or up axis) → which world axis must point up and right on screen.
RENDERED = [("RUB", None), ("RDF", None), ("FLU", None), ("", "+Y"), ("", "-X"), ("BRD", None)]


@pytest.mark.gl
def test_rendered_axes_point_where_the_view_coordinates_say(egl_available, tmp_path):
    import imageio.v3 as iio

    out = tmp_path / "out"
    out.mkdir()
    code = (
        "import sys, json; sys.path.insert(0, %r)\n"
        "import numpy as np, _viewer_kit as kit\n"
        "from rerun import components as C\n"
        "from rerun.log.transform import view_coordinates_code\n"
        "from rerun_app.screenshot import write_screenshot\n"
        "cases = json.loads(sys.argv[2])\n"
        "tips = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], np.float32)\n"
        "colors = np.array([[255, 0, 255, 255], [255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 255, 255]], np.uint8)\n"
        "for i, (xyz, up) in enumerate(cases):\n"
        "    hub = kit.new_hub()\n"
        "    vc = view_coordinates_code(xyz=xyz, up=up, right_handed=None)\n"
        "    kit.log_row(hub, 'world', {'rerun.view_coordinates': C.view_coordinates(vc)})\n"
        "    kit.log_row(hub, 'world/tips', kit.points3d(tips, colors=colors, radii=[0.08] * 4), frame=1)\n"
        "    write_screenshot(hub, f'{sys.argv[1]}/{i}.png', size=(480, 360))\n"
    ) % str(KIT_DIR)
    result = subprocess.run([sys.executable, "-c", code, str(out), json.dumps(RENDERED)], env=headless_gl_env(),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    for i, (xyz, up) in enumerate(RENDERED):
        img = iio.imread(out / f"{i}.png")[..., :3].astype(int)

        def centre(rgb):
            mask = (np.abs(img - np.array(rgb)) <= 40).all(axis=-1)
            assert mask.sum() >= 10, (xyz, up, rgb, int(mask.sum()))
            ys, xs = np.nonzero(mask)
            return np.array([xs.mean(), ys.mean()])

        origin = centre((255, 0, 255))
        tip_of = {"+X": centre((255, 0, 0)), "+Y": centre((0, 255, 0)), "+Z": centre((0, 0, 255))}

        def screen_delta(axis: str) -> np.ndarray:
            d = tip_of["+" + axis[1]] - origin
            return d if axis[0] == "+" else -d

        vc = view_coordinates_code(xyz=xyz, up=up, right_handed=None)
        up_d = screen_delta(up_axis(vc))
        assert up_d[1] < -10 and abs(up_d[0]) < 0.15 * abs(up_d[1]), (xyz, up, up_d)
        if right_axis(vc) is not None:
            right_d = screen_delta(right_axis(vc))
            assert right_d[0] > 10 and right_d[0] > abs(right_d[1]), (xyz, up, right_d)
