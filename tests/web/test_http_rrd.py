"""``rerun http://…/x.rrd`` downloads a recording (progress on stderr) and opens it; ``rerun --version``."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import numpy as np
import pytest

import rerun.recording
from gl_support import headless_gl_env
from net_support import free_port, wait_listening
from serving_logger import GREEN, RED
from web_kit import DEADLINE_S, LOGGER, primary_mask


@pytest.fixture(scope="module")
def http_server(tmp_path_factory):
    """A local ``python -m http.server`` serving a folder with ``scene.rrd`` (the web tests' scene)."""
    folder = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, str(LOGGER), "save", str(folder / "scene.rrd")], check=True,
                   capture_output=True, timeout=120)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory",
                             str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wait_listening(port, proc)
    yield f"http://127.0.0.1:{port}", folder
    proc.terminate()
    proc.wait()


def test_http_rrd_is_downloaded_and_opened(http_server, tmp_path):
    base, folder = http_server
    copy = tmp_path / "copy.rrd"
    result = subprocess.run([sys.executable, "-m", "rerun_app", f"{base}/scene.rrd", "--headless", "--save", str(copy),
                             "--exit-after-idle", "0.5", "--port", str(free_port())],
                            capture_output=True, text=True, timeout=DEADLINE_S)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"downloaded {base}/scene.rrd" in result.stderr
    original, got = rerun.recording.load(folder / "scene.rrd"), rerun.recording.load(copy)
    assert sorted(got.entity_paths) == sorted(original.entity_paths) == ["world/a_red", "world/b_green"]
    for entity in original.entity_paths:
        assert got.table(entity)["rerun.point3d"].to_pylist() == original.table(entity)["rerun.point3d"].to_pylist()


@pytest.mark.gl
def test_http_rrd_screenshot_shows_it(http_server, tmp_path):
    from PIL import Image

    base, _ = http_server
    png = tmp_path / "http.png"
    result = subprocess.run([sys.executable, "-m", "rerun_app", f"{base}/scene.rrd", "--screenshot", str(png)],
                            capture_output=True, text=True, env=headless_gl_env(), timeout=DEADLINE_S * 2)
    assert result.returncode == 0, result.stderr[-3000:]
    image = np.asarray(Image.open(png).convert("RGB"))
    assert primary_mask(image, RED).sum() > 300 and primary_mask(image, GREEN).sum() > 300


def test_missing_http_rrd_is_a_clear_error(http_server, tmp_path):
    base, _ = http_server
    result = subprocess.run([sys.executable, "-m", "rerun_app", f"{base}/nope.rrd", "--headless"],
                            capture_output=True, text=True, timeout=DEADLINE_S)
    assert result.returncode == 1
    assert f"cannot download {base}/nope.rrd: HTTP 404" in result.stderr


def test_version():
    result = subprocess.run([sys.executable, "-m", "rerun", "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"rerun {version('rerun-py')}"
