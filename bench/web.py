"""Web viewer benchmarks in a real headless Chromium (Playwright driving /usr/bin/chromium), 1280x720 page.

    python bench/web.py drag [--points 100000,1000000] [--seconds 4]   # dragging a cloud: frames/s, latency, bytes
    python bench/web.py idle [--seconds 3]                             # bytes/s sent while nothing changes
    python bench/web.py log [--points 1000000] [--calls 20]            # log_points cost: a page watching vs none
    python bench/web.py ui [--points 30000,100000,1000000] [--seconds 4] # hovering the UI: scene reused vs re-rendered
    python bench/web.py ui-frame [--points 30000,100000,1000000] [--frames 60] # the same, one server frame, no browser

``drag``: ``rerun FILE --web-viewer`` on a recording of N random points; the page drags in the 3D view at 60 input
events/s. Reported: frames drawn by the page per second, input → frame p50/p90 (from the page's send to the draw of
the first frame that applied it), JPEG bytes per frame, server CPU seconds per frame (the viewer process's
utime+stime over the frames it rendered) and the server's render/encode split. The baseline, measured in the same
run, is the same viewer rendering the same frame size headless with no browser (``rerun FILE --screenshot``'s
per-frame cost is not exposed, so the baseline is the first-frame render time the server reports while idle).
``idle``: after the page settled, bytes received per second while nothing changes (goal 0).
``log``: a logger calls ``rr.serve`` and times ``log_points`` of N points, with no page open (baseline) and with a
page watching a 3D view of them, alternating (no page, page, no page, page); the ratio compares the second run of
each, and is the cost of serving to the logger.
``ui``: the page hovers the entity and timeline panels (60 pointer moves/s) over a cloud of N points, once with the
server re-rendering the space views on every frame (``RERUN_WEB_REUSE_SCENE=0``, the baseline) and once putting
back its cached picture of the unchanged views; alternating (off, on, off, on), the second run of each is compared.
Reported per mode: frames/s, server CPU s/frame, server render ms/frame (p50; render + readback), input → frame p50,
frames that rendered the scene.
``ui-frame``: the web viewer's frame alone (draw + RGB readback, as its GL thread does), in one headless viewer with
the scene cache on, alternating frame by frame a UI-only frame (pointer moved over the entity panel) with the same
frame forced to render the scene (the baseline): wall and process-CPU ms per frame, p50, and their ratio. Clouds
of 50 k points and more are drawn through the scene's impostor cache (an unchanged big cloud is already one quad),
smaller ones with GL points every frame.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SIZE = (1280, 720)


def _env() -> dict:
    env = dict(os.environ, EGL_PLATFORM="surfaceless", RERUN_GL_BACKEND="egl")
    env.pop("DISPLAY", None)
    return env


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port: int, proc, timeout: float = 120) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("viewer exited early")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("viewer never listened")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _write_cloud(path: Path, n: int) -> None:
    code = textwrap.dedent(f"""
        import numpy as np, rerun as rr
        rr.init("bench_web"); rr.save({str(path)!r})
        rng = np.random.default_rng(0)
        pos = rng.normal(size=({n}, 3)).astype(np.float32)
        col = rng.integers(0, 255, ({n}, 3), dtype=np.uint8)
        rr.set_time_sequence("frame", 0)
        rr.log_points("world/cloud", pos, colors=col, radii=0.01)
    """)
    subprocess.run([sys.executable, "-c", code], check=True)


def _percentile(values, q):
    import numpy as np

    return float(np.percentile(values, q)) if len(values) else float("nan")


def bench_drag(points: list[int], seconds: float) -> list[dict]:
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as pw, tempfile.TemporaryDirectory() as tmp:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for n in points:
            rrd = Path(tmp) / f"cloud{n}.rrd"
            _write_cloud(rrd, n)
            port = _free_port()
            proc = subprocess.Popen([sys.executable, "-m", "rerun_app", str(rrd), "--web-viewer", "--web-viewer-port",
                                     str(port), "--port", str(_free_port())], env=_env(), stdout=subprocess.DEVNULL)
            try:
                _wait_port(port, proc)
                page = browser.new_page(viewport={"width": SIZE[0], "height": SIZE[1]})
                page.goto(f"http://127.0.0.1:{port}/")
                page.wait_for_function("window.rerunWeb && window.rerunWeb.framesDrawn >= 3", timeout=300_000)
                time.sleep(1.0)  # let the first frames (and a full-resolution cloud) settle
                idle_header = page.evaluate("window.rerunWeb.lastHeader")
                start_state = page.evaluate("({f: window.rerunWeb.framesDrawn, b: window.rerunWeb.bytesReceived,"
                                            " n: window.rerunWeb.latencies.length})")
                cpu0, t0 = _cpu_seconds(proc.pid), time.perf_counter()
                page.mouse.move(630, 300)
                page.mouse.down()
                i = 0
                while time.perf_counter() - t0 < seconds:
                    i += 1
                    page.mouse.move(630 + 150 * ((i % 60) / 60), 300 + 40 * ((i % 20) / 20))
                    time.sleep(1 / 60)
                page.mouse.up()
                wall, cpu = time.perf_counter() - t0, _cpu_seconds(proc.pid) - cpu0
                state = page.evaluate("window.rerunWeb")
                frames = state["framesDrawn"] - start_state["f"]
                latencies = state["latencies"][start_state["n"]:]
                results.append({
                    "points": n, "frames_per_s": frames / wall, "latency_p50_ms": _percentile(latencies, 50),
                    "latency_p90_ms": _percentile(latencies, 90),
                    "bytes_per_frame": (state["bytesReceived"] - start_state["b"]) / max(frames, 1),
                    "server_cpu_s_per_frame": cpu / max(frames, 1),
                    "last_render_ms": state["lastHeader"]["render_ms"], "last_encode_ms": state["lastHeader"]["encode_ms"],
                    "baseline_idle_frame_render_ms": idle_header["render_ms"],
                    "baseline_idle_frame_encode_ms": idle_header["encode_ms"],
                })
                page.close()
            finally:
                proc.terminate()
                proc.wait()
        browser.close()
    return results


def _hover_run(browser, rrd: Path, reuse: bool, seconds: float) -> dict:
    port = _free_port()
    env = dict(_env(), RERUN_WEB_REUSE_SCENE="1" if reuse else "0")
    proc = subprocess.Popen([sys.executable, "-m", "rerun_app", str(rrd), "--web-viewer", "--web-viewer-port",
                             str(port), "--port", str(_free_port())], env=env, stdout=subprocess.DEVNULL)
    try:
        _wait_port(port, proc)
        page = browser.new_page(viewport={"width": SIZE[0], "height": SIZE[1]})
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_function("window.rerunWeb && window.rerunWeb.framesDrawn >= 3", timeout=300_000)
        time.sleep(1.0)  # let the first frames (and a full-resolution cloud) settle
        start = page.evaluate("({f: window.rerunWeb.framesDrawn, s: window.rerunWeb.sceneFrames,"
                              " n: window.rerunWeb.latencies.length, r: window.rerunWeb.renderMs.length})")
        cpu0, t0 = _cpu_seconds(proc.pid), time.perf_counter()
        path = [(40 + 4 * (i % 40), 70 + 6 * (i % 40)) for i in range(40)] + [(300 + 15 * i, 640) for i in range(40)]
        i = 0
        while time.perf_counter() - t0 < seconds:  # over the entity panel, then along the timeline panel
            page.mouse.move(*path[i % len(path)])
            i += 1
            time.sleep(1 / 60)
        page.wait_for_timeout(300)  # the last moves' frames arrive
        wall, cpu = time.perf_counter() - t0, _cpu_seconds(proc.pid) - cpu0
        state = page.evaluate("window.rerunWeb")
        frames = state["framesDrawn"] - start["f"]
        page.close()
        return {"frames_per_s": frames / wall, "server_cpu_s_per_frame": cpu / max(frames, 1),
                "render_ms_p50": _percentile(state["renderMs"][start["r"]:], 50),
                "latency_p50_ms": _percentile(state["latencies"][start["n"]:], 50),
                "frames": frames, "frames_rendering_scene": state["sceneFrames"] - start["s"]}
    finally:
        proc.terminate()
        proc.wait()


def bench_ui(points: list[int], seconds: float) -> list[dict]:
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as pw, tempfile.TemporaryDirectory() as tmp:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for n in points:
            rrd = Path(tmp) / f"cloud{n}.rrd"
            _write_cloud(rrd, n)
            runs = {}
            for reuse in (False, True, False, True):  # alternating: warm-up and drift hit both modes alike
                runs["reused" if reuse else "rerendered"] = _hover_run(browser, rrd, reuse, seconds)
            off, on = runs["rerendered"], runs["reused"]
            results.append({"points": n, "baseline_rerendered": off, "scene_reused": on,
                            "ratio_cpu_per_frame": on["server_cpu_s_per_frame"] / off["server_cpu_s_per_frame"],
                            "ratio_render_ms": on["render_ms_p50"] / off["render_ms_p50"]})
        browser.close()
    return results


UI_FRAME = r"""
import json, sys, time
import numpy as np
from rerun_app.viewer.gl_setup import choose_backend
choose_backend(headless=True)
from imgui_bundle import imgui
from vispy import gloo
from rerun_app.ingest import Ingest, make_target
from rerun_app.viewer.viewer import Viewer
hub, target = make_target()
ingest = Ingest(target)
ingest.load_file(sys.argv[1])
frames = int(sys.argv[2])
viewer = Viewer(hub, ingest, size=(1280, 720), headless=True, reuse_unchanged_scene=True)
canvas = viewer.canvas
def frame(force_scene, i):
    imgui.get_io().add_mouse_pos_event(40.0 + 4 * (i % 40), 70.0 + 6 * (i % 40))
    if force_scene:
        canvas.mark_scene_changed()
    viewer.poll(); viewer.request_redraw(1)
    wall, cpu = time.perf_counter(), time.process_time()  # process: llvmpipe rasterises on its own threads
    viewer.draw_frame()
    gloo.read_pixels((0, 0, *canvas.physical_size), alpha=False, out_type="unsigned_byte")
    return (time.perf_counter() - wall) * 1e3, (time.process_time() - cpu) * 1e3, canvas.last_frame_rendered_scene
