"""A logging process for the transport tests: logs known values that the tests can recompute.

Entity ``<prefix>/points`` gets, at frame i, ``expected_points(prefix, i, n)``; entity
``<prefix>/scalar`` gets ``expected_scalar(prefix, i)``. Prints the sink stats as JSON at the end.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
import zlib

import numpy as np

import rerun as rr


def seed_of(prefix: str) -> float:
    return float(zlib.crc32(prefix.encode()) % 1000)


def expected_points(prefix: str, i: int, n: int) -> np.ndarray:
    return (np.arange(n * 3, dtype=np.float32).reshape(n, 3) * 0.5 + i + seed_of(prefix)).astype(np.float32)


def expected_scalar(prefix: str, i: int) -> float:
    return i * 1.5 + seed_of(prefix)


def log_series(prefix: str, count: int, points: int, sleep: float) -> None:
    for i in range(count):
        rr.set_time_sequence("frame", i)
        rr.log_points(f"{prefix}/points", expected_points(prefix, i, points))
        rr.log_scalar(f"{prefix}/scalar", expected_scalar(prefix, i))
        if sleep:
            time.sleep(sleep)


MID_FRAME_LINE = "frozen inside a frame"


def freeze_inside_the_second_chunked_frame(stop_process: bool = False) -> None:
    """Make the sender stop right after the first chunk of the second frame sent in chunks.

    Frames bigger than a quarter of the ring travel as several CHUNK records (``RingWriter.write_chunk``,
    called with the rest of the frame each time). The first call for a frame gets the whole frame;
    once a second frame has been started (one whole frame went before it), the process prints
    ``MID_FRAME_LINE`` and then either the sender thread blocks forever (a kill after that line is
    certain to land inside a frame) or, with ``stop_process``, the whole process stops itself with
    SIGSTOP (as a debugger or Ctrl-Z would) and finishes the frame once it gets SIGCONT.
    """
    import signal
    import threading

    from rerun.transport.ring import RingWriter

    original = RingWriter.write_chunk
    state = {"frame_bytes": None, "starts": 0}

    def write_chunk(self, data):
        taken = original(self, data)
        if state["frame_bytes"] is None:
            state["frame_bytes"] = data.nbytes
        if taken and data.nbytes == state["frame_bytes"]:
            state["starts"] += 1
            if state["starts"] == 2 and taken < data.nbytes:
                print(MID_FRAME_LINE, flush=True)
                if stop_process:
                    os.kill(os.getpid(), signal.SIGSTOP)
                else:
                    threading.Event().wait()
        return taken

    RingWriter.write_chunk = write_chunk


def wait_for_line(proc, line: str, timeout: float) -> None:
    """Read the logger ``proc``'s stdout (a text pipe) until ``line`` appears; raise AssertionError if it exits
    or ``timeout`` seconds pass first."""
    import select

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        readable, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
        if not readable:
            break
        got = proc.stdout.readline()
        if not got:
            raise AssertionError(f"the logger exited (code {proc.wait()}) before printing {line!r}: {proc.stderr.read()[-2000:]}")
        if got.strip() == line:
            return
    raise AssertionError(f"the logger did not print {line!r} within {timeout} s")


def _child(prefix: str, count: int, points: int, addr: str | None, transport: str, connect: bool) -> None:
    if connect:  # spawn start method: a fresh interpreter must connect itself
        rr.init("transport-test")
        rr.connect(addr, transport=transport)
    log_series(prefix, count, points, 0.0)
    rr.disconnect()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--addr")
    parser.add_argument("--spawn-viewer", type=int, default=None, help="rr.spawn(port=...) instead of connect")
    parser.add_argument("--transport", default="auto")
    parser.add_argument("--prefix", default="proc")
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--points", type=int, default=100)
    parser.add_argument("--sleep", type=float, default=0.0)
    parser.add_argument("--recording-id")
    parser.add_argument("--children", choices=["fork", "spawn"], help="also log from 2 multiprocessing children")
    parser.add_argument("--threads", type=int, default=0, help="also log from this many threads (prefix/thread<k>)")
    parser.add_argument("--no-disconnect", action="store_true", help="rely on interpreter exit to flush")
    parser.add_argument("--forever", action="store_true", help="keep logging until killed")
    parser.add_argument("--freeze-mid-frame", action="store_true", help="see freeze_inside_the_second_chunked_frame")
    parser.add_argument("--stop-mid-frame", action="store_true", help="SIGSTOP itself there instead (see the same)")
    args = parser.parse_args()
    if args.freeze_mid_frame or args.stop_mid_frame:
        freeze_inside_the_second_chunked_frame(stop_process=args.stop_mid_frame)

    rr.init("transport-test")
    if args.recording_id:
        rr.set_recording_id(args.recording_id)
    if args.spawn_viewer is not None:
        rr.spawn(port=args.spawn_viewer)
    else:
        rr.connect(args.addr, transport=args.transport)
    if args.forever:
        i = 0
        while True:
            rr.set_time_sequence("frame", i)
            rr.log_points(f"{args.prefix}/points", expected_points(args.prefix, i, args.points))
            i += 1
    log_series(args.prefix, args.count, args.points, args.sleep)
    if args.threads:
        import threading

        workers = [
            threading.Thread(target=log_series, args=(f"{args.prefix}/thread{k}", args.count, args.points, 0.0))
            for k in range(args.threads)
        ]
        for t in workers:
            t.start()
        for t in workers:
            t.join()
    if args.children:
        ctx = multiprocessing.get_context(args.children)
        procs = [
            ctx.Process(
                target=_child,
                args=(f"{args.prefix}/child{k}", args.count, args.points, args.addr, args.transport, args.children == "spawn"),
            )
            for k in range(2)
        ]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
            if p.exitcode != 0:
                sys.exit(f"child exited with {p.exitcode}")
    stats = rr.get_sink_stats()
    if not args.no_disconnect:
        rr.disconnect()
    print(json.dumps({"stats": stats, "recording_id": rr.get_recording_id(), "pid": os.getpid()}), flush=True)


if __name__ == "__main__":
    main()
