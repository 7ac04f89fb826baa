"""Cost of the log_* layer (validation + conversion) against baselines measured in the same run.

Run: ``python bench/log_calls.py``. Prints, per case, our time, the baseline's and the ratio:

- ``log_scalar`` vs the session fast path ``_session.log_scalar_row`` alone (target: +<=1.5 us);
- ``log_text_entry`` vs ``_session.log_text_row``;
- disabled ``log_points`` / ``log_scalar`` vs an empty Python function call (target: < 1 us);
- ``log_points`` of 1 M float32 points (+ u8 colours) with the session stubbed out, vs one memcpy
  of the positions (zero copy means the positions cost nothing; the colours cost one RGBA pass).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

import rerun as rr
from rerun import _session


def per_call_us(fn, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n * 1e6


def report(name: str, ours: float, baseline: float, unit: str = "us") -> None:
    print(f"{name:<48} {ours:9.3f} {unit}  baseline {baseline:9.3f} {unit}  ratio {ours / baseline:6.2f}")


def main() -> None:
    def noop():
        return None

    empty = per_call_us(noop, 200_000)
    _session.set_enabled(False)
    report("disabled rr.log_points (vs empty call)", per_call_us(lambda: rr.log_points("a", None), 200_000), empty)
    report("disabled rr.log_scalar (vs empty call)", per_call_us(lambda: rr.log_scalar("a", 1.0), 200_000), empty)
    _session.set_enabled(True)

    with tempfile.TemporaryDirectory() as tmp:
        rr.save(Path(tmp) / "bench.rrd")
        rr.set_time_sequence("frame", 0)
        n = 200_000
        row = _session.log_scalar_row
        base = per_call_us(lambda: row("s/base", 1.0, None, None, None, None), n)
        ours = per_call_us(lambda: rr.log_scalar("s/ours", 1.0), n)
        report("rr.log_scalar (vs session row)", ours, base)
        print(f"{'':<48} -> validation {ours - base:.3f} us/call, {1e6 / ours:,.0f} calls/s end to end")
        text_row = _session.log_text_row
        base = per_call_us(lambda: text_row("t/base", "hello", "INFO", None, False), n)
        ours = per_call_us(lambda: rr.log_text_entry("t/ours", "hello"), n)
        report("rr.log_text_entry (vs session row)", ours, base)
        rr.disconnect()

    positions = np.random.default_rng(0).random((1_000_000, 3), dtype=np.float32)
    colors = np.random.default_rng(1).integers(0, 256, (1_000_000, 3), dtype=np.uint8)
    real_log = _session.log
    _session.log = lambda path, components, timeless=False: None
    try:
        copy = per_call_us(lambda: np.copyto(np.empty_like(positions), positions), 20) / 1e3
        report("rr.log_points 1M (vs memcpy of positions)", per_call_us(lambda: rr.log_points("p", positions), 20) / 1e3, copy, "ms")
        report(
            "rr.log_points 1M + u8 colours (vs memcpy)",
            per_call_us(lambda: rr.log_points("p", positions, colors=colors), 20) / 1e3,
            copy,
            "ms",
        )
    finally:
        _session.log = real_log


if __name__ == "__main__":
    main()