for i in range(10):
    frame(True, i)
out = {"rerendered": [], "reused": []}
for i in range(2 * frames):
    wall, cpu, rendered = frame(i % 2 == 0, i)
    out["rerendered" if rendered else "reused"].append((wall, cpu))
viewer.close()
print(json.dumps(out))
"""


def bench_ui_frame(points: list[int], frames: int) -> list[dict]:
    import numpy as np

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in points:
            rrd = Path(tmp) / f"cloud{n}.rrd"
            _write_cloud(rrd, n)
            done = subprocess.run([sys.executable, "-c", UI_FRAME, str(rrd), str(frames)], env=_env(),
                                  capture_output=True, text=True, check=True)
            runs = json.loads(done.stdout.strip().splitlines()[-1])
            row = {"points": n}
            for mode, samples in runs.items():
                wall, cpu = (np.array([s[k] for s in samples]) for k in (0, 1))
                row[mode] = {"frames": len(samples), "wall_ms_p50": float(np.median(wall)),
                             "cpu_ms_p50": float(np.median(cpu))}
            row["ratio_wall"] = row["reused"]["wall_ms_p50"] / row["rerendered"]["wall_ms_p50"]
            row["ratio_cpu"] = row["reused"]["cpu_ms_p50"] / row["rerendered"]["cpu_ms_p50"]
            results.append(row)
    return results


def bench_idle(seconds: float) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw, tempfile.TemporaryDirectory() as tmp:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        rrd = Path(tmp) / "cloud.rrd"
        _write_cloud(rrd, 10_000)
        port = _free_port()
        proc = subprocess.Popen([sys.executable, "-m", "rerun_app", str(rrd), "--web-viewer", "--web-viewer-port",
                                 str(port), "--port", str(_free_port())], env=_env(), stdout=subprocess.DEVNULL)
        try:
            _wait_port(port, proc)
            page = browser.new_page(viewport={"width": SIZE[0], "height": SIZE[1]})
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_function("window.rerunWeb && window.rerunWeb.framesDrawn >= 3", timeout=300_000)
            # Settled: no new frame for a second (the viewer draws a few frames after start and after input).
            last, quiet_since = -1, time.monotonic()
            while time.monotonic() - quiet_since < 1.0:
                drawn = page.evaluate("window.rerunWeb.framesDrawn")
                if drawn != last:
                    last, quiet_since = drawn, time.monotonic()
                time.sleep(0.05)
            b0, cpu0 = page.evaluate("window.rerunWeb.bytesReceived"), _cpu_seconds(proc.pid)
            time.sleep(seconds)
            b1, cpu1 = page.evaluate("window.rerunWeb.bytesReceived"), _cpu_seconds(proc.pid)
            page.mouse.move(640, 300)  # baseline in the same run: one pointer move, bytes of the frames it causes
            time.sleep(1.0)
            b2 = page.evaluate("window.rerunWeb.bytesReceived")
            return {"idle_bytes_per_s": (b1 - b0) / seconds, "idle_server_cpu_per_s": (cpu1 - cpu0) / seconds,
                    "bytes_after_one_pointer_move": b2 - b1}
        finally:
            proc.terminate()
            proc.wait()
            browser.close()


LOGGER = r"""
import sys, time, json, numpy as np, rerun as rr
n, calls, web, ws = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rr.init("bench_web_log")
assert rr.serve(open_browser=False, web_port=web, ws_port=ws)
while not rr.get_sink_stats().get("connected"):  # both modes start with the viewer connection up
    time.sleep(0.01)
