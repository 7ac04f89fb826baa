"""Damaged-file fuzz: bit flips and truncations of a small recording, read back with ``recording.load``.

Run as a script (``python file_fuzz.py FILE CASES SEED``) it prints one JSON line of totals; a crash
of the reader (SIGBUS, SIGSEGV) kills the script, which its caller sees as a signal exit code.

For each damaged copy, a frame is *intact* when none of its bytes changed and it lies wholly within
the copy. The reader must return every row of every intact frame (``lost``), and no row that was
not logged (``changed``: a value altered by the damage and returned as if it were data).
"""

from __future__ import annotations

import json
import random
import sys

import numpy as np
import pyarrow as pa


def write_recording(path: str, frames: int = 40) -> None:
    """One frame per row: scalars and small point clouds on a few entities, each flushed on its own."""
    import rerun as rr
    from rerun import _session

    rr.init("fuzz")
    rr.save(path)
    for i in range(frames):
        rr.set_time_sequence("frame", i)
        if i % 2:
            rr.log_scalar(f"scalar/{i % 3}", float(i) * 1.5)
        else:
            rr.log_points(f"points/{i % 4}", np.arange(30, dtype=np.float32).reshape(10, 3) + i, labels=[f"p{i}"] * 10)
        _session.flush()
    rr.disconnect()


def _rows(recording) -> set:
    """Every logged row as a hashable (entity, frame, component values) tuple."""
    rows = set()
    for entity in recording.entity_paths:
        table = recording.table(entity)
        names = [n for n in table.column_names if n not in ("log_time",)]
        table = table.select(names)
        # timestamps as integers: a damaged v1 file may hold years past 9999, which datetime cannot show
        table = table.cast(pa.schema([pa.field(f.name, pa.int64() if pa.types.is_timestamp(f.type) else f.type) for f in table.schema]))
        for row in table.to_pylist():
            rows.add((entity, json.dumps(row, sort_keys=True, default=str)))
    return rows


def _frame_spans(data: bytes) -> list[tuple[int, int, bool]]:
    """(start, end, is a LOG frame) of every frame of an undamaged stream."""
    import struct

    spans, pos = [], 8
    while pos < len(data):
        kind, length = data[pos + 2], struct.unpack_from("<Q", data, pos + 8)[0]
        spans.append((pos, pos + 16 + length, kind == 2))
        pos += 16 + length
    return spans


def _rows_of_frames(path: str, data: bytes, spans: list[tuple[int, int]], keep: list[bool]) -> set:
    """The rows held by the frames marked in ``keep`` (a file of just those frames, read back)."""
    from rerun import recording

    subset = bytearray(data[:8])
    for (start, end, _), kept in zip(spans, keep):
        if kept:
            subset += data[start:end]
    with open(path, "wb") as fh:
        fh.write(subset)
    return _rows(recording.load(path))


def _load_in_child(path: str) -> tuple[str, set]:
    """Read ``path`` in a forked child, so a crash of the reader is counted instead of ending the run.

    Returns ("read", rows), ("files_rejected", empty) for a WireError, ("raw_errors", empty) for any
    other exception, ("crashed", empty) when the child died of a signal.
    """
    import os

    from rerun import recording
    from rerun.wire import WireError

    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: read, send the outcome as JSON, leave without cleanup
        os.close(read_fd)
        try:
            result = ["read", sorted(_rows(recording.load(path)))]
        except WireError:
            result = ["files_rejected", []]
        except Exception as exc:  # noqa: BLE001 - anything but WireError is a defect, counted
            result = ["raw_errors", [["error", f"{type(exc).__name__}: {exc}"]]]
        with os.fdopen(write_fd, "w") as out:
            json.dump(result, out)
        os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd) as inp:
        text = inp.read()
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status) or not text:
        return "crashed", set()
    outcome, rows = json.loads(text)
    if outcome == "raw_errors":
        print(rows[0][1], file=sys.stderr)
        return outcome, set()
    return outcome, {tuple(row) for row in rows}


def run(source: str, cases: int, seed: int, scratch: str) -> dict:
    from rerun import recording

    data = open(source, "rb").read()
    spans = _frame_spans(data)
    logged = _rows(recording.load(source))
    rng = random.Random(seed)
    totals = {
        "cases": cases, "frames_intact": 0, "frames_recovered": 0, "rows_lost": 0, "rows_changed": 0,
        "files_rejected": 0, "raw_errors": 0, "crashed": 0,
    }
    for case in range(cases):
        damaged = bytearray(data)
        hit: set[int] = set()
        mode = case % 4
        if mode == 3:  # truncated at a random point
            cut = rng.randrange(9, len(data))
            damaged = damaged[:cut]
            hit = set(range(cut, len(data)))
        else:  # 1, 2 or 3 single-bit flips after the stream header
            for _ in range(mode + 1):
                pos = rng.randrange(8, len(data))
                damaged[pos] ^= 1 << rng.randrange(8)
                hit.add(pos)
        intact = [not any(start <= p < end for p in hit) for start, end, _ in spans]
        expected = _rows_of_frames(scratch, data, spans, intact)
        with open(scratch, "wb") as fh:
            fh.write(damaged)
        outcome, got = _load_in_child(scratch)
        if outcome != "read":
            totals[outcome] += 1
            if outcome != "files_rejected":
                print(f"case {case} ({'truncated' if mode == 3 else f'{mode + 1} flips'}): {outcome}", file=sys.stderr)
        intact_logs = sum(kept for kept, (_, _, is_log) in zip(intact, spans) if is_log)
        totals["frames_intact"] += intact_logs
        totals["rows_lost"] += len(expected - got)
        totals["rows_changed"] += len(got - logged)
        totals["frames_recovered"] += intact_logs - len(expected - got)  # one row per LOG frame
    return totals


if __name__ == "__main__":
    source, cases, seed, scratch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    if len(sys.argv) > 5 and sys.argv[5] == "--write":
        write_recording(source)
    print(json.dumps(run(source, cases, seed, scratch)))
