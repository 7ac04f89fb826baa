"""``import rerun`` stays light, the import-linter contracts of pyproject.toml hold, and each package imports
its own modules in one style."""

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


#: Source folder → import name of each package; a package imports its own modules one way only.
PACKAGES = {"sdk": "rerun", "app": "rerun_app", "scene": "rerun_scene", "kernels": "rerun_kernels", "demo": "rerun_demo"}


def _intra_package_import_styles(folder: str, name: str) -> dict[str, list[str]]:
    """``{"relative": [...], "absolute": [...]}``: where each package module imports its own package, by style."""
    import ast

    styles: dict[str, list[str]] = {"relative": [], "absolute": []}
    for path in sorted((REPO / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            where = f"{path.relative_to(REPO)}:{node.lineno}"
            if isinstance(node, ast.ImportFrom) and node.level > 0:
                styles["relative"].append(where)
            elif isinstance(node, ast.ImportFrom) and (node.module == name or (node.module or "").startswith(name + ".")):
                styles["absolute"].append(where)
            elif isinstance(node, ast.Import) and any(a.name == name or a.name.startswith(name + ".") for a in node.names):
                styles["absolute"].append(where)
    return styles


def test_each_package_imports_its_own_modules_in_one_style():
    mixed = {}
    for folder, name in PACKAGES.items():
        styles = _intra_package_import_styles(folder, name)
        assert styles["relative"] or styles["absolute"] or folder == "demo", f"{folder}: no intra-package import found"
        if styles["relative"] and styles["absolute"]:
            fewer = min(styles.values(), key=len)
            mixed[folder] = fewer[:5]
    assert not mixed, f"packages mixing relative and absolute imports of their own modules (the odd ones out): {mixed}"
