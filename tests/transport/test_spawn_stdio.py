"""rr.spawn() in a program whose output is piped: the viewer must not hold the program's stdout/stderr.

A CI harness, ``| tee`` or ``subprocess.run(capture_output=True)`` waits for EOF on the pipes; a viewer that
inherited them and keeps running would make the program look hung forever.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from net_support import free_port


def test_a_piped_program_that_spawned_a_viewer_reaches_eof_while_the_viewer_runs_on(tmp_path):
    code = (
        "import rerun as rr\n"
        "from rerun.transport.spawn import spawned, viewer_logs\n"
        f"rr.init('piped')\nassert rr.spawn(port={free_port()})\n"
        "rr.log_scalar('x', 1.0)\nrr.disconnect()\n"
        "print('viewer', spawned[0].pid, viewer_logs[spawned[0].pid], flush=True)\n"
    )
    env = dict(os.environ, RERUN_VIEWER_ARGS="--headless")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    viewer_pid = None
    try:
        # communicate() returns only at EOF on both pipes: before the fix the viewer held them open
        out, err = proc.communicate(timeout=90)
        assert proc.returncode == 0, err
        _, pid, log_path = out.split()[-3:]
        viewer_pid = int(pid)
        os.kill(viewer_pid, 0)  # the viewer still runs (it was not killed to produce the EOF)
        assert Path(log_path).exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        if viewer_pid is not None:
            try:
                os.kill(viewer_pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
