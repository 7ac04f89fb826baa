"""The process-wide logging session: time points, row batching, and the active sink.

Every ``rr.log_*`` call ends here. A call becomes one *row* on its entity: the thread's time point
(plus the built-in ``log_time``, wall clock ns) and one ``list<T>`` cell per component.

Batching
--------
Small rows are held per entity and turned into one LOG batch when the entity has
``MAX_PENDING_ROWS`` rows or ``MAX_PENDING_BYTES`` bytes, within ~10 ms (a daemon thread), before any
control message, at a sink switch, at ``disconnect()`` and at exit. A row whose arrays hold
``BIG_ROW_BYTES`` or more is sent at once as its own batch whose buffers are the caller's arrays
(zero copy; a file sink writes them straight to the OS). Rows of one entity always reach the sink in
log order.

Control messages (JSON, see :mod:`rerun.wire.frames`)
-----------------------------------------------------
- BEGIN_RECORDING: ``{"application_id", "recording_id", "started_ns", "recording_source": "python_sdk",
  "sdk_version", "is_official_example": false}``; sent before the first message to a sink and again
  after a new application id (``init``) or recording id.
- CLEAR: ``{"recording_id", "entity_path", "recursive": bool, "time_point": [[name, type, value], ...]}``
  (``type`` is ``"sequence"`` / ``"time"``; ``log_time`` included).
- GOODBYE: ``{"recording_id"}`` when a sink closes cleanly.

Every LOG batch has a ``timeline:time:log_time`` column, null exactly for timeless rows; other
timeline columns appear when some row of the batch is on that timeline.

Thread safety: one lock orders all sink traffic; sinks never call back into the session.
"""

from __future__ import annotations

import atexit
import logging
import os
import sys
import threading
import time
import warnings

import pyarrow as pa

from rerun import _switch, _time
from rerun._recording_id import check_recording_id, default_recording_id
from rerun._rows import (
    MAX_PENDING_ROWS,
    GenericRows,
    ScalarRows,
    TextRows,
    generic_batch,
    make_batch,
    one_int64,
    scalar_batch,
    single_cell,
    text_batch,
)
from rerun.sinks import MemorySink, Sink
from rerun.transport import process_hooks
from rerun.wire.frames import FrameKind
from rerun.wire.log_table import LOG_TIME

SDK_VERSION = "0.4.0"
DEFAULT_APPLICATION_ID = "unknown_app_id"

MAX_PENDING_BYTES = 1 << 20
BIG_ROW_BYTES = 256 << 10
#: How long the flusher lets rows gather after the first one arrives (the latency bound is ~2x this).
FLUSH_DELAY_S = 0.005

_TRUE_WORDS = ("on", "1", "true")
_FALSE_WORDS = ("off", "0", "false")

_GENERIC, _SCALAR, _TEXT = 0, 1, 2

# ---------------------------------------------------------------------------------------------------
# Session state (module globals: the hot paths read them without attribute lookups on an object)

_lock = threading.Lock()
_strict = False
_application_id = DEFAULT_APPLICATION_ID
_recording_id: str | None = None
_started_ns = time.time_ns()
_sink: Sink = MemorySink()
_begin_sent = False
_pending: dict[str, list] = {}  # entity path -> ScalarRows / TextRows / GenericRows (rerun._rows)
_wake = threading.Event()
_flusher: threading.Thread | None = None
_flush_errors = 0
_time_ns = time.time_ns
_tl = _time.thread_time


def env_switch(name: str) -> bool | None:
    """True/False for an on/off environment variable, None when unset; warns on any other value."""
    raw = os.environ.get(name)
    if raw is None:
        return None
    value = raw.strip().lower()
    if value in _TRUE_WORDS:
        return True
    if value in _FALSE_WORDS:
        return False
    warnings.warn(
        f"Invalid value for environment variable {name}={raw!r}. Expected 'on' or 'off'. It will be ignored",
        RuntimeWarning,
        stacklevel=3,
    )
    return None


