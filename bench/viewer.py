"""Viewer benchmarks (llvmpipe; figures are ratios against a baseline measured in the same run).

    python bench/viewer.py frame [--points 100000,1000000]   # full viewer frame vs bare vispy scene, EGL
    python bench/viewer.py idle                              # idle CPU of the window vs playing, Xvfb
    python bench/viewer.py depth [--seconds 5] [--fps 30]    # 640x480 depth stream: shown fps, log->pixels latency

``frame``: the whole viewer at 1280x720 (ImGui panels + docked 3D view built from the store) drawing N static points,
against a bare vispy SceneCanvas drawing the same batch through the same scene view class in a ViewBox of the same
size (the ratio is the cost of the chrome and the store→scene path per frame).
``idle``: CPU seconds per wall second of the viewer process on a static recording, idle vs playing (loop all).
``depth``: a logger streams 640x480 depth under a pinhole to a window (Xvfb), paced at ``--fps`` and then as fast
as it can; new frames shown per second (the viewer skips to the newest frame when behind, by design) and the latency
from the log call to the end of the draw that first showed the frame (p50/p99), against the frames sent.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "app"))  # _viewer_kit.py


def _egl_env() -> dict:
    env = dict(os.environ, EGL_PLATFORM="surfaceless", RERUN_GL_BACKEND="egl")
    env.pop("DISPLAY", None)
    return env


FRAME_CHILD = r"""
import sys, time, json
import numpy as np
sys.path.insert(0, sys.argv[1])
from rerun_app.viewer.gl_setup import choose_backend
choose_backend(headless=True)
import _viewer_kit as kit
from vispy import app, scene
n, mode = int(sys.argv[2]), sys.argv[3]
rng = np.random.default_rng(0)
pos = rng.normal(size=(n, 3)).astype(np.float32)
col = rng.integers(0, 255, (n, 4), dtype=np.uint8); col[:, 3] = 255
times, moving = [], []
if mode == "viewer":
    from rerun_app.viewer.viewer import Viewer
    hub = kit.new_hub(); kit.log_row(hub, "cloud", kit.points3d(pos, colors=col), frame=1)
    v = Viewer(hub, size=(1280, 720), headless=True)
    v.poll()
    for i in range(8):
        t = time.perf_counter(); v.draw_frame(); v.canvas.context.finish(); times.append(time.perf_counter() - t)
    cam = [h.scene_view.camera for h in v.views.values()][0]
    for i in range(5):
        cam.rotate(3.0, 0.0)
        t = time.perf_counter(); v.draw_frame(); v.canvas.context.finish(); moving.append(time.perf_counter() - t)
    layers = sum(h.set_layer_calls for h in v.views.values())
    rect = [h.rect for h in v.views.values()][0]
    v.close()
else:
    from rerun_scene import batches as sb
    from rerun_app.viewer.view_host import _make_scene_view
    c = scene.SceneCanvas(size=(1280, 720), show=False)
    c._update_transforms()
    view = _make_scene_view("3d", c)
    vb = getattr(view, "viewbox", None) or view.view
    rect = json.loads(sys.argv[4])
    vb.pos, vb.size = (rect[0], rect[1]), (rect[2], rect[3])
    view.set_layer("cloud", sb.PointBatch(pos, colors=col))
    getattr(view, "reset", lambda: None)()
    for i in range(8):
        t = time.perf_counter(); c.update(); app.process_events(); c.context.finish(); times.append(time.perf_counter() - t)
    for i in range(5):
        view.camera.rotate(3.0, 0.0)
        t = time.perf_counter(); c.update(); app.process_events(); c.context.finish(); moving.append(time.perf_counter() - t)
    layers = 1
