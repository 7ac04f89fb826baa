"""Helpers of the web viewer tests: a serving logger process, pages, and reading what a page shows."""

from __future__ import annotations

import io
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from gl_support import headless_gl_env
from net_support import free_port, stop_processes
from serving_logger import GREEN, RED

HERE = Path(__file__).resolve().parent
LOGGER = HERE / "serving_logger.py"
SIZE = (1280, 720)
#: Generous: a loaded 2-core CI machine starts Python, EGL and Chromium slowly.
DEADLINE_S = float(os.environ.get("RERUN_WEB_TEST_DEADLINE", "90"))


class LineReader:
    """Lines of a process's stdout, read on a thread (select() on a buffered text pipe misses buffered lines)."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.strip())

    def next(self, timeout: float = DEADLINE_S) -> str:
        """The next line; fails the test on timeout or when the process exits first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                return self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None and self.lines.empty():
                    pytest.fail(f"process exited ({self.proc.returncode}): {self.proc.stderr.read()[-3000:]}")
        pytest.fail(f"no output within {timeout} s")


class ServingLogger:
    """``serving_logger.py serve`` on free ports; ``web_url`` is the page, ``ws_url`` the log stream."""

    def __init__(self, rows: int = 0) -> None:
        self.web_port, self.ws_port = free_port(), free_port()
        self.web_url = f"http://127.0.0.1:{self.web_port}/"
        self.ws_url = f"ws://127.0.0.1:{self.ws_port}"
        self.proc = subprocess.Popen(
            [sys.executable, str(LOGGER), "serve", str(self.web_port), str(self.ws_port), str(rows)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=headless_gl_env(),
        )
        self.stdout = LineReader(self.proc)
        while self.stdout.next() != "READY":
            pass

    def command(self, text: str) -> str:
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()
        return self.stdout.next()

    def close(self) -> str:
        """End the logger (EOF on its stdin) and return its stderr."""
        if self.proc.stdin and not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return self.proc.stderr.read()


def open_page(browser, url: str, size=SIZE):
    """A new page at ``url`` that has drawn at least one frame."""
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.goto(url)
    wait_frames(page, 1)
    return page


def frames_drawn(page) -> int:
    return page.evaluate("window.rerunWeb ? window.rerunWeb.framesDrawn : 0")


def wait_frames(page, count: int, timeout: float = DEADLINE_S) -> None:
    page.wait_for_function(f"window.rerunWeb && window.rerunWeb.framesDrawn >= {count}", timeout=timeout * 1000)


def pixels(page) -> np.ndarray:
    """What the page shows, as an (H, W, 3) uint8 array."""
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(page.screenshot())).convert("RGB"))


def wait_for_pixels(page, condition, what: str, timeout: float = DEADLINE_S) -> np.ndarray:
    """Poll the page until ``condition(pixels)`` holds; fail naming ``what`` otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        image = pixels(page)
        if condition(image):
            return image
        if time.monotonic() > deadline:
            from PIL import Image

            shot = Path(os.environ.get("PYTEST_WEB_FAILURES", "/tmp")) / f"web-failure-{os.getpid()}.png"
            Image.fromarray(image).save(shot)
            state = page.evaluate("window.rerunWeb ? {drawn: window.rerunWeb.framesDrawn, failed: window.rerunWeb.framesFailed, "
                                  "last: window.rerunWeb.lastHeader && window.rerunWeb.lastHeader.index, "
                                  "connected: window.rerunWeb.connected} : null")
            pytest.fail(f"the page never showed {what} within {timeout} s (last picture: {shot}; page: {state})")
        time.sleep(0.05)



def primary_mask(image: np.ndarray, rgb) -> np.ndarray:
    """Pixels of the pure primary colour ``rgb`` (e.g. red), however shaded: that channel clearly dominates."""
    channel = int(np.argmax(rgb))
    pixels = image[..., :3].astype(int)
    others = np.delete(pixels, channel, axis=-1)
    return (pixels[..., channel] > 70) & np.all(pixels[..., channel : channel + 1] > 2 * others + 30, axis=-1)


def centroid(mask: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(mask)
    return np.array([xs.mean(), ys.mean()])


def render_native(tmp_path: Path, size=SIZE) -> np.ndarray:
    """The same scene written to a file and rendered by ``rerun FILE --screenshot`` (the headless EGL viewer)."""
    from PIL import Image

    rrd, png = tmp_path / "scene.rrd", tmp_path / "scene.png"
    env = headless_gl_env()
    subprocess.run([sys.executable, str(LOGGER), "save", str(rrd)], check=True, env=env, timeout=120,
                   capture_output=True)
    result = subprocess.run([sys.executable, "-m", "rerun_app", str(rrd), "--screenshot", str(png), "--size",
                             f"{size[0]}x{size[1]}"], env=env, timeout=180, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return np.asarray(Image.open(png).convert("RGB"))


def checkbox_centres(image: np.ndarray, panel_width: int = 220) -> list[tuple[int, int]]:
    """Centres of the entity tree's ticked checkboxes (ImGui's blue check marks in the left panel), top to bottom."""
    left = image[40:, :panel_width].astype(int)
    tick = (left[..., 2] > 180) & (left[..., 0] < 120) & (left[..., 1] > 90) & (left[..., 1] < 190)
    rows = np.nonzero(tick.any(axis=1))[0]
    centres = []
    if rows.size == 0:
        return centres
    groups = np.split(rows, np.nonzero(np.diff(rows) > 3)[0] + 1)
    for group in groups:
        ys, xs = np.nonzero(tick[group[0] : group[-1] + 1])
        centres.append((int(xs.mean()), int(group[0] + ys.mean()) + 40))
    return centres


def environment_with_path() -> dict:
    env = headless_gl_env()
    env["PYTHONPATH"] = os.pathsep.join([str(HERE.parent), env.get("PYTHONPATH", "")])
    return env


def save_scene(path: Path) -> Path:
    """The web tests' scene (red cloud at frame 0, green at frame 1) written to ``path``."""
    subprocess.run([sys.executable, str(LOGGER), "save", str(path)], check=True, capture_output=True, timeout=120)
    return path


