"""The built wheel holds every subpackage of the four source folders and declares the ``rerun`` script.

An editable install hides a package missing from the wheel, so this builds a real wheel from a copy
of the sources. ``--skip-dependency-check``: the build runs in the test environment as it is (the
venv may hold an older setuptools than ``build-system.requires`` names; any that can build is fine).
"""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys
import zipfile

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
FOLDERS = {"sdk": "rerun", "app": "rerun_app", "scene": "rerun_scene", "kernels": "rerun_kernels", "demo": "rerun_demo"}


def expected_packages() -> set[str]:
    packages = set()
    for folder, name in FOLDERS.items():
        root = REPO / folder
        for init in root.rglob("__init__.py"):
            relative = init.parent.relative_to(root)
            if "__pycache__" in relative.parts:
                continue
            packages.add(".".join((name, *relative.parts)))
    return packages


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    pytest.importorskip("build")
    pytest.importorskip("wheel", reason="bdist_wheel needs the 'wheel' package with setuptools < 70")
    source = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "setup.py", "README.md"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "*.so")  # the build compiles its own
    for folder in FOLDERS:
        shutil.copytree(REPO / folder, source / folder, ignore=ignore)
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--skip-dependency-check", "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (path,) = out.glob("*.whl")
    with zipfile.ZipFile(path) as archive:
        yield archive


def test_every_subpackage_is_in_the_wheel(wheel):
    names = set(wheel.namelist())
    in_wheel = {n[: -len("/__init__.py")].replace("/", ".") for n in names if n.endswith("/__init__.py")}
    expected = expected_packages()
    assert {"rerun", "rerun.wire", "rerun.sinks", "rerun.components", "rerun_demo"} <= expected
    assert expected - in_wheel == set()


def test_every_module_is_in_the_wheel(wheel):
    names = set(wheel.namelist())
    for folder, package in FOLDERS.items():
        for module in (REPO / folder).rglob("*.py"):
            if "__pycache__" in module.parts:
                continue
            target = f"{package}/{module.relative_to(REPO / folder).as_posix()}"
            assert target in names, target


def test_rerun_console_script_is_declared(wheel):
    (entry_points,) = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    text = wheel.read(entry_points).decode()
    assert "[console_scripts]" in text
    assert "rerun = rerun.__main__:main" in text


def test_web_viewer_page_files_are_in_the_wheel(wheel):
    """The page served by ``rerun --web-viewer`` / ``rr.serve`` is package data, not a Python module."""
    names = set(wheel.namelist())
    static = REPO / "app" / "web" / "static"
    files = sorted(p.name for p in static.iterdir() if p.is_file())
    assert {"index.html", "viewer.js"} <= set(files)
    for name in files:
        assert f"rerun_app/web/static/{name}" in names, name


def test_the_wheel_carries_the_compiled_copy_and_hash_module(wheel):
    """Built from sdk/native/copy_hash.c by the wheel build itself (CI has a compiler and libxxhash-dev)."""
    from rerun.transport.hashing_writer import NATIVE_COPY_HASH

    compiled = [n for n in wheel.namelist() if n.startswith("rerun/_copy_hash") and n.endswith(".so")]
    if not NATIVE_COPY_HASH:
        pytest.skip("this environment could not build rerun._copy_hash (tests/sdk/test_copy_hash.py says why)")
    assert len(compiled) == 1
