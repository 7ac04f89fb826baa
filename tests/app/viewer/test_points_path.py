"""The point-cloud path follows the GL renderer (software → CPU splat, GPU → GL_POINTS), ``RERUN_POINTS_PATH``
overrides it, and both paths draw the same picture of the same recording on llvmpipe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from gl_support import headless_gl_env
from image_compare import compare

from rerun_scene.points_path import choose_points_path, is_software_renderer

HERE = Path(__file__).parent


@pytest.mark.parametrize("renderer, path", [
    ("llvmpipe (LLVM 15.0.6, 256 bits)", "splat"), ("softpipe", "splat"), ("Software Rasterizer", "splat"),
    ("Google SwiftShader", "splat"), ("NVIDIA GeForce RTX 4090/PCIe/SSE2", "gl"), ("AMD Radeon RX 7900 XTX", "gl"),
    ("Mesa Intel(R) UHD Graphics 620 (KBL GT2)", "gl"), ("", "gl"),
])
def test_path_follows_the_renderer(renderer, path):
    assert choose_points_path(renderer) == path
    assert is_software_renderer(renderer) == (path == "splat")


def test_environment_overrides_the_renderer():
    assert choose_points_path("llvmpipe", "gl") == "gl"
    assert choose_points_path("NVIDIA", "splat") == "splat"
    assert choose_points_path("NVIDIA", " Auto ") == "gl"
    with pytest.raises(ValueError, match="RERUN_POINTS_PATH: expected 'splat', 'gl' or 'auto', got 'fast'"):
        choose_points_path("llvmpipe", "fast")


@pytest.mark.gl
def test_both_paths_draw_the_same_cloud_on_llvmpipe(egl_available, tmp_path):
    import imageio.v3 as iio

    rrd = tmp_path / "cloud.rrd"
    subprocess.run([sys.executable, str(HERE / "parity_scenes.py"), "cloud", str(rrd)], check=True, timeout=120)
    code = (
        "import sys\n"
        "from rerun_app.viewer.gl_setup import choose_backend\n"
        "choose_backend(headless=True)\n"
        "from rerun_scene.points_path import configure_points_path, current_renderer\n"
        "from vispy import scene\n"
        "canvas = scene.SceneCanvas(size=(8, 8), show=False)\n"
        "canvas.set_current()\n"
        "print(current_renderer()); print(configure_points_path())\n"
    )
    pictures = {}
    for override in ("", "splat", "gl"):
        env = dict(headless_gl_env(), RERUN_POINTS_PATH=override)
        probe = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
        assert probe.returncode == 0, probe.stderr[-2000:]
        renderer, path = probe.stdout.strip().splitlines()[-2:]
        assert path == (override or choose_points_path(renderer))
        out = tmp_path / f"cloud-{override or 'auto'}.png"
        result = subprocess.run([sys.executable, "-m", "rerun_app", str(rrd), "--screenshot", str(out), "--size",
                                 "800x600"], env=env, capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, result.stderr[-2000:]
        pictures[override or "auto"] = iio.imread(out)
    if "llvmpipe" in renderer:
        assert (pictures["auto"] == pictures["splat"]).all()  # software GL: the splat by default
    for picture in pictures.values():  # the cloud is there (coloured pixels), not an empty view
        assert (picture[..., :3].astype(int).std(axis=-1) > 10).sum() > 10_000
    # the same cloud either way: edge pixels of 1-3 px points may differ, nothing else
    comparison = compare(pictures["splat"], pictures["gl"], max_differing=int(0.003 * 800 * 600))
    assert comparison.ok, comparison.describe()
