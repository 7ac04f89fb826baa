"""Benchmark: peak resident memory of our viewer vs the original Rerun 0.4 viewer opening the same recording.

    python bench/viewer_rss.py [--frames 20] [--points 500000] [--seconds 40] [--ref /work/refvenv/bin/python]

The recording is written by rerun-sdk 0.4.0 (both viewers read it): ``--frames`` log calls of ``--points``
coloured 3D points each on a ``frame`` timeline (20 x 500 k: ~145 MB). Each viewer opens it in a window on its own
Xvfb display (the original on lavapipe Vulkan, ours on llvmpipe GL) and runs for ``--seconds``; its peak RSS
(``VmHWM`` of the viewer process, read just before it is stopped) is reported with the ratio ours / original
(goal <= 0.6). The original plays the recording from its start; ours opens at the latest frame.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WRITE = """
import sys, numpy as np, rerun as rr
frames, points, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rr.init("rss-bench", spawn=False)
rng = np.random.default_rng(0)
for f in range(frames):
    rr.set_time_sequence("frame", f)
    pos = rng.normal(size=(points, 3)).astype(np.float32)
    rr.log_points("world/cloud", pos, colors=rng.integers(0, 255, size=(points, 3), dtype=np.uint8), radii=0.01)
rr.save(path)
"""


def peak_rss_bytes(pid: int) -> int:
    """``VmHWM`` (peak resident set) of a live process."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmHWM for pid {pid}")


def run_viewer(cmd: list[str], seconds: float) -> int:
    """Start ``cmd`` on a fresh Xvfb display, let it run ``seconds``, return its peak RSS in bytes."""
    r, w = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(w)
    display = ":" + os.read(r, 16).decode().strip()
    home = tempfile.mkdtemp(prefix="rss-home-")  # no persisted viewer state from earlier runs
    env = dict(os.environ, DISPLAY=display, HOME=home)
    env.pop("EGL_PLATFORM", None)
    env.pop("RERUN_GL_BACKEND", None)
    log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        time.sleep(seconds)
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"{cmd[:3]} exited early (rc={proc.returncode}):\n{log.read()[-2000:]}")
        return peak_rss_bytes(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        xvfb.terminate()
        xvfb.wait(10)
        os.close(r)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=20)
    parser.add_argument("--points", type=int, default=500_000)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--ref", default=os.environ.get("RERUN_REFERENCE_PYTHON", "/work/refvenv/bin/python"))
    parser.add_argument("--rrd", help="reuse this recording instead of writing one")
    a = parser.parse_args()
    rrd = a.rrd or os.path.join(tempfile.mkdtemp(prefix="rss-bench-"), "cloud.rrd")
    if not a.rrd:
        subprocess.run([a.ref, "-c", WRITE, str(a.frames), str(a.points), rrd], check=True)
    print(f"recording: {rrd} ({os.path.getsize(rrd) / 1e6:.0f} MB, {a.frames} x {a.points} points)")
    original = run_viewer([a.ref, "-m", "rerun", rrd], a.seconds)
    ours = run_viewer([sys.executable, "-m", "rerun_app", rrd], a.seconds)
    print(f"peak RSS  original {original / 1e9:.2f} GB   ours {ours / 1e9:.2f} GB   ours/original {ours / original:.2f}"
          f"  (goal <= 0.6)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
