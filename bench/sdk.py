"""SDK throughput to a file: the four workloads of shared/reference/machine.md, end to end.

Each run is a fresh subprocess that generates random input (incompressible, as in the reference
measurement), calls ``rr.init``, ``rr.save(path)`` (streaming: the file is written while logging),
then loops ``rr.set_time_sequence("frame", i)`` + one log call. ``--save-at-end`` calls
``rr.save`` after the loop instead (everything is buffered in memory first). The clock stops when the file is
complete: a hook registered before ``import rerun`` runs after rerun's own exit hook has flushed and
closed the file. Peak RSS is the child's ``ru_maxrss``.

Baselines measured in the same run:
- a numpy copy of the same bytes into a reused buffer (the memory-bandwidth ceiling);
- ``os.write`` of the same bytes to a new file in the same folder, right after each of our runs
  (the page-cache ceiling, which on this VM swings between ~0.3 and ~2 GB/s with the machine's load);
- with ``--reference PYTHON``, the same script under another interpreter (rerun-sdk 0.4.0).

Usage::

    python bench/sdk.py                                   # all workloads, median of 3
    python bench/sdk.py --reference /work/refvenv/bin/python
    python bench/sdk.py --only scalars,depth --repeats 1
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

#: How many distinct input arrays each workload cycles through (as the reference measurement did);
#: the os.write baseline cycles through as many source buffers, so both copy from equally cold memory.
ROTATION = {"points": 2, "depth": 8, "image": 4, "scalars": 1}

WORKLOADS = {
    # name: (calls, unit, units per call, payload bytes per call)
    "points": (100, "points", 1_000_000, 1_000_000 * (12 + 3)),
    "depth": (300, "frames", 1, 480 * 640 * 2),
    "image": (300, "frames", 1, 720 * 1280 * 3),
    "scalars": (100_000, "calls", 1, 8),
}

GOALS = {
    "points": "≥ 56 M points/s, peak RSS ≤ 850 MB",
    "depth": "≥ 10× the reference",
    "image": "≥ 10× the reference",
    "scalars": "≥ 500 k calls/s, peak RSS < 150 MB",
}


# ------------------------------------------------------------------------------------------------
# Child: one workload, one process. Must run under numpy 1.x and rerun-sdk 0.4.0 too.


def child(name: str, path: str, save_at_end: bool = False) -> None:
    import atexit
    import resource

    state: dict = {}

    def report() -> None:
        state["total_s"] = time.perf_counter() - state["t0"]
        usage = resource.getrusage(resource.RUSAGE_SELF)
        state["rss_mb"] = usage.ru_maxrss / 1024
        state["cpu_s"] = usage.ru_utime + usage.ru_stime - state.pop("cpu0")
        state["file_bytes"] = os.path.getsize(path) if os.path.exists(path) else 0
        state.pop("t0")
        sys.stdout.write("BENCH " + json.dumps(state) + "\n")
        sys.stdout.flush()

    atexit.register(report)  # before import rerun: atexit runs it after rerun's shutdown hook

    import numpy as np

    rng = np.random.default_rng(0)
    calls = WORKLOADS[name][0]
    if name == "points":
        positions = [rng.random((1_000_000, 3), dtype=np.float32) for _ in range(2)]
        colors = [rng.integers(0, 256, (1_000_000, 3), dtype=np.uint8) for _ in range(2)]
    elif name == "depth":
        frames = [rng.integers(0, 65535, (480, 640), dtype=np.uint16) for _ in range(8)]
    elif name == "image":
        frames = [rng.integers(0, 256, (720, 1280, 3), dtype=np.uint8) for _ in range(4)]
    else:
        values = rng.normal(size=calls).tolist()

    import rerun as rr

    rr.init("bench")
    if not save_at_end:
        rr.save(path)
    set_time = rr.set_time_sequence
    start_usage = resource.getrusage(resource.RUSAGE_SELF)
    state["cpu0"] = start_usage.ru_utime + start_usage.ru_stime
    state["t0"] = time.perf_counter()
    if name == "points":
        for i in range(calls):
            set_time("frame", i)
            rr.log_points("points", positions[i % 2], colors=colors[i % 2])
    elif name == "depth":
        for i in range(calls):
            set_time("frame", i)
            rr.log_depth_image("depth", frames[i % 8], meter=1000)
    elif name == "image":
        for i in range(calls):
            set_time("frame", i)
            rr.log_image("image", frames[i % 4])
    else:
        log_scalar = rr.log_scalar
        for i in range(calls):
            set_time("frame", i)
            log_scalar("scalar", values[i])
    if save_at_end:
        rr.save(path)  # the backlog buffered in memory goes to the file now
    state["log_s"] = time.perf_counter() - state["t0"]


# ------------------------------------------------------------------------------------------------
# Parent


def run_child(python: str, name: str, directory: str, save_at_end: bool = False) -> dict:
    fd, path = tempfile.mkstemp(suffix=".rrd", prefix=f"bench-{name}-", dir=directory)
    os.close(fd)
    env = {k: v for k, v in os.environ.items() if k not in ("RERUN", "RERUN_STRICT", "PYTHONPATH")}
    try:
        result = subprocess.run(
            [python, os.path.abspath(__file__), "--child", name, path] + (["--save-at-end"] if save_at_end else []),
            capture_output=True,
            text=True,
            env=env,
            cwd=directory,
            timeout=900,
        )
    finally:
        if os.path.exists(path):
            os.remove(path)
    lines = [line for line in result.stdout.splitlines() if line.startswith("BENCH ")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"{python} {name} failed (rc {result.returncode}):\n{result.stderr[-2000:]}")
    return json.loads(lines[-1][len("BENCH ") :])


def memcpy_seconds(name: str) -> float:
    """Time to copy the workload's payload bytes into a reused buffer, in per-call chunks of >= 1 MiB."""
    import numpy as np

    calls, _, _, per_call = WORKLOADS[name]
    total = calls * per_call
    chunk = max(per_call, 1 << 20)
    src = np.random.default_rng(1).integers(0, 256, chunk, dtype=np.uint8)
    dst = np.empty_like(src)
    np.copyto(dst, src)
    start = time.perf_counter()
    done = 0
    while done < total:
        np.copyto(dst, src)
        done += chunk
    return (time.perf_counter() - start) * total / done