def decide_enabled(default_enabled: bool) -> bool:
    """``default_enabled`` unless the ``RERUN`` environment variable says on/off."""
    from_env = env_switch("RERUN")
    return bool(default_enabled) if from_env is None else from_env


def is_enabled() -> bool:
    """Whether log calls do anything (``RERUN=off`` or ``set_enabled(False)`` make them no-ops)."""
    return _switch.enabled


def set_enabled(enabled: bool) -> None:
    """Turn logging on or off for the whole process (overrides ``RERUN`` and ``init``)."""
    _switch.enabled = bool(enabled)


def strict_mode() -> bool:
    """Whether bad log calls raise (True) instead of warning and being dropped (False)."""
    return _strict


def set_strict_mode(strict: bool) -> None:
    """Make bad log calls raise (``True``) or warn (``False``). Unlike Rerun 0.4.0, this works."""
    global _strict
    _strict = bool(strict)


def application_id() -> str:
    """The current application id (``"unknown_app_id"`` before ``init``)."""
    return _application_id


def recording_id() -> str:
    """The current recording id (a UUID string)."""
    global _recording_id
    if _recording_id is None:
        _recording_id = default_recording_id()
    return _recording_id


def set_recording_id(value) -> None:
    """Switch to another recording id; the next message starts with a new BEGIN_RECORDING.

    Raises
    ------
    TypeError
        If ``value`` is not a UUID.
    """
    global _recording_id, _begin_sent
    new_id = check_recording_id(value)
    with _lock:
        if new_id == _recording_id:
            return
        _flush_all_locked()
        _recording_id = new_id
        _begin_sent = False


def set_application_id(app_id: str) -> None:
    """Switch the application id; the next message starts with a new BEGIN_RECORDING."""
    global _application_id, _begin_sent
    if not isinstance(app_id, str):
        raise TypeError(f"argument 'application_id': expected a str, got {type(app_id).__name__} ({app_id!r})")
    with _lock:
        if app_id == _application_id:
            return
        _flush_all_locked()
        _application_id = app_id
        _begin_sent = False


def _begin_info() -> dict:
    return {
        "application_id": _application_id,
        "recording_id": recording_id(),
        "started_ns": _started_ns,
        "recording_source": "python_sdk",
        "sdk_version": SDK_VERSION,
        "is_official_example": False,
    }


def _ensure_begin_locked() -> None:
    global _begin_sent
    if not _begin_sent:
        _sink.send_control(FrameKind.BEGIN_RECORDING, _begin_info())
        _begin_sent = True


# ---------------------------------------------------------------------------------------------------
# Sinks


def get_sink() -> Sink:
    """The active sink."""
    return _sink


def set_sink(sink: Sink) -> None:
    """Make ``sink`` the destination of every later message.

    Pending rows are flushed into the old sink first. If the old sink is the in-memory buffer, its
    backlog is replayed into ``sink`` (it starts with its own BEGIN_RECORDING); any other old sink
    is closed. ``sink`` always receives a BEGIN_RECORDING for the current recording before new rows.
    """
    global _sink, _begin_sent
    if not isinstance(sink, Sink):
        raise TypeError(f"argument 'sink': expected a rerun.sinks.Sink, got {type(sink).__name__}")
    with _lock:
        _flush_all_locked()
        old = _sink
        backlog_begin = None
        if isinstance(old, MemorySink) and len(old):
            backlog_begin = old.last_begin
            old.replay_into(sink)
        else:
            _close_sink(old)
        _sink = sink
        current = _begin_info()
        if backlog_begin is None or backlog_begin != current:
            sink.send_control(FrameKind.BEGIN_RECORDING, current)
        _begin_sent = True


def _close_sink(sink: Sink) -> None:
    try:
        sink.close({"recording_id": recording_id()})
    except Exception as exc:  # a dying sink must not stop the switch
        warnings.warn(f"rerun: closing {type(sink).__name__} failed: {exc}", RuntimeWarning, stacklevel=3)