class WebViewerProcess:
    """``rerun FILE --web-viewer`` on free ports (or a given web port), its stderr lines collected for log checks."""

    def __init__(self, files: list[str], web_port: int | None = None) -> None:
        self.web_port = web_port or free_port()
        self.web_url = f"http://127.0.0.1:{self.web_port}/"
        self.ws_url = f"ws://127.0.0.1:{self.web_port}/ws"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "rerun_app", *files, "--web-viewer", "--web-viewer-port", str(self.web_port),
             "--port", str(free_port()), *os.environ.get("RERUN_WEB_TEST_VIEWER_ARGS", "").split()],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=headless_gl_env(),
        )
        self.lines: list[str] = []
        threading.Thread(target=self._collect, daemon=True).start()
        deadline = time.monotonic() + DEADLINE_S
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.web_port), timeout=0.2).close()
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the web viewer did not listen: {self.log_text()[-3000:]}")
                time.sleep(0.05)

    def _collect(self) -> None:
        for line in self.proc.stderr:
            self.lines.append(line.rstrip())

    def log_text(self) -> str:
        return "\n".join(self.lines)

    def wait_log(self, text: str, timeout: float = DEADLINE_S) -> str:
        """The first stderr line containing ``text``; fails the test when none comes within ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            for line in list(self.lines):
                if text in line:
                    return line
            if time.monotonic() >= deadline:
                pytest.fail(f"no log line with {text!r} within {timeout} s; log:\n{self.log_text()[-3000:]}")
            time.sleep(0.05)

    def stop(self) -> None:
        stop_processes(self.proc, timeout=30)


#: The 3D view's area of a 1280x720 page (between the entity panel, the selection panel and the timeline).
VIEW = (slice(60, 520), slice(240, 1020))
MIN_CLOUD_PIXELS = 300
FIELD_RGB = (26, 26, 26)  # ImGui's input box background over the timeline panel


def in_view(image: np.ndarray, rgb) -> np.ndarray:
    mask = np.zeros(image.shape[:2], bool)
    mask[VIEW] = primary_mask(image[VIEW], rgb)
    return mask


def both_clouds(image: np.ndarray) -> bool:
    return in_view(image, RED).sum() > MIN_CLOUD_PIXELS and in_view(image, GREEN).sum() > MIN_CLOUD_PIXELS


def drag(page, start, end, steps: int = 12) -> None:
    page.mouse.move(*start)
    page.mouse.down()
    for i in range(1, steps + 1):
        page.mouse.move(start[0] + (end[0] - start[0]) * i / steps, start[1] + (end[1] - start[1]) * i / steps)
    page.mouse.up()


def time_cursor(image: np.ndarray) -> tuple[int, int]:
    """(x, y) of the timeline's time cursor (a 2-pixel red line), found from its colour: y is on the scrub axis,
    15 px below the line's top (the line goes on down through the Streams rows)."""
    bottom = image[540:].astype(int)
    cursor = (bottom[..., 0] > 150) & (bottom[..., 0] - bottom[..., 1] > 70) & (bottom[..., 0] - bottom[..., 2] > 70)
    ys, xs = np.nonzero(cursor)
    assert xs.size, "no time cursor in the timeline"
    return int(np.median(xs)), int(ys.min()) + 15 + 540


def fps_field(image: np.ndarray, cursor_y: int) -> tuple[int, int, int, int]:
    """(x0, x1, y0, y1) of the timeline toolbar's rightmost input box (the playback fps), found from its colour:
    the toolbar row is just above the scrub area, its input boxes are the long runs of ImGui's dark field grey."""
    toolbar_y = cursor_y - 32
    row = image[toolbar_y - 4].astype(int)  # above the text baseline: the box background only
    field = np.all(np.abs(row - FIELD_RGB) <= 6, axis=-1)
    xs = np.nonzero(field[240:1020])[0] + 240
    runs = np.split(xs, np.nonzero(np.diff(xs) > 3)[0] + 1)
    runs = [r for r in runs if r.size > 40]
    assert runs, "no input box in the timeline toolbar"
    last = runs[-1]
    return int(last[0]), int(last[-1]), toolbar_y - 8, toolbar_y + 8


def type_into_field(page, field: tuple[int, int, int, int], text: str) -> None:
    """Type ``text`` into the ImGui input box at ``field`` (x0, x1, y0, y1) and press Enter, as a user does: a
    Ctrl+click to edit it as text, select all, type; then move the pointer off it (its hover colour would hide what
    the text says)."""
    x0, x1, y0, y1 = field
    page.keyboard.down("Control")
    page.mouse.click((x0 + x1) // 2, (y0 + y1) // 2)
    page.keyboard.up("Control")
    page.keyboard.press("Control+a")
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    page.mouse.move(640, 700)  # into the timeline panel
