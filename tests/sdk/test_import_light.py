"""``import rerun`` stays light, and the import-linter contracts of pyproject.toml hold."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
HEAVY = ["vispy", "glfw", "imgui_bundle", "numba", "OpenGL", "rerun_app", "rerun_scene", "rerun_kernels", "websockets", "PIL",
         "playwright"]

_PROBE = """
import json, sys
import rerun
print(json.dumps({"modules": sorted(sys.modules)}))
"""


def _imported() -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RERUN")}
    result = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout)["modules"])


def test_import_rerun_loads_no_viewer_or_jit_library():
    # How long the import takes is measured in bench/import_time.py (a ratio to importing its
    # dependencies alone, in the same run); a wall-clock bound here would fail on a loaded machine.
    loaded = {name.split(".")[0] for name in _imported()}
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_import_rerun_loads_only_the_logging_side_of_the_package():
    modules = {name for name in _imported() if name == "rerun" or name.startswith("rerun.")}
    assert {"rerun", "rerun._session", "rerun.wire.frames", "rerun.sinks"} <= modules
    # The readers and the viewer transport's ring are imported on use, not by `import rerun`.
    assert not modules & {"rerun.recording", "rerun.legacy", "rerun.transport.ring", "rerun.transport.viewer_sink"}, sorted(modules)


def test_import_linter_contracts_hold():
    # A missing tool fails (like the GL tests under RERUN_REQUIRE_GL): CI installs it with the test extras.
    lint = shutil.which("lint-imports", path=str(pathlib.Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert lint is not None, "import-linter is not installed: pip install -e '.[test]' (it is in the test extras)"
    result = subprocess.run([lint], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
