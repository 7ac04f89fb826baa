"""Timelines and time points as the store sees them."""

from __future__ import annotations

from typing import Any, Mapping, NamedTuple

from rerun.wire.log_table import TIMELINE_TYPES



class Timeline(NamedTuple):
    """A timeline's identity: its name and type (``"sequence"`` or ``"time"``, in int64 nanoseconds).

    ``frame`` as a sequence and ``frame`` as a time are two timelines. ``log_time`` is a time timeline.
    """

    name: str
    type: str

    @property
    def is_time(self) -> bool:
        """Whether values are nanoseconds (a time timeline) rather than sequence numbers."""
        return self.type == "time"


def make_timeline(name: Any, timeline_type: Any) -> Timeline:
    """A :class:`Timeline` after checking both fields.

    Raises
    ------
    TypeError
        If ``name`` is not a str.
    ValueError
        If ``timeline_type`` is not ``"sequence"`` or ``"time"``.
    """
    if not isinstance(name, str):
        raise TypeError(f"timeline name: expected a str, got {type(name).__name__} ({name!r})")
    if timeline_type not in TIMELINE_TYPES:
        raise ValueError(f"timeline type: expected one of {TIMELINE_TYPES}, got {timeline_type!r}")
    return Timeline(name, timeline_type)


def parse_time_point(time_point: Any) -> dict[Timeline, int]:
    """Normalise a time point to ``{Timeline: int}`` (empty = timeless).

    Accepts a list of ``[name, type, value]`` triples (the CLEAR frame's ``time_point``), a dict holding
    one under ``"time_point"`` or ``"timelines"`` (a whole CLEAR dict works), the session's
    ``{(name, type): value}`` dict, or None.

    Raises
    ------
    TypeError, ValueError
        If the shape or a value is not one of those (the message names the bad entry).
    """
    if time_point is None:
        return {}
    if isinstance(time_point, Mapping) and ("time_point" in time_point or "timelines" in time_point):
        triples = time_point.get("time_point", time_point.get("timelines")) or []
    elif isinstance(time_point, Mapping):
        triples = []
        for key, value in time_point.items():
            if not (isinstance(key, tuple) and len(key) == 2):
                raise TypeError(f"time_point: expected keys (name, type), got {key!r}")
            triples.append((key[0], key[1], value))
    else:
        triples = time_point
    point: dict[Timeline, int] = {}
    try:
        entries = list(triples)
    except TypeError:
        raise TypeError(
            f"time_point: expected {{'timelines': [[name, type, value], ...]}} or a dict, got {type(time_point).__name__}"
        ) from None
    for entry in entries:
        try:
            name, typ, value = entry
        except (TypeError, ValueError):
            raise TypeError(f"time_point: expected a [name, type, value] entry, got {entry!r}") from None
        if isinstance(value, bool) or not hasattr(value, "__index__"):
            raise TypeError(f"time_point: value of timeline {name!r} must be an integer, got {value!r}")
        point[make_timeline(name, typ)] = int(value)
    return point
