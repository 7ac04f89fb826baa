"""How long ``import rerun`` takes, as a ratio to importing its dependencies alone (same run).

Each sample is a fresh interpreter. The baseline imports what ``rerun`` cannot do without (numpy,
pyarrow); the ratio shows what rerun's own modules add, which a loaded machine slows down about
as much as the baseline. (tests/sdk/test_import_light.py checks *what* is imported, not how fast.)

Usage::

    python bench/import_time.py              # best and median of 15 interpreters each
    python bench/import_time.py --samples 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

_TIMED = """
import time
start = time.perf_counter()
import {modules}
print(time.perf_counter() - start)
"""


def sample(modules: str) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RERUN")}
    out = subprocess.run([sys.executable, "-c", _TIMED.format(modules=modules)], capture_output=True, text=True, env=env, check=True)
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=15)
    args = parser.parse_args()
    base, ours = [], []
    for _ in range(args.samples):  # interleaved, so both see the same machine load
        base.append(sample("numpy, pyarrow"))
        ours.append(sample("rerun"))
    for name, values in (("numpy + pyarrow", base), ("rerun", ours)):
        print(f"{name:16s} best {min(values) * 1e3:7.1f} ms   median {statistics.median(values) * 1e3:7.1f} ms")
    print(f"ratio rerun / deps: best {min(ours) / min(base):.2f}x   median {statistics.median(ours) / statistics.median(base):.2f}x")


if __name__ == "__main__":
    main()