def disconnect() -> None:
    """Flush and close the active sink; later messages are buffered in memory again.

    Never blocks on a background thread (the 0.4.0 deadlock cannot happen: the flusher only
    takes the session lock, and no thread is joined while holding it).
    """
    set_sink(MemorySink())


def flush() -> None:
    """Send every pending row to the sink now."""
    with _lock:
        _flush_all_locked()
        _sink.flush()


def shutdown() -> None:
    """Flush pending rows and close the active sink (run at interpreter exit)."""
    global _sink, _begin_sent
    with _lock:
        try:
            _flush_all_locked()
        finally:
            old, _sink = _sink, MemorySink()
            _begin_sent = False
            _close_sink(old)


# ---------------------------------------------------------------------------------------------------
# Rows


_ROWS_OF_KIND = {_GENERIC: GenericRows, _SCALAR: ScalarRows, _TEXT: TextRows}


def _start_pending_locked(entity_path: str, kind: int) -> list:
    """A fresh pending row list for ``entity_path`` (flushing rows of another layout first)."""
    if entity_path in _pending:
        _flush_entity_locked(entity_path)
    if not _pending:
        if _flusher is None:
            _start_flusher()
        _wake.set()
    rows = _ROWS_OF_KIND[kind]()
    _pending[entity_path] = rows
    return rows


def log_scalar_row(entity_path, scalar, label, color, radius, scattered, *, _time_ns=time.time_ns, _tl=_tl) -> None:
    """Fast path of ``log_scalar``: one row without building Arrow arrays per call.

    ``color`` is 4 RGBA bytes or None; ``scalar`` None logs a null scalar. (The keyword-only
    arguments are local bindings for speed, not part of the interface.)
    """
    if not _switch.enabled:
        return
    point = _tl.point
    log_time = _time_ns()
    with _lock:
        rows = _pending.get(entity_path)
        if type(rows) is not ScalarRows:
            rows = _start_pending_locked(entity_path, _SCALAR)
        scalars = rows.scalars
        if label is not None or color is not None or radius is not None or scattered is not None:
            rows.extras.append((len(scalars), label, color, radius, scattered))
        rows.points.append(point)
        rows.log_times.append(log_time)
        scalars.append(scalar)
        if len(scalars) >= MAX_PENDING_ROWS:
            _flush_entity_locked(entity_path)


def log_text_row(entity_path, body, level, color, timeless, *, _time_ns=time.time_ns, _tl=_tl) -> None:
    """Fast path of ``log_text_entry``: one ``rerun.text_entry`` row (+ optional 4-byte RGBA colour)."""
    if not _switch.enabled:
        return
    if timeless:
        point = log_time = None
    else:
        point = _tl.point
        log_time = _time_ns()
    with _lock:
        rows = _pending.get(entity_path)
        if type(rows) is not TextRows:
            rows = _start_pending_locked(entity_path, _TEXT)
        rows.points.append(point)
        rows.log_times.append(log_time)
        rows.bodies.append(body)
        rows.levels.append(level)
        rows.colors.append(color)
        if len(rows.bodies) >= MAX_PENDING_ROWS:
            _flush_entity_locked(entity_path)


