"""rerun: a fast re-implementation of the Rerun v0.4 Python logging SDK.

Usage matches Rerun 0.4.0::

    import rerun as rr
    rr.init("my_app")
    rr.save("run.rrd")            # or rr.spawn() / rr.connect()
    rr.set_time_sequence("frame", 0)
    rr.log_points("world/points", positions)

Differences from 0.4.0 (fixes): ``strict`` / ``set_strict_mode`` / ``RERUN_STRICT=1`` really make bad
calls raise; ``disconnect()`` never deadlocks; ``RERUN=off`` turns every call into a cheap no-op.

Map of the package: ``log`` (every ``log_*`` function; arguments checked, see ``_errors``) → ``components``
(numpy → Arrow instances) → ``_session`` (rows per entity, batching, the active sink; ``_rows`` turns rows
into a LOG ``RecordBatch``; ``_time`` the thread's time point; ``_switch`` the on/off flag) → a sink:
``sinks`` (memory, ``.rrd`` file) or ``transport`` (viewer over TCP / shared-memory ring, ``spawn``,
``serve``). ``wire`` is the byte format (frames, the LOG table layout, typed stream events) shared with the
viewer; ``recording`` reads ``.rrd`` files back (``legacy``: files of rerun-sdk 0.4.0); ``cli`` is
``rerun print``.
"""

from __future__ import annotations

import os
import sys

from rerun import _errors, _session, _switch, _time
from rerun._recording_id import check_recording_id as _check_recording_id
from rerun.log import *  # noqa: F401,F403  (the log_* functions and their helper types)
from rerun.log import __all__ as _log_all
from rerun import script as script_helpers  # 0.4.0's module name for the script helpers
from rerun.script import script_add_args, script_setup, script_teardown
from rerun.transport import connect, get_sink_stats, serve, spawn

__version__ = "0.4.0"

# ``from rerun.script_helpers import script_add_args`` works as in 0.4.0.
sys.modules.setdefault("rerun.script_helpers", script_helpers)


def init(application_id: str, spawn: bool = False, default_enabled: bool = True, strict: bool = False) -> None:
    """Start (or rename) the logging session.

    Parameters
    ----------
    application_id : str
        Groups recordings in the viewer. Logging before ``init`` uses ``"unknown_app_id"``; a new id
        starts a new BEGIN_RECORDING on the same recording id.
    spawn : bool
        Also start a viewer and stream to it (``rr.spawn()``).
    default_enabled : bool
        Whether logging is on unless the ``RERUN`` environment variable (on/1/true, off/0/false) says otherwise.
    strict : bool
        Bad log calls raise instead of warning (also on when ``RERUN_STRICT=1``). Works, unlike 0.4.0.

    Raises
    ------
    TypeError, ValueError
        In strict mode only, if ``application_id`` is not a str that encodes as UTF-8; by default a
        warning says so and the application id stays as it was.
    """
    strict = bool(strict) or bool(_session.env_switch("RERUN_STRICT"))
    try:
        if not isinstance(application_id, str):
            raise _errors.bad_type("application_id", "a str", _errors.describe(application_id))
        _errors.check_utf8("application_id", application_id)
    except (TypeError, ValueError) as exc:
        if strict:  # asked for now, or already on (report raises then)
            raise type(exc)(f"rr.init: {exc}") from None
        _errors.report("rr.init", exc)
        return
    _session.set_enabled(_session.decide_enabled(default_enabled))
    _session.set_strict_mode(strict)
    _session.set_application_id(application_id)
    if spawn:
        globals()["spawn"]()


def is_enabled() -> bool:
    """Whether logging is on."""
    return _session.is_enabled()


def set_enabled(enabled: bool) -> None:
    """Turn logging on or off for every thread (overrides ``RERUN`` and ``init``)."""
    _session.set_enabled(enabled)


def strict_mode() -> bool:
    """Whether bad log calls raise instead of warning."""
    return _session.strict_mode()