def raw_write_seconds(name: str, directory: str) -> float:
    """Time to write the workload's payload bytes to a new file with os.write, one write per call.

    The sources rotate like the workload's inputs (see ROTATION); scalars are written in 1 MiB chunks.
    """
    import numpy as np

    calls, _, _, per_call = WORKLOADS[name]
    total = calls * per_call
    chunk = per_call if ROTATION[name] > 1 else max(per_call, 1 << 20)
    rng = np.random.default_rng(2)
    sources = [rng.integers(0, 256, chunk, dtype=np.uint8) for _ in range(ROTATION[name])]
    fd, path = tempfile.mkstemp(suffix=".bin", prefix=f"bench-raw-{name}-", dir=directory)
    try:
        start = time.perf_counter()
        done = i = 0
        while done < total:
            done += os.write(fd, sources[i % len(sources)])
            i += 1
        os.close(fd)
        return time.perf_counter() - start
    finally:
        os.remove(path)


def measure(python: str, name: str, repeats: int, directory: str, with_write: bool = False, save_at_end: bool = False) -> dict:
    """Median of ``repeats`` child runs; with ``with_write``, an os.write baseline after each run."""
    runs, writes = [], []
    for _ in range(repeats):
        runs.append(run_child(python, name, directory, save_at_end))
        if with_write:
            writes.append(raw_write_seconds(name, directory))
    result = {
        "total_s": statistics.median(r["total_s"] for r in runs),
        "log_s": statistics.median(r["log_s"] for r in runs),
        "cpu_s": statistics.median(r["cpu_s"] for r in runs),
        "rss_mb": max(r["rss_mb"] for r in runs),
        "file_mb": runs[-1]["file_bytes"] / 1e6,
        "runs": runs,
    }
    if with_write:
        result["write_s"] = statistics.median(writes)
        # Each run against the os.write right after it: page-cache state drifts between runs.
        result["write_ratio"] = statistics.median(w / r["total_s"] for w, r in zip(writes, runs))
    return result


