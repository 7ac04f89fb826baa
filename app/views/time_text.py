"""Time values as text, the way Rerun 0.4 writes them in its text log and time panel.

- sequence timelines: ``#42``;
- time timelines holding a date (20 to 150 years after the epoch): ``HH:MM:SSZ`` for a whole second,
  ``HH:MM:SS.mmmZ`` for a whole millisecond, else ``HH:MM:SS.uuuuuuZ`` (microseconds, cut, not rounded),
  with ``YYYY-MM-DD `` in front unless the date is today (UTC);
- other time values are seconds relative to zero: ``+5s`` for whole seconds, else ``+1.250s``.
"""

from __future__ import annotations

import datetime as _dt

NANOS_PER_SECOND = 1_000_000_000
_NANOS_PER_YEAR = NANOS_PER_SECOND * 60 * 60 * 24 * 365
_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1


def is_date(nanos: int) -> bool:
    """True when ``nanos`` since the epoch reads as a date (20 to 150 whole years after 1970), as the original."""
    years = abs(int(nanos)) // _NANOS_PER_YEAR * (1 if nanos >= 0 else -1)
    return 20 <= years <= 150


def time_text(value: int, timeline_type: str, today: _dt.date | None = None) -> str:
    """``value`` on a timeline of ``timeline_type`` (``"sequence"`` or ``"time"``) as the original writes it.

    Parameters
    ----------
    value : int
        Sequence number, or nanoseconds.
    timeline_type : str
        ``"sequence"`` or ``"time"``.
    today : datetime.date, optional
        The day whose dates are written without the date part (default: today in UTC).
    """
    value = int(value)
    if value <= _I64_MIN + 1:  # the original's "beginning of time" and "end of time"
        return "-∞"
    if value >= _I64_MAX:
        return "+∞"
    if timeline_type == "sequence":
        return f"#{value}"
    if is_date(value):
        seconds, nanos = divmod(value, NANOS_PER_SECOND)
        stamp = _dt.datetime.fromtimestamp(seconds, tz=_dt.timezone.utc)
        clock = stamp.strftime("%H:%M:%S")
        if nanos == 0:
            clock += "Z"
        elif nanos % 1_000_000 == 0:
            clock += f".{nanos // 1_000_000:03d}Z"
        else:
            clock += f".{nanos // 1000:06d}Z"
        day = today if today is not None else _dt.datetime.now(_dt.timezone.utc).date()
        return clock if stamp.date() == day else f"{stamp:%Y-%m-%d} {clock}"
    if value % NANOS_PER_SECOND == 0:
        return f"{value // NANOS_PER_SECOND:+d}s"
    return f"{value / NANOS_PER_SECOND:+.3f}s"
