"""The four "log to a file" workloads of reference/rerun_v04_api.md section 5, ours against rerun-sdk 0.4.0.

Run from the repository root (the reference SDK lives in its own venv, see tests/fixtures/rrd_v040)::

    python bench/reference_workloads.py                      # scale 0.1, all cases
    python bench/reference_workloads.py --scale 1 --cases a,d --ref /work/refvenv/bin/python

Each case runs in a fresh child process per SDK, the reference one under ``--ref`` (default
``/work/refvenv/bin/python``), ours under this interpreter. The child calls ``rr.init`` and ``rr.save``
first (data streams to the file as it is logged: the reference buffers everything in RAM otherwise), then
the loop, with ``set_time_sequence("frame", i)`` before every call, on pre-generated random data. It
reports the loop time and the time until the SDK's own exit hook has written and closed the file (an
exit hook registered before ``import rerun`` runs after the SDK's). ``rr.disconnect()`` is never called:
it can deadlock in 0.4.0. Peak RSS is the child's VmHWM (rusage would include the parent's pages
from before exec).

Cases (counts at scale 1; ``--scale`` multiplies the call counts):

- (a) 100 x ``log_points`` of 1 M float32 points + uint8 colours (2 alternating arrays)
- (b) 300 x ``log_depth_image`` 480x640 uint16, meter=1000 (8 alternating frames)
- (c) 300 x ``log_image`` 720x1280x3 uint8 (4 alternating frames)
- (d) 100 000 x ``log_scalar``

After writing, each file is read back: ours with ``rerun.recording.load``, the reference's with
``rerun.recording.load`` through ``rerun.legacy`` (the reference SDK has no reader of its own), and the
read time is printed too. Ratios are ours / reference: below 1 means we are faster or smaller.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

CASES = {
    "a": ("log_points 1M pts + u8 colours", 100),
    "b": ("depth 640x480 u16, meter=1000", 300),
    "c": ("rgb 1280x720x3 u8", 300),
    "d": ("log_scalar", 100_000),
}
DEFAULT_REF = "/work/refvenv/bin/python"

# The child program: stdlib + numpy + whichever `rerun` its interpreter imports.
CHILD = r"""
import atexit, json, os, sys, time
case, count, path, report = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
state = {}
def _closed():  # registered before `import rerun`, so it runs after the SDK's own exit hook
    state["closed_s"] = time.perf_counter() - state["start"]
    with open("/proc/self/status") as status:  # VmHWM: peak RSS of this process image (reset by exec)
        state["rss_mb"] = next(int(l.split()[1]) for l in status if l.startswith("VmHWM")) / 1024
    with open(report, "w") as out:
        json.dump(state, out)
atexit.register(_closed)
import numpy as np
import rerun as rr
rng = np.random.default_rng(0)
if case == "a":
    data = [(rng.random((1_000_000, 3), dtype=np.float32), rng.integers(0, 256, (1_000_000, 3), dtype=np.uint8)) for _ in range(2)]
    call = lambda i: rr.log_points("points", data[i % 2][0], colors=data[i % 2][1])
elif case == "b":
    data = [rng.integers(0, 65535, (480, 640), dtype=np.uint16) for _ in range(8)]
    call = lambda i: rr.log_depth_image("camera/depth", data[i % 8], meter=1000)
elif case == "c":
    data = [rng.integers(0, 256, (720, 1280, 3), dtype=np.uint8) for _ in range(4)]
    call = lambda i: rr.log_image("camera/rgb", data[i % 4])
else:
    call = lambda i: rr.log_scalar("plot/value", float(i))
rr.init("bench")
rr.save(path)
state["start"] = time.perf_counter()
for i in range(count):
    rr.set_time_sequence("frame", i)
    call(i)
state["loop_s"] = time.perf_counter() - state["start"]
"""


def run_case(python: str, case: str, count: int, workdir: str, tag: str) -> dict:
    path = os.path.join(workdir, f"{tag}_{case}.rrd")
    report = os.path.join(workdir, f"{tag}_{case}.json")
    start = time.perf_counter()
    code = subprocess.run([python, "-c", CHILD, case, str(count), path, report], cwd=workdir).returncode
    wall = time.perf_counter() - start
    if code != 0 or not os.path.exists(report):
        raise SystemExit(f"{tag} case {case} failed (exit status {code})")
    with open(report) as fh:
        result = json.load(fh)
    result.update(wall_s=wall, file_mb=os.path.getsize(path) / 1e6, path=path)
    return result


def read_back_s(path: str) -> float:
    from rerun.recording import load

    start = time.perf_counter()
    recording = load(path)
    rows = sum(recording.num_rows(p) for p in recording.entity_paths)
    elapsed = time.perf_counter() - start
    if rows == 0:
        raise SystemExit(f"{path}: read back no rows")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", default=DEFAULT_REF, help="python of the venv with rerun-sdk==0.4.0")
    parser.add_argument("--scale", type=float, default=0.1, help="multiplies every case's call count")
    parser.add_argument("--cases", default="a,b,c,d")
    args = parser.parse_args()
    if not os.path.exists(args.ref):
        raise SystemExit(f"--ref {args.ref} does not exist: create it as tests/fixtures/rrd_v040/README.md says")

    print(f"{'case':<36}{'sdk':<6}{'loop s':>8}{'closed s':>10}{'wall s':>8}{'RSS MB':>8}{'file MB':>9}{'read s':>8}")
    with tempfile.TemporaryDirectory() as workdir:
        for case in args.cases.split(","):
            title, full_count = CASES[case]
            count = max(1, round(full_count * args.scale))
            results = {}
            for tag, python in (("ref", args.ref), ("ours", sys.executable)):
                result = run_case(python, case, count, workdir, tag)
                result["read_s"] = read_back_s(result["path"])
                os.remove(result["path"])
                results[tag] = result
                label = f"({case}) {count} x {title}"
                print(
                    f"{label[:35]:<36}{tag:<6}{result['loop_s']:8.2f}{result['closed_s']:10.2f}{result['wall_s']:8.2f}"
                    f"{result['rss_mb']:8.0f}{result['file_mb']:9.1f}{result['read_s']:8.2f}"
                )
            ours, ref = results["ours"], results["ref"]
            print(
                f"{'':<36}{'ratio':<6}{ours['loop_s'] / ref['loop_s']:8.2f}{ours['closed_s'] / ref['closed_s']:10.2f}"
                f"{ours['wall_s'] / ref['wall_s']:8.2f}{ours['rss_mb'] / ref['rss_mb']:8.2f}"
                f"{ours['file_mb'] / max(ref['file_mb'], 1e-9):9.2f}{ours['read_s'] / ref['read_s']:8.2f}"
            )


if __name__ == "__main__":
    main()
