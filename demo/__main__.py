"""``python -m rerun_demo``: ``--cube`` (the default) streams the twisting colour-grid cube to a spawned viewer.

``--colmap`` opened a COLMAP recording bundled in Rerun 0.4.0's wheel; this package bundles none, so it says
so and exits with status 1. ``--save FILE`` (ours) records the cube to a file instead of spawning a viewer.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

STEPS = 100
NO_COLMAP = (
    "rerun_demo --colmap: this installation bundles no COLMAP recording (Rerun 0.4.0's wheel shipped "
    "colmap_fiat.rrd; ours does not). Open a recording of your own with `rerun FILE.rrd`, or run "
    "`python -m rerun_demo --cube`."
)


def run_cube(save: str | None = None, port: int | None = None, steps: int = STEPS) -> None:
    """Log ``steps`` frames of a 10 x 10 x 10 colour grid whose twist follows one period of a sine (at most pi/4)."""
    import rerun as rr
    from rerun_demo.data import build_color_grid

    rr.init("Cube")
    if save is not None:
        rr.save(save)
    elif port is not None:
        rr.spawn(port=port)
    else:
        rr.spawn()
    twists = (np.pi / 4) * np.sin(np.linspace(0.0, 2 * np.pi, steps))
    for step, twist in enumerate(twists):
        rr.set_time_sequence("step", step)
        cube = build_color_grid(10, 10, 10, twist=twist)
        rr.log_points("cube", positions=cube.positions, colors=cube.colors, radii=0.5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rerun_demo", description="Run the Rerun demo programs.")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--cube", action="store_true", help="the twisting colour-grid cube (the default)")
    which.add_argument("--colmap", action="store_true", help="the COLMAP recording (not bundled: says so)")
    parser.add_argument("--save", metavar="FILE.rrd", help="record the cube to this file instead of spawning a viewer")
    parser.add_argument("--port", type=int, help="port of the viewer to spawn or reuse (default 9876)")
    args = parser.parse_args(argv)
    if args.colmap:
        print(NO_COLMAP, file=sys.stderr)
        return 1
    run_cube(save=args.save, port=args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
