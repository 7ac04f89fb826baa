"""``import rerun`` stays light, and the import-linter contracts of pyproject.toml hold."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
HEAVY = ["vispy", "glfw", "imgui_bundle", "numba", "OpenGL", "rerun_app", "rerun_scene", "rerun_kernels"]

_PROBE = """
import json, sys, time
start = time.perf_counter()
import rerun
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "modules": sorted(m.split(".")[0] for m in sys.modules)}))
"""


def _probe() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RERUN")}
    result = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_import_rerun_loads_no_viewer_or_jit_library():
    loaded = set(_probe()["modules"])
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_import_rerun_takes_under_0_3_s():
    # The one timing check the issue asks for. Best of three fresh interpreters, because the
    # machine is shared: a single cold run can be slowed by a neighbour's build.
    best = min(_probe()["seconds"] for _ in range(3))
    assert best < 0.3, f"import rerun took {best:.3f} s"


def test_import_linter_contracts_hold():
    lint = shutil.which("lint-imports", path=str(pathlib.Path(sys.executable).parent)) or shutil.which("lint-imports")
    if lint is None:
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    result = subprocess.run([lint], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
