"""A logging program for the web tests: a red cloud at frame 0, ``rr.serve``, then a green cloud at frame 1.

``python serving_logger.py serve WEB_PORT WS_PORT [ROWS]`` serves (``ROWS`` scalar rows logged before and after
``rr.serve``); ``python serving_logger.py save PATH`` writes the same scene to a file instead. While serving it
reads commands on stdin: ``rows N`` logs N more scalar rows (prints ``logged N``), ``disconnect`` calls
``rr.disconnect()``; EOF ends it.
"""

from __future__ import annotations

import sys

import numpy as np

import rerun as rr

RED = (255, 0, 0)
GREEN = (0, 255, 0)
#: Two clusters of fat points (JPEG keeps their colour in the middle of each cluster).
RED_POINTS = np.random.default_rng(0).normal(scale=0.3, size=(400, 3)) + np.array([-1.0, 0.0, 0.0])
GREEN_POINTS = np.random.default_rng(1).normal(scale=0.3, size=(400, 3)) + np.array([1.5, 0.5, 0.0])


def log_scalars(start: int, count: int) -> None:
    for i in range(start, start + count):
        rr.set_time_sequence("step", i)
        rr.log_scalar("metrics/value", float(i))


def main() -> None:
    mode = sys.argv[1]
    rr.init("web_test")
    rows = int(sys.argv[4]) if mode == "serve" and len(sys.argv) > 4 else 0
    rr.set_time_sequence("frame", 0)
    rr.log_points("world/a_red", RED_POINTS, colors=np.array(RED, np.uint8), radii=0.08)
    log_scalars(0, rows)
    if mode == "save":
        rr.save(sys.argv[2])
    else:
        assert rr.serve(open_browser=False, web_port=int(sys.argv[2]), ws_port=int(sys.argv[3]))
    rr.set_time_sequence("frame", 1)
    rr.log_points("world/b_green", GREEN_POINTS, colors=np.array(GREEN, np.uint8), radii=0.08)
    log_scalars(rows, rows)
    print("READY", flush=True)
    if mode == "save":
        return
    logged = 2 * rows
    for line in sys.stdin:
        words = line.split()
        if words[:1] == ["rows"]:
            log_scalars(logged, int(words[1]))
            logged += int(words[1])
            print(f"logged {logged}", flush=True)
        elif words[:1] == ["disconnect"]:
            rr.disconnect()
            print("disconnected", flush=True)


if __name__ == "__main__":
    main()
