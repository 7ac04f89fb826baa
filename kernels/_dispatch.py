"""Chooses how each kernel runs: compiled by numba, as its numpy twin, or as its plain-Python body.

Every kernel in this package is written twice: a loop body that numba compiles (and that also runs, slowly,
as ordinary Python) and a vectorised numpy twin with the same signature that writes the same result into the
same preallocated ``out``. :class:`Kernel` holds both and decides per call which one runs:

- ``"numba"``: the loop body compiled with ``cache=True`` on first use (numba is imported only then, so
  ``import rerun_kernels`` stays cheap);
- ``"numpy"``: the twin; the default when numba is missing or ``NUMBA_DISABLE_JIT=1`` is set;
- ``"python"``: the uncompiled loop body, exactly what ``NUMBA_DISABLE_JIT=1`` would run (tests use it to
  check the loop code itself against the twin without paying for a subprocess).

``RERUN_KERNELS_BACKEND`` overrides the default for a whole process (it is read once, at the first kernel
call); :func:`use_backend` overrides it
for a block of code (it is a context variable, so threads do not leak their choice into each other).
"""
from __future__ import annotations

import contextlib
import contextvars
import os
import types
import warnings
from typing import Callable, Iterator

import numpy as np

BACKENDS = ("numba", "numpy", "python")

_override: contextvars.ContextVar[str | None] = contextvars.ContextVar("rerun_kernels_backend", default=None)
_numba_state: dict[str, object] = {}

#: Every kernel defined in the package, in definition order (the warm-up and the tests walk it).
REGISTRY: list["Kernel"] = []


def numba_available() -> bool:
    """Return True when numba can be imported and JIT compilation is not disabled.

    Returns
    -------
    bool
        False when numba is not installed or ``NUMBA_DISABLE_JIT`` is set to a true value.
    """
    if "usable" not in _numba_state:
        try:
            import numba
        except ImportError:  # numba is optional at run time: the numpy twins cover every kernel
            _numba_state["usable"] = False
        else:
            _numba_state["usable"] = not numba.config.DISABLE_JIT
    return bool(_numba_state["usable"])


def default_backend() -> str:
    """Return the backend used when no :func:`use_backend` block is active.

    Returns
    -------
    str
        ``RERUN_KERNELS_BACKEND`` when set, else ``"numba"`` if :func:`numba_available`, else ``"numpy"``;
        decided once per process.
    """
    if not _process_default:
        _process_default.append(_backend_for(os.environ.get("RERUN_KERNELS_BACKEND", "")))
    return _process_default[0]


# Read once per process, at the first kernel call: looking the variable up on every call cost ~0.5 µs, a tenth
# of colouring a small tensor slice (kernels are called in tight viewer loops).
_process_default: list[str] = []


def _backend_for(setting: str) -> str:
    chosen = setting.strip().lower()
    if chosen:
        if chosen not in BACKENDS:
            raise ValueError(f"RERUN_KERNELS_BACKEND: expected one of {BACKENDS}, got {chosen!r}")
        if chosen == "numba" and not numba_available():
            return "numpy"
        return chosen
    return "numba" if numba_available() else "numpy"


def current_backend() -> str:
    """Return the backend the next kernel call in this context will use."""
    return _override.get() or default_backend()


@contextlib.contextmanager
def use_backend(name: str) -> Iterator[None]:
    """Run the kernels called inside the ``with`` block on backend ``name``.

    Parameters
    ----------
    name : {"numba", "numpy", "python"}
        ``"numba"`` falls back to ``"numpy"`` when numba is unavailable.
    """
    if name not in BACKENDS:
        raise ValueError(f"backend: expected one of {BACKENDS}, got {name!r}")
    if name == "numba" and not numba_available():
        name = "numpy"
    token = _override.set(name)
    try:
        yield
    finally:
        _override.reset(token)


_warned: set[str] = set()


def _numba_error() -> type[BaseException]:
    from numba.core.errors import NumbaError

    return NumbaError


def _calling_compiled_kernels(py_func: Callable) -> Callable:
    """``py_func``, or a copy whose globals name the numba dispatchers of the kernels it calls.

    A kernel may call other kernels (a fused pipeline): as plain Python the call goes through :class:`Kernel`
    (which honours the backend), but numba can only compile calls to its own dispatchers.
    """
    called = {name: value for name in py_func.__code__.co_names
              if isinstance(value := py_func.__globals__.get(name), Kernel)}
    if not called:
        return py_func
    scope = dict(py_func.__globals__)
    scope.update({name: value.compiled() for name, value in called.items()})
    clone = types.FunctionType(py_func.__code__, scope, py_func.__name__, py_func.__defaults__, py_func.__closure__)
    clone.__qualname__, clone.__module__, clone.__doc__ = py_func.__qualname__, py_func.__module__, py_func.__doc__
    return clone


def _compile(py_func: Callable) -> Callable:
    import numba

    py_func = _calling_compiled_kernels(py_func)
    options = dict(nogil=True, error_model="numpy", boundscheck=False)
    try:
        return numba.njit(cache=True, **options)(py_func)
    except RuntimeError:
        # numba raises "no locator available" when neither NUMBA_CACHE_DIR, the source folder nor the
        # user cache folder is writable (read-only install, read-only home): compile in memory instead.
        return numba.njit(cache=False, **options)(py_func)


class Kernel:
    """A loop-body kernel plus its numpy twin; calling it runs the one the current backend selects.

    Parameters
    ----------
    py_func : callable
        Plain-Python loop code that numba can compile; writes into its ``out`` arguments.
    numpy_twin : callable
        Same signature and same result, written with numpy array operations.
    """

    __slots__ = ("py_func", "numpy_twin", "name", "_compiled")

    def __init__(self, py_func: Callable, numpy_twin: Callable):
        self.py_func = py_func
        self.numpy_twin = numpy_twin
        self.name = f"{py_func.__module__}.{py_func.__name__}"
        self._compiled: Callable | None = None

    def compiled(self) -> Callable:
        """Return the numba dispatcher, creating it on first use (compiles or loads from cache per signature)."""
        if self._compiled is None:
            self._compiled = _compile(self.py_func)
        return self._compiled

    @property
    def is_compiled(self) -> bool:
        """Whether :meth:`compiled` already ran (it compiles on first use)."""
        return self._compiled is not None

    def __call__(self, *args):
        backend = _override.get() or default_backend()
        if backend == "numba":
            compiled = self._compiled if self._compiled is not None else self.compiled()
            try:
                return compiled(*args)
            except _numba_error() as error:
                # A signature numba cannot compile must not take a view down: warn once, use the twin.
                if self.name not in _warned:
                    _warned.add(self.name)
                    warnings.warn(f"{self.name}: numba could not compile this call ({type(error).__name__}: "
                                  f"{str(error).splitlines()[0] if str(error) else ''}); using the numpy twin",
                                  RuntimeWarning, stacklevel=2)
                return self.numpy_twin(*args)
        if backend == "numpy":
            return self.numpy_twin(*args)
        with np.errstate(all="ignore"):  # compiled code is silent about inf * 0 and the like; so is this
            return self.py_func(*args)

    def __repr__(self) -> str:
        return f"Kernel({self.name})"


def kernel(numpy_twin: Callable) -> Callable[[Callable], Kernel]:
    """Decorate a loop-body function as a :class:`Kernel` whose numpy twin is ``numpy_twin``."""

    def wrap(py_func: Callable) -> Kernel:
        made = Kernel(py_func, numpy_twin)
        REGISTRY.append(made)
        return made

    return wrap
