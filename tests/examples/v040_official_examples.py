"""Run the official Rerun 0.4.0 example programs, unchanged, on our SDK and on rerun-sdk 0.4.0, and compare.

A developer tool, not a test (the example code is not ours and is never committed here; it needs scipy and
OpenCV, which the project does not depend on). It extracts ``examples/python`` at tag ``v0.4.0`` from a git
clone of the Rerun repository into a temporary folder, then:

- runs the six examples that take the standard script flags with ``--save`` on both SDKs and compares the
  entity paths of the two recordings (read by ``rerun.recording.load``, which reads both formats);
- runs the three that take no arguments (``minimal``, ``dna``, ``multiprocessing``) on our SDK through their
  own ``rr.spawn()``: the spawned viewer is headless (``RERUN_VIEWER_ARGS``) and saves what it received;
- fails an example that exits non-zero or whose stderr holds a warning or a traceback (stderr lines the
  example prints itself through ``logging`` at INFO are allowed).

Usage::

    python tests/examples/v040_official_examples.py --repo /path/to/rerun.git \\
        --ours-python PYTHON_WITH_OUR_SDK --reference-python PYTHON_WITH_RERUN_SDK_0_4_0 [--json out.json]

Both interpreters need numpy, scipy and opencv-python-headless. The examples that spawn use Rerun's default
port 9876, so nothing else may listen there while this runs. Prints one line per example and exits 1 if any
failed.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

SAVING = {"api_demo": [], "car": [], "clock": ["--steps", "500"], "plots": [], "text_logging": [], "multithreading": []}
SPAWNING = ("minimal", "dna", "multiprocessing")
TIMEOUT_S = 600


def extract(repo: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", repo, "archive", "--format=tar", "v0.4.0", "examples/python"], capture_output=True, check=True
    ).stdout
    tar_path = into / "examples.tar"
    tar_path.write_bytes(archive)
    with tarfile.open(tar_path) as tar:
        tar.extractall(into, filter="data")
    return into / "examples" / "python"


def bad_stderr(stderr: str) -> list[str]:
    """Lines of stderr that are a warning or part of a traceback (the examples' own INFO logging is fine)."""
    return [line for line in stderr.splitlines() if line.strip() and not line.startswith("INFO:")]


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def run(python: str, folder: Path, args: list[str], env: dict | None = None) -> tuple[int, str]:
    proc = subprocess.run([python, "main.py", *args], cwd=folder, capture_output=True, text=True, timeout=TIMEOUT_S, env=env)
    return proc.returncode, proc.stderr


def entity_paths(path: Path) -> list[str]:
    from rerun.recording import load

    recording = load(path)
    if not recording.complete:
        raise RuntimeError(f"{path} is incomplete")
    return recording.entity_paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", required=True, help="a git clone (or bare mirror) of rerun-io/rerun with tag v0.4.0")
    parser.add_argument("--ours-python", default=sys.executable)
    parser.add_argument("--reference-python", required=True)
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        examples = extract(args.repo, tmp_path)
        for name, extra in SAVING.items():
            row: dict = {}
            for side, python in (("ours", args.ours_python), ("reference", args.reference_python)):
                out = tmp_path / f"{name}-{side}.rrd"
                code, stderr = run(python, examples / name, [*extra, "--save", str(out)])
                row[side] = {"exit": code, "bad_stderr": bad_stderr(stderr)[:20]}
                if code == 0:
                    row[side]["entity_paths"] = entity_paths(out)
            row["ok"] = row["ours"]["exit"] == 0 and not row["ours"]["bad_stderr"]
            row["same_entity_paths"] = row["ours"].get("entity_paths") == row["reference"].get("entity_paths")
            results[name] = row
        for name in SPAWNING:
            deadline = time.monotonic() + 60
            while not port_free(9876) and time.monotonic() < deadline:
                time.sleep(0.2)  # the previous example's viewer exits once idle
            out = tmp_path / f"{name}-ours.rrd"
            env = dict(os.environ, RERUN_VIEWER_ARGS=f"--headless --exit-after-idle 1 --save {out}")
            code, stderr = run(args.ours_python, examples / name, [], env)
            while time.monotonic() < deadline + 60 and not port_free(9876):
                time.sleep(0.2)
            row = {"ours": {"exit": code, "bad_stderr": bad_stderr(stderr)[:20]}}
            if code == 0:
                row["ours"]["entity_paths"] = entity_paths(out)
            row["ok"] = code == 0 and not row["ours"]["bad_stderr"]
            results[name] = row
    for name, row in results.items():
        same = row.get("same_entity_paths")
        print(f"{name:15s} {'ok' if row['ok'] else 'FAILED'}  entity paths {row['ours'].get('entity_paths', '-') and len(row['ours'].get('entity_paths', []))}"
              + ("" if same is None else f", equal to 0.4.0's: {same}"))
        for line in row["ours"]["bad_stderr"]:
            print("    " + line)
    ran = sum(row["ok"] for row in results.values())
    same = sum(bool(row.get("same_entity_paths")) for row in results.values())
    print(f"examples run unchanged: {ran} of {len(results)}; entity paths equal to 0.4.0's: {same} of {len(SAVING)}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0 if ran == len(results) and same == len(SAVING) else 1


if __name__ == "__main__":
    sys.exit(main())