def log(entity_path: str, components: dict, *, timeless: bool = False) -> None:
    """Log one row of ``components`` (name -> ``pa.Array`` of instances) on ``entity_path``.

    Parameters
    ----------
    entity_path : str
        Already validated and normalised by the caller.
    components : dict of str to pyarrow.Array
        Each array holds the row's instances (length N, 1 for a splat, or 0).
    timeless : bool
        Timeless rows carry no timeline at all (not even ``log_time``).
    """
    if not _switch.enabled:
        return
    if timeless:
        point = log_time = None
    else:
        point = _tl.point
        log_time = _time_ns()
    nbytes = 0
    for name, array in components.items():
        if not isinstance(array, pa.Array):
            if isinstance(array, pa.ChunkedArray):
                raise TypeError(f"component {name!r}: expected a pyarrow.Array, got a ChunkedArray (combine_chunks() it)")
            raise TypeError(f"component {name!r}: expected a pyarrow.Array, got {type(array).__name__}")
        nbytes += array.get_total_buffer_size()  # cheap (nbytes walks slices: ~2 µs)
    if nbytes >= BIG_ROW_BYTES:
        _log_big_row(entity_path, point, log_time, components)
        return
    # Own copies: the caller may overwrite its numpy buffers before the batch is flushed.
    owned = {name: pa.concat_arrays([array]) for name, array in components.items()}
    with _lock:
        pending = _pending.get(entity_path)
        if type(pending) is GenericRows:
            types = pending.types
            for name, array in owned.items():
                known = types.get(name)
                if known is not None and known != array.type:
                    pending = None
                    break
        else:
            pending = None
        if pending is None:
            pending = _start_pending_locked(entity_path, _GENERIC)
        types = pending.types
        for name, array in owned.items():
            types.setdefault(name, array.type)
        pending.append((point, log_time, owned))
        pending.nbytes += nbytes
        if len(pending) >= MAX_PENDING_ROWS or pending.nbytes >= MAX_PENDING_BYTES:
            _flush_entity_locked(entity_path)


def _log_big_row(entity_path: str, point, log_time, components: dict) -> None:
    # Every batch has a log_time column (null for timeless rows), as the batched paths produce.
    timelines = {LOG_TIME: one_int64(log_time)}
    if point is not None:
        for key, value in point.items():
            if key != LOG_TIME:
                timelines[key] = one_int64(value)
    cells = {name: single_cell(array) for name, array in components.items()}
    with _lock:
        if entity_path in _pending:
            _flush_entity_locked(entity_path)
        _ensure_begin_locked()
        _sink.send_log(make_batch(entity_path, recording_id(), timelines, cells))


def log_clear(entity_path: str, recursive: bool) -> None:
    """Send a CLEAR for ``entity_path`` (and its children if ``recursive``) at the current time point."""
    if not _switch.enabled:
        return
    point = _tl.point
    time_point = [[name, typ, value] for (name, typ), value in sorted(point.items()) if (name, typ) != LOG_TIME]
    time_point.append([LOG_TIME[0], LOG_TIME[1], _time_ns()])
    with _lock:
        _flush_all_locked()
        _ensure_begin_locked()
        _sink.send_control(
            FrameKind.CLEAR,
            {
                "recording_id": recording_id(),
                "entity_path": entity_path,
                "recursive": bool(recursive),
                "time_point": time_point,
            },
        )


# ---------------------------------------------------------------------------------------------------
# Turning pending rows into batches


def _flush_entity_locked(entity_path: str) -> None:
    """Send ``entity_path``'s pending rows as one batch; never raises.

    Rows that cannot become a batch (the log calls check their arguments, so this is a bug or
    a caller that skipped the checks) are dropped with a warning naming the entity and the error;
    a sink that fails (disk full) has said so and counts the message as dropped. Either way only
    this entity's rows are affected: the caller goes on with the other entities.
    """
    rows = _pending.pop(entity_path, None)
    if not rows:
        return
    kind = type(rows)
    try:
        if kind is ScalarRows:
            batch = scalar_batch(entity_path, recording_id(), rows)
        elif kind is TextRows:
            batch = text_batch(entity_path, recording_id(), rows)
        else:
            batch = generic_batch(entity_path, recording_id(), rows)
    except Exception as exc:
        _rows_lost(f"{len(rows)} pending row(s) of entity {entity_path!r} could not be encoded and were dropped: {exc!r}")
        return
    try:
        _ensure_begin_locked()
        _sink.send_log(batch)
    except Exception as exc:
        _rows_lost(f"{len(rows)} pending row(s) of entity {entity_path!r} were not written: {exc}")


