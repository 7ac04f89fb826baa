"""Thread-local time points: the timelines ``set_time_*`` gives each logging thread.

A time point is a plain dict ``{(name, type): int64 value}`` with ``type`` one of ``"sequence"`` /
``"time"`` (nanoseconds). Each setter *replaces* the thread's dict rather than mutating it, so the
session can keep a reference to a row's time point without copying it.
"""

from __future__ import annotations

import math
import numbers
import operator
import threading

from rerun import _switch
from rerun._utf8 import describe_lone_surrogate, lone_surrogate_at

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1

EMPTY_TIME_POINT: dict = {}


class _ThreadTimePoint(threading.local):
    """``point``: this thread's time point; a thread that never set a time is at the empty (timeless) point."""

    point: dict = EMPTY_TIME_POINT


#: The log calls read ``thread_time.point`` directly (a plain attribute read on their hot paths).
thread_time = _ThreadTimePoint()


def current_time_point() -> dict:
    """This thread's time point (shared, never mutated: treat it as read-only)."""
    return thread_time.point


def _set(timeline: str, timeline_type: str, value: int | None) -> None:
    point = dict(current_time_point())
    if value is None:
        point.pop((timeline, timeline_type), None)
    else:
        point[(timeline, timeline_type)] = value
    thread_time.point = point


def _check_timeline(timeline) -> str:
    if not isinstance(timeline, str):
        raise TypeError(f"argument 'timeline': expected a str, got {type(timeline).__name__} ({timeline!r})")
    index = lone_surrogate_at(timeline)
    if index is not None:
        raise ValueError(f"argument 'timeline': expected a str that encodes as UTF-8, got {describe_lone_surrogate(timeline, index)}")
    return timeline


def _check_int64(value, argument: str) -> int:
    if isinstance(value, bool):
        value = int(value)
    try:
        value = operator.index(value)
    except TypeError:
        raise TypeError(
            f"argument '{argument}': '{type(value).__name__}' object cannot be interpreted as an integer"
        ) from None
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise OverflowError(f"argument '{argument}': {value} does not fit in a signed 64-bit integer")
    return value


def _seconds_to_nanos(seconds) -> int:
    if isinstance(seconds, bool) or not isinstance(seconds, numbers.Real):
        raise TypeError(f"argument 'seconds': must be real number, not {type(seconds).__name__}")
    if isinstance(seconds, numbers.Integral):
        nanos = int(seconds) * 1_000_000_000
    else:
        seconds = float(seconds)
        if math.isnan(seconds):
            raise ValueError("argument 'seconds': NaN is not a valid time")
        if math.isinf(seconds * 1e9):
            raise OverflowError(f"argument 'seconds': {seconds} does not fit in int64 nanoseconds")
        nanos = round(seconds * 1e9)
    return _check_int64(nanos, "seconds")


#: Frames from ``rerun._errors._emit_warning`` up to the user's call of a setter:
#: _emit_warning <- report <- _checked_set <- setter <- public entry point <- user.
_WARNING_STACKLEVEL = 6


def _checked_set(function_name: str, timeline, timeline_type: str, value, convert) -> None:
    """Set ``timeline`` to ``convert(value)`` after checking both; a bad call follows the bad-input policy.

    Default mode: a warning names the call, the argument and the problem, and the thread's time
    point is left as it was. Strict mode: the error is raised (``TypeError``, ``ValueError`` or
    ``OverflowError``, prefixed with the function name).
    """
    try:
        timeline = _check_timeline(timeline)
        value = None if value is None else convert(value)
    except (TypeError, ValueError, OverflowError) as exc:
        from rerun import _errors  # lazily: rerun._errors imports the session, which imports this module

        _errors.report(function_name, _errors.as_argument_error(exc), stacklevel=_WARNING_STACKLEVEL)
        return
    _set(timeline, timeline_type, value)