def set_strict_mode(strict_mode: bool) -> None:
    """Make bad log calls raise (True) or warn and be dropped (False)."""
    _session.set_strict_mode(strict_mode)


def get_recording_id() -> str:
    """The recording id (a UUID string), shared with fork/spawn children by default."""
    return _session.recording_id()


def set_recording_id(value: str) -> None:
    """Log into the recording ``value`` (a UUID) from now on.

    Raises
    ------
    TypeError
        In strict mode only, if ``value`` is not a UUID; by default a warning says so and the
        recording id stays as it was.
    """
    try:
        value = _check_recording_id(value)
    except TypeError as exc:
        _errors.report("rr.set_recording_id", _errors.as_argument_error(exc))
        return
    _session.set_recording_id(value)


def save(path: str | os.PathLike) -> None:
    """Stream everything logged so far, and everything logged later, to the ``.rrd`` file ``path``.

    The file is created at once (the backlog buffered before the call is written first) and every
    later call is written as it comes, so the file stays readable even if the process is killed.
    It is completed at ``disconnect()``, at the next sink switch, or at exit.

    Raises
    ------
    OSError
        In strict mode only, if the file cannot be created (the message names the path); by default
        a warning says so and logged data stays buffered in memory for a later ``save``/``connect``.
    TypeError
        In strict mode only, if ``path`` is not a str or ``os.PathLike`` (by default: a warning).
    """
    if not _session.is_enabled():
        print("Rerun is disabled - save() call ignored")
        return
    from rerun.sinks import FileSink

    try:
        path = os.fspath(path)
    except TypeError:
        _errors.report("rr.save", _errors.bad_type("path", "a str or os.PathLike", _errors.describe(path)))
        return
    active = _session.get_sink()
    if isinstance(active, FileSink) and os.path.abspath(active.path) == os.path.abspath(path):
        # Re-creating the file under the open sink would interleave two writers; start it afresh.
        _session.disconnect()
    try:
        sink = FileSink(path)
    except OSError as exc:
        _errors.environment_failure("rr.save", exc, "logged data stays buffered in memory")
        return
    _session.set_sink(sink)


def disconnect() -> None:
    """Close the active sink (file, TCP, …) cleanly; later calls are buffered in memory again."""
    _session.disconnect()


#: ``rr.set_time_sequence(timeline, sequence)``: this thread's position on a sequence timeline
#: (``None`` removes it); a no-op while logging is disabled. One function call, no wrapper: it is
#: often called before every log call.
set_time_sequence = _time.set_time_sequence_if_enabled


def set_time_seconds(timeline: str, seconds: float | None) -> None:
    """Set this thread's time on ``timeline`` in seconds (stored as int64 ns); ``None`` removes it."""
    if _switch.enabled:
        _time.set_time_seconds(timeline, seconds)


def set_time_nanos(timeline: str, nanos: int | None) -> None:
    """Set this thread's time on ``timeline`` in nanoseconds; ``None`` removes it."""
    if _switch.enabled:
        _time.set_time_nanos(timeline, nanos)


def rerun_shutdown() -> None:
    """Flush and close the active sink (registered to run at exit)."""
    _session.shutdown()


def unregister_shutdown() -> None:
    """Do not run :func:`rerun_shutdown` at exit."""
    _session.unregister_shutdown()


__all__ = sorted(
    set(_log_all)
    | {
        "connect",
        "disconnect",
        "get_recording_id",
        "get_sink_stats",
        "init",
        "is_enabled",
        "rerun_shutdown",
        "save",
        "script_add_args",
        "script_setup",
        "script_teardown",
        "serve",
        "set_enabled",
        "set_recording_id",
        "set_strict_mode",
        "set_time_nanos",
        "set_time_seconds",
        "set_time_sequence",
        "spawn",
        "strict_mode",
        "unregister_shutdown",
    }
)