print(json.dumps({"first": times[0], "steady": sorted(times[2:])[len(times[2:]) // 2], "uploads": layers,
                  "rect": rect, "moving": sorted(moving)[len(moving) // 2]}))
"""


def bench_frame(points: list[int]) -> None:
    print("full viewer frame (ImGui panels + 3D view) vs the same scene view alone at the same view size, EGL:")
    print("static: nothing changes (rerun_scene may reuse its cached frame); moving: the camera turns every frame")
    print(f"{'points':>9} | {'static viewer / bare ms':>24} | {'moving viewer / bare ms':>24} | ratios static, moving")
    for n in points:
        res = {}
        for mode in ("viewer", "bare"):
            rect = json.dumps(res["viewer"]["rect"]) if mode == "bare" else "null"
            out = subprocess.run([sys.executable, "-c", FRAME_CHILD, str(REPO / "tests" / "app"), str(n), mode, rect],
                                 env=_egl_env(), capture_output=True, text=True, timeout=900)
            if out.returncode != 0:
                print(out.stderr[-2000:])
                return
            res[mode] = json.loads(out.stdout.strip().splitlines()[-1])
        v, b = res["viewer"], res["bare"]
        print(f"{n:>9} | {v['steady'] * 1e3:>11.1f} / {b['steady'] * 1e3:<10.1f} | {v['moving'] * 1e3:>11.1f} / "
              f"{b['moving'] * 1e3:<10.1f} | {v['steady'] / b['steady']:.2f}, {v['moving'] / b['moving']:.2f}")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _start_xvfb() -> tuple[subprocess.Popen, str]:
    for number in range(150, 199):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            break
    proc = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return proc, f":{number}"


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _window_cpu(display: str, rrd: Path, steps: list, measure_s: float, workdir: Path) -> float:
    (workdir / "steps.json").write_text(json.dumps(steps))
    env = dict(os.environ, DISPLAY=display, RERUN_VIEWER_SCRIPT=str(workdir / "steps.json"),
               RERUN_VIEWER_SCRIPT_OUT=str(workdir))
    env.pop("RERUN_GL_BACKEND", None)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "rerun_app", str(rrd), "--port", str(port), "--size", "1280x720"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(measure_s / 2 + 4)  # start-up, file load and the settle frames
        c0, t0 = _cpu_seconds(proc.pid), time.monotonic()
        time.sleep(measure_s / 2)
        c1, t1 = _cpu_seconds(proc.pid), time.monotonic()
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            _stop(proc)
    return (c1 - c0) / (t1 - t0)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_recording(path: Path, frames: int = 300) -> None:
    code = (
        "import sys, numpy as np, rerun as rr\n"
        "rr.init('bench'); rr.save(sys.argv[1])\n"
        "for f in range(%d):\n"
        "    rr.set_time_sequence('frame', f)\n"
        "    rr.log_points('cloud', np.random.rand(20000, 3).astype(np.float32))\n"
    ) % frames
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, timeout=120)


def bench_idle(seconds: float) -> None:
    xvfb, display = _start_xvfb()
    work = Path(tempfile.mkdtemp(prefix="bench-viewer-"))
    try:
        rrd = work / "static.rrd"
        _write_recording(rrd)
        idle = _window_cpu(display, rrd, [{"frames": 3}, {"run": seconds + 4}], seconds, work)
        playing = _window_cpu(display, rrd, [{"frames": 3}, {"click_item": "button:play"}, {"run": seconds + 4}],
                              seconds, work)
        print(f"idle CPU: {idle * 100:.1f} % of a core; playing (redraw every frame): {playing * 100:.1f} %; "
              f"ratio idle/playing {idle / max(playing, 1e-9):.3f}")
    finally:
        _stop(xvfb)
        shutil.rmtree(work, ignore_errors=True)


DEPTH_LOGGER = r"""
import json, sys, time, numpy as np, rerun as rr
rr.init("depth-bench"); rr.connect("127.0.0.1:" + sys.argv[1])
seconds, fps = float(sys.argv[2]), float(sys.argv[3])
K = [[500.0, 0, 320], [0, 500.0, 240], [0, 0, 1]]
rr.log_pinhole("cam", child_from_parent=K, width=640, height=480, timeless=True)
yy, xx = np.mgrid[0:480, 0:640]
logged = {}
start = time.monotonic(); f = 0
while time.monotonic() < start + seconds:
    f += 1
    depth = (1500 + 500 * np.sin(xx / 40 + f / 5) + yy).astype(np.uint16)
    rr.set_time_sequence("frame", f)
    logged[f] = time.time()
    rr.log_depth_image("cam/depth", depth, meter=1000)
    if fps > 0:
        time.sleep(max(0.0, start + f / fps - time.monotonic()))
rr.disconnect()
print(json.dumps(logged))
"""


def shown_frames(trace: list, logged: dict[int, float]) -> list[tuple[int, float]]:
    """(frame, log→pixels seconds) for every logged frame that reached the window, from the viewer's frame trace.

    A frame counts as shown when a drawn frame had it under the time cursor (follow-live) and re-uploaded layers;
    its latency is the wall-clock time from the logger's log call to the end of that draw.
    """
    shown, last_uploads, seen = [], 0, set()
    for wall, cursor, uploads in trace:
        if uploads > last_uploads and cursor is not None and cursor in logged and cursor not in seen:
            seen.add(cursor)
            shown.append((cursor, wall - logged[cursor]))
        last_uploads = uploads
    return shown


def _depth_run(display: str, seconds: float, fps: float, work: Path) -> tuple[dict[int, float], list[tuple[int, float]]]:
    """Stream for ``seconds`` at ``fps`` (0: as fast as possible) to a window; (log time per frame, shown frames)."""
    port = _free_port()
    (work / "steps.json").write_text(json.dumps([{"run": seconds + 6, "trace": True}]))
    env = dict(os.environ, DISPLAY=display, RERUN_VIEWER_SCRIPT=str(work / "steps.json"),
               RERUN_VIEWER_SCRIPT_OUT=str(work))
    env.pop("RERUN_GL_BACKEND", None)
    viewer = subprocess.Popen([sys.executable, "-m", "rerun_app", "--port", str(port), "--size", "1280x720"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(3)
        sent = subprocess.run([sys.executable, "-c", DEPTH_LOGGER, str(port), str(seconds), str(fps)],
                              capture_output=True, text=True, timeout=seconds + 60)
        viewer.wait(timeout=seconds + 120)
    finally:
        if viewer.poll() is None:
            _stop(viewer)
    logged = {int(k): v for k, v in json.loads(sent.stdout.strip().splitlines()[-1]).items()}
    trace = json.loads((work / "run.json").read_text())["trace"]
    return logged, shown_frames(trace, logged)


def bench_depth(seconds: float, fps: float) -> None:
    """Depth stream at ``fps`` (paced like a camera) and unpaced: shown rate and log→pixels latency."""
    import numpy as np

    from rerun_app.viewer.viewer import LIVE_DEPTH_POINT_BUDGET

    xvfb, display = _start_xvfb()
    work = Path(tempfile.mkdtemp(prefix="bench-viewer-"))
    try:
        for rate in (fps, 0.0):
            logged, shown = _depth_run(display, seconds, rate, work)
            sent = len(logged)
            # steady state: frames logged after the first second (view creation, first uploads)
            settled = {f for f, t in logged.items() if t >= min(logged.values()) + 1.0}
            settled_ratio = len(settled & {f for f, _ in shown}) / max(len(settled), 1)
            latency = np.array([lat for _, lat in shown]) * 1e3
            p50, p99 = (np.percentile(latency, [50, 99]) if latency.size else (float("nan"),) * 2)
            label = f"paced at {rate:.0f} fps" if rate else "unpaced"
            print(f"depth 640x480 {label} over {seconds:.0f} s: logger sent {sent / seconds:.1f} frames/s, the viewer "
                  f"showed {len(shown) / seconds:.1f} of them per second (ratio shown/sent {len(shown) / max(sent, 1):.2f}, "
                  f"{settled_ratio:.2f} after the first second; "
                  f"3D clouds capped at {LIVE_DEPTH_POINT_BUDGET:,} points while live); log->pixels latency p50 {p50:.0f} ms, p99 {p99:.0f} ms")
    finally:
        _stop(xvfb)
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["frame", "idle", "depth"])
    parser.add_argument("--points", default="100000,1000000")
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--fps", type=float, default=30.0, help="depth: the paced stream's rate")
    args = parser.parse_args()
    if args.what == "frame":
        bench_frame([int(v) for v in args.points.split(",")])
    elif args.what == "idle":
        bench_idle(args.seconds)
    else:
        bench_depth(args.seconds, args.fps)


if __name__ == "__main__":
    main()