def set_time_sequence(timeline: str, sequence: int | None) -> None:
    """Set this thread's value on the sequence timeline ``timeline`` (``None`` removes it).

    Parameters
    ----------
    timeline : str
        Timeline name. ``frame`` as a sequence and ``frame`` as a time are two distinct timelines.
    sequence : int or None
        A Python or numpy integer that fits in int64 (negative values are allowed).

    Raises
    ------
    TypeError
        In strict mode only, if ``timeline`` is not a str or ``sequence`` is not an integer
        (otherwise a warning names the problem and the call is dropped).
    ValueError
        In strict mode only, if ``timeline`` holds a lone surrogate (cannot be encoded as UTF-8).
    OverflowError
        In strict mode only, if ``sequence`` does not fit in int64.
    """
    if type(sequence) is int and type(timeline) is str and _INT64_MIN <= sequence <= _INT64_MAX and timeline.isascii():
        # Hot path (set before every log call in many programs): no helper calls.
        point = thread_time.point.copy()
        point[(timeline, "sequence")] = sequence
        thread_time.point = point
        return
    _checked_set("rr.set_time_sequence", timeline, "sequence", sequence, _sequence_value)


def _sequence_value(sequence) -> int:
    return _check_int64(sequence, "sequence")


_sequence_keys: dict[str, tuple[str, str]] = {}

def set_time_sequence_if_enabled(timeline: str, sequence: int | None) -> None:
    """Set this thread's position on the sequence timeline ``timeline``; ``None`` removes it.

    Does nothing while logging is disabled (``RERUN=off``, ``rr.set_enabled(False)``). A bad
    argument is reported as by :func:`set_time_sequence` (warning by default, raised in strict mode).
    """
    if type(sequence) is int and type(timeline) is str and _switch.enabled and _INT64_MIN <= sequence <= _INT64_MAX:
        # The hot path of set_time_sequence, inlined: ``rr.set_time_sequence`` is this function.
        key = _sequence_keys.get(timeline)
        if key is None:  # one key tuple per timeline: no tuple (a GC-tracked object) per call
            if lone_surrogate_at(timeline) is not None:
                set_time_sequence(timeline, sequence)  # reports the name and drops the call
                return
            key = (timeline, "sequence")
            if len(_sequence_keys) < 1024:
                _sequence_keys[timeline] = key
        point = thread_time.point.copy()
        point[key] = sequence
        thread_time.point = point
    elif _switch.enabled:
        set_time_sequence(timeline, sequence)


def set_time_seconds(timeline: str, seconds: float | None) -> None:
    """Set this thread's time on ``timeline`` in seconds (stored as int64 nanoseconds; ``None`` removes it).

    Raises
    ------
    TypeError
        In strict mode only, if ``seconds`` is not a real number (otherwise a warning names the
        problem and the call is dropped).
    ValueError
        In strict mode only, if ``seconds`` is NaN.
    OverflowError
        In strict mode only, if ``seconds`` is infinite or out of the int64 nanosecond range.
    """
    if type(seconds) is float and type(timeline) is str and -9.2e9 < seconds < 9.2e9 and timeline.isascii():
        _set(timeline, "time", round(seconds * 1e9))  # hot path; the range test excludes NaN and inf
        return
    _checked_set("rr.set_time_seconds", timeline, "time", seconds, _seconds_to_nanos)


def set_time_nanos(timeline: str, nanos: int | None) -> None:
    """Set this thread's time on ``timeline`` in integer nanoseconds (``None`` removes it).

    Raises
    ------
    TypeError
        In strict mode only, if ``nanos`` is not an integer (otherwise a warning, and the call is dropped).
    OverflowError
        In strict mode only, if ``nanos`` does not fit in int64.
    """
    _checked_set("rr.set_time_nanos", timeline, "time", nanos, _nanos_value)


def _nanos_value(nanos) -> int:
    return _check_int64(nanos, "nanos")


def reset_time() -> None:
    """Remove every timeline of this thread."""
    thread_time.point = EMPTY_TIME_POINT