print("SERVING", flush=True)
sys.stdin.readline()  # the bench opens a page (or not), then says go
pos = np.random.default_rng(0).normal(size=(n, 3)).astype(np.float32)
times = []
for i in range(calls):
    rr.set_time_sequence("frame", i)
    t = time.perf_counter(); rr.log_points("world/cloud", pos, radii=0.01); times.append(time.perf_counter() - t)
print(json.dumps(times), flush=True)
sys.stdin.readline()
"""


def bench_log(points: int, calls: int) -> dict:
    from playwright.sync_api import sync_playwright

    out = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for watched in (False, True, False, True):  # alternating: warm-up and drift hit both modes alike
            web, ws = _free_port(), _free_port()
            proc = subprocess.Popen([sys.executable, "-c", LOGGER, str(points), str(calls), str(web), str(ws)],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=_env())
            try:
                while proc.stdout.readline().strip() != "SERVING":
                    pass
                page = None
                if watched:
                    page = browser.new_page(viewport={"width": SIZE[0], "height": SIZE[1]})
                    page.goto(f"http://127.0.0.1:{web}/")
                    page.wait_for_function("window.rerunWeb && window.rerunWeb.framesDrawn >= 1", timeout=300_000)
                proc.stdin.write("go\n")
                proc.stdin.flush()
                times = json.loads(proc.stdout.readline())
                if page is not None:
                    out["frames_drawn_while_logging"] = page.evaluate("window.rerunWeb.framesDrawn")
                    page.close()
                key = "watched" if watched else "unwatched"
                out.setdefault(key, {"p50_ms": [], "mean_ms": []})
                out[key]["p50_ms"].append(_percentile(times, 50) * 1e3)
                out[key]["mean_ms"].append(sum(times) / len(times) * 1e3)
            finally:
                proc.stdin.close()
                proc.wait(timeout=60)
        browser.close()
    # The second run of each mode (the first pays the process and page warm-up).
    out["ratio_watched_over_unwatched_p50"] = out["watched"]["p50_ms"][-1] / out["unwatched"]["p50_ms"][-1]
    out["ratio_watched_over_unwatched_mean"] = out["watched"]["mean_ms"][-1] / out["unwatched"]["mean_ms"][-1]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    drag = sub.add_parser("drag")
    drag.add_argument("--points", default="100000,1000000")
    drag.add_argument("--seconds", type=float, default=4.0)
    idle = sub.add_parser("idle")
    idle.add_argument("--seconds", type=float, default=3.0)
    log = sub.add_parser("log")
    log.add_argument("--points", type=int, default=1_000_000)
    log.add_argument("--calls", type=int, default=20)
    ui = sub.add_parser("ui")
    ui.add_argument("--points", default="30000,100000,1000000")
    ui.add_argument("--seconds", type=float, default=4.0)
    ui_frame = sub.add_parser("ui-frame")
    ui_frame.add_argument("--points", default="30000,100000,1000000")
    ui_frame.add_argument("--frames", type=int, default=60)
    args = parser.parse_args()
    if args.what == "drag":
        result = bench_drag([int(p) for p in args.points.split(",")], args.seconds)
    elif args.what == "ui-frame":
        result = bench_ui_frame([int(p) for p in args.points.split(",")], args.frames)
    elif args.what == "ui":
        result = bench_ui([int(p) for p in args.points.split(",")], args.seconds)
    elif args.what == "idle":
        result = bench_idle(args.seconds)
    else:
        result = bench_log(args.points, args.calls)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