def _rows_lost(message: str) -> None:
    # The session lock is held here, so the warning cannot become a text row (that takes the lock).
    logging.getLogger("rerun").warning("rerun: %s", message)


def _flush_all_locked() -> None:
    while _pending:
        _flush_entity_locked(next(iter(_pending)))


def _flusher_loop() -> None:
    global _flush_errors
    while True:
        _wake.wait()
        time.sleep(FLUSH_DELAY_S)
        with _lock:
            _wake.clear()
            try:
                _flush_all_locked()
            except Exception as exc:  # keep flushing later rows; say what went wrong once
                _pending.clear()
                _flush_errors += 1
                if _flush_errors == 1:
                    warnings.warn(f"rerun: sending buffered rows failed, they were dropped: {exc!r}", RuntimeWarning)


def _start_flusher() -> None:
    global _flusher
    _flusher = threading.Thread(target=_flusher_loop, name="rerun-flusher", daemon=True)
    _flusher.start()


def _after_fork_in_child() -> None:
    """Give a forked child its own session plumbing.

    The child starts with a fresh lock (the parent's may have been held by another thread), no
    flusher thread, no pending rows (the parent sends its own), and a fresh memory sink: writing
    into the parent's file or socket from two processes would interleave frames. The recording id
    is kept, so a child that calls ``rr.save`` / ``rr.connect`` logs into the same recording.
    """
    global _lock, _flusher, _wake, _sink, _begin_sent
    inherited = _sink
    _lock = threading.Lock()
    _wake = threading.Event()
    _flusher = None
    _pending.clear()
    _sink = MemorySink()
    _begin_sent = False
    # A viewer takes many producers: a child of a process streaming to one streams to it too, over a
    # connection and ring of its own (every open viewer sink reopens; the memory sink replays nothing).
    continued = process_hooks.reopen_in_forked_child(inherited)
    if continued is not None:
        set_sink(continued)
    _register_with_multiprocessing()


class _ForkToken:
    """A long-lived object for ``multiprocessing.util.register_after_fork`` (it keeps weak references)."""


_FORK_TOKEN = _ForkToken()


def _register_with_multiprocessing() -> None:
    """Make a multiprocessing child flush and close its sink when its target returns.

    Children started by ``fork`` or ``forkserver`` leave through ``os._exit``, which skips atexit:
    without this, their last rows (up to ~10 ms) and the file's GOODBYE were lost. multiprocessing
    runs its own finalizers instead; it clears them when the child starts and then calls the
    after-fork hooks, so the finalizer is added from such a hook.
    """
    util = sys.modules.get("multiprocessing.util")
    if util is not None:
        util.register_after_fork(_FORK_TOKEN, _add_exit_finalizer)


def _add_exit_finalizer(_token) -> None:
    sys.modules["multiprocessing.util"].Finalize(None, shutdown, exitpriority=0)


def _initialise_from_environment() -> None:
    global _strict
    _switch.enabled = decide_enabled(True)
    _strict = bool(env_switch("RERUN_STRICT"))


_initialise_from_environment()
if hasattr(os, "register_at_fork"):  # POSIX only; Windows has no fork
    os.register_at_fork(after_in_child=_after_fork_in_child)
_register_with_multiprocessing()  # covers children that import rerun only after they start (forkserver, spawn)
process_hooks.register_session(get_sink)
_atexit_registered = False


def register_shutdown() -> None:
    """Run :func:`shutdown` at interpreter exit (done at import)."""
    global _atexit_registered
    if not _atexit_registered:
        atexit.register(shutdown)
        _atexit_registered = True


def unregister_shutdown() -> None:
    """Stop :func:`shutdown` from running at interpreter exit."""
    global _atexit_registered
    if _atexit_registered:
        atexit.unregister(shutdown)
        _atexit_registered = False


register_shutdown()
