"""The package as a process sees it: cheap import, JIT switched off, no writable cache, the warm-up command."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import rerun_kernels
from rerun_kernels import _dispatch

PACKAGE_DIR = Path(rerun_kernels.__file__).parent


def _run(code: str, env_extra: dict[str, str] | None = None, cwd: str | None = None, pythonpath: str | None = None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NUMBA_", "RERUN_KERNELS_"))}
    env.update(env_extra or {})
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_import_is_cheap_and_does_not_load_numba():
    out = _run("import sys, rerun_kernels; print('numba' in sys.modules)")
    assert out.strip() == "False"


def test_numba_disable_jit_runs_every_kernel_on_the_numpy_twins():
    code = (
        "import numpy as np, rerun_kernels as rk\n"
        "from rerun_kernels import warmup\n"
        "print(rk.default_backend())\n"
        "with rk.use_backend('numba'): print(rk.current_backend())\n"
        "warmup.exercise_all_kernels()\n"
        "print(rk.linear_to_srgb8(np.array([0.5]))[0], len(rk.backproject_depth(np.ones((3, 4)), np.eye(3))))\n"
    )
    out = _run(code, {"NUMBA_DISABLE_JIT": "1"}).split()
    assert out == ["numpy", "numpy", "188", "12"]


def test_backend_can_be_forced_by_environment():
    out = _run("import rerun_kernels as rk; print(rk.default_backend())", {"RERUN_KERNELS_BACKEND": "python"})
    assert out.strip() == "python"


def test_kernels_work_without_any_writable_cache_folder(tmp_path):
    # A read-only install with a read-only home: the source folder's __pycache__, NUMBA_CACHE_DIR and the user
    # cache folder all unusable (a regular file stands where each directory would have to be created).
    site = tmp_path / "site"
    shutil.copytree(PACKAGE_DIR, site / "rerun_kernels", ignore=shutil.ignore_patterns("__pycache__"))
    (site / "rerun_kernels" / "__pycache__").write_text("not a directory")
    blocker = tmp_path / "blocker"
    blocker.write_text("not a directory")
    env = {"NUMBA_CACHE_DIR": str(blocker / "numba"), "HOME": str(blocker), "XDG_CACHE_HOME": str(blocker / "cache"),
           "PYTHONDONTWRITEBYTECODE": "1"}
    code = (
        "import numpy as np, rerun_kernels as rk\n"
        "assert rk.__file__.startswith(%r), rk.__file__\n"
        "from rerun_kernels import _dispatch, colormaps\n"
        "print(rk.current_backend(), rk.to_rgba8(np.full((2, 2), 7, np.uint8))[0, 0].tolist())\n"
        "print(colormaps._map.compiled()._cache.__class__.__name__)\n"
    ) % str(site)
    out = _run(code, env, cwd=str(tmp_path), pythonpath=str(site)).splitlines()
    assert out[0] == "numba [7, 7, 7, 255]"
    assert out[1] == "NullCache"


def test_warmup_command_reports_its_time():
    done = subprocess.run([sys.executable, "-m", "rerun_kernels.warmup"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "kernels" in done.stdout and " s " in done.stdout


def _twin_of_uncompilable(values, out):
    out[...] = values * 2


def _uncompilable(values, out):
    marker = object()  # plain Python objects do not exist in numba's nopython mode
    out[...] = values * 2 if marker else values


def test_a_call_numba_cannot_compile_falls_back_to_the_twin_with_one_warning():
    if not _dispatch.numba_available():
        pytest.skip("numba unavailable")
    kernel = _dispatch.Kernel(_uncompilable, _twin_of_uncompilable)
    out = np.zeros(3)
    with rerun_kernels.use_backend("numba"):
        with pytest.warns(RuntimeWarning, match="numba could not compile this call"):
            kernel(np.arange(3.0), out)
        assert out.tolist() == [0.0, 2.0, 4.0]
        with warnings.catch_warnings(record=True) as later:
            warnings.simplefilter("always")
            kernel(np.ones(3), out)
    assert out.tolist() == [2.0, 2.0, 2.0]
    assert later == []