def rate(name: str, seconds: float) -> float:
    calls, _, units, _ = WORKLOADS[name]
    return calls * units / seconds


def human(value: float) -> str:
    for scale, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if value >= scale:
            return f"{value / scale:.3g} {suffix}"
    return f"{value:.3g}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", nargs=2, metavar=("WORKLOAD", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--reference", metavar="PYTHON", help="also run the workloads with this interpreter (rerun-sdk 0.4.0)")
    parser.add_argument("--only", default=",".join(WORKLOADS), help="comma-separated workloads (default: all)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per workload; the median is reported (default 3)")
    parser.add_argument("--dir", default=tempfile.gettempdir(), help="where the .rrd files go (deleted after each run)")
    parser.add_argument("--json", metavar="FILE", help="also write every figure to FILE")
    parser.add_argument(
        "--save-at-end",
        action="store_true",
        help="log everything first, then rr.save() (the backlog is buffered in memory): the variant of machine.md's reference figures",
    )
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child, save_at_end=args.save_at_end)
        return 0

    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        parser.error(f"--only: unknown workload(s) {unknown}; choose from {list(WORKLOADS)}")
    results = {}
    for name in names:
        ours = measure(sys.executable, name, args.repeats, args.dir, with_write=True, save_at_end=args.save_at_end)
        entry = {"ours": ours, "memcpy_s": memcpy_seconds(name), "write_s": ours["write_s"], "write_ratio": ours["write_ratio"]}
        if args.reference:
            entry["reference"] = measure(args.reference, name, args.repeats, args.dir, save_at_end=args.save_at_end)
        results[name] = entry
        print(f"[{name} done]", file=sys.stderr, flush=True)

    print(
        f"{'save at end' if args.save_at_end else 'save first (streaming)'}; "
        f"end to end (log loop + file closed), median of {args.repeats}; rates in units per second; "
        "'per CPU s' divides by the process's CPU time (steadier than wall time on a shared machine); "
        "'ours/write' is the median over runs of (os.write time right after the run / the run's time)"
    )
    header = (
        f"{'workload':<9} {'unit':<7} {'ours':>9} {'loop only':>10} {'per CPU s':>10} {'memcpy':>9} {'ours/memcpy':>12} "
        f"{'os.write':>9} {'ours/write':>11} {'RSS MB':>7} {'file MB':>8}"
    )
    if args.reference:
        header += f" {'reference':>10} {'ref per CPU s':>14} {'ref RSS MB':>10} {'ours/ref':>9} {'CPU ours/ref':>13}"
    print(header)
    for name, entry in results.items():
        ours = entry["ours"]
        unit = WORKLOADS[name][1]
        line = (
            f"{name:<9} {unit:<7} {human(rate(name, ours['total_s'])):>9} {human(rate(name, ours['log_s'])):>10} "
            f"{human(rate(name, ours['cpu_s'])):>10} "
            f"{human(rate(name, entry['memcpy_s'])):>9} {entry['memcpy_s'] / ours['total_s']:>12.3f} "
            f"{human(rate(name, entry['write_s'])):>9} {entry['write_ratio']:>11.2f} "
            f"{ours['rss_mb']:>7.0f} {ours['file_mb']:>8.1f}"
        )
        if args.reference:
            ref = entry["reference"]
            line += (
                f" {human(rate(name, ref['total_s'])):>10} {human(rate(name, ref['cpu_s'])):>14} {ref['rss_mb']:>10.0f}"
                f" {ref['total_s'] / ours['total_s']:>9.2f} {ref['cpu_s'] / ours['cpu_s']:>13.2f}"
            )
        print(line)
    print("goals: " + "; ".join(f"{name} {GOALS[name]}" for name in results))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
