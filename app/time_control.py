"""The viewer's time cursor: which timeline, where on it, and how it moves (play, follow, loop, step).

Pure Python, no GL: the timeline panel drives it and the views read ``timeline`` / ``time`` from it.
Times are int64 on every timeline: sequence numbers, or nanoseconds for time timelines (``log_time`` too).
"""

from __future__ import annotations

import datetime as _dt
import enum
from dataclasses import dataclass
from typing import Sequence

import numpy as np

NANOS_PER_SECOND = 1_000_000_000
#: Time values above this are read as nanoseconds since the Unix epoch (after 1971) and shown as dates.
_EPOCH_THRESHOLD_NS = 365 * 24 * 3600 * NANOS_PER_SECOND


class LoopMode(enum.Enum):
    """What playback does at the end: stop, wrap over all data, or wrap inside the selected range."""

    OFF = "off"
    ALL = "all"
    SELECTION = "selection"


@dataclass(frozen=True)
class TimelineRef:
    """A timeline as the time panel lists it: its name and ``"sequence"`` or ``"time"``."""

    name: str
    type: str


class TimeControl:
    """State of the time cursor.

    Parameters
    ----------
    fps : float
        Playback rate of sequence timelines in steps per second (Rerun's default is 30).
    """

    def __init__(self, fps: float = 30.0) -> None:
        self.timelines: list[TimelineRef] = []
        self.timeline: TimelineRef | None = None
        self.time: int | None = None
        self.playing = False
        self.following = True
        self.loop = LoopMode.OFF
        self.speed = 1.0
        self.fps = float(fps)
        self.selection: tuple[int, int] | None = None
        self._fraction = 0.0  # sub-step remainder while playing a sequence timeline slowly

    # -- timelines ---------------------------------------------------------------------------------------
    def set_timelines(self, timelines: Sequence) -> bool:
        """Update the list of known timelines; pick a default when the current one is absent.

        The default is the first user timeline (sorted by name) and ``log_time`` only when there is no other.
        Accepts any objects with ``name`` and ``type`` attributes (e.g. the store's ``Timeline``).
        Returns True when the selected timeline changed.
        """
        refs = [TimelineRef(str(t.name), str(t.type)) for t in timelines]
        self.timelines = refs
        if self.timeline in refs:
            return False
        if not refs:
            changed = self.timeline is not None
            self.timeline = None
            self.time = None
            return changed
        user = [t for t in refs if t.name != "log_time"]
        self.select_timeline((user or refs)[0])
        return True

    def select_timeline(self, timeline: TimelineRef | str) -> None:
        """Switch to another timeline (by ref or name); the cursor is re-placed by the next ``update_range``."""
        if isinstance(timeline, str):
            matches = [t for t in self.timelines if t.name == timeline]
            if not matches:
                known = ", ".join(t.name for t in self.timelines) or "none"
                raise ValueError(f"timeline must be one of the recording's timelines ({known}); got {timeline!r}")
            timeline = matches[0]
        if timeline != self.timeline:
            self.timeline = timeline
            self.time = None
            self.selection = None
            self._fraction = 0.0

    # -- cursor ------------------------------------------------------------------------------------------
    def update_range(self, time_range: tuple[int, int] | None) -> bool:
        """Called when the data's time range may have changed; moves the cursor when following.

        Returns True when the cursor moved.
        """
        if time_range is None:
            return False
        lo, hi = int(time_range[0]), int(time_range[1])
        old = self.time
        if self.time is None or (self.following and not self.playing):
            self.time = hi
        return self.time != old

    def set_time(self, time: int | float, time_range: tuple[int, int] | None = None) -> None:
        """Scrub to ``time`` (clamped into ``time_range`` when given); stops following the live tail."""
        t = int(round(time))
        if time_range is not None:
            t = min(max(t, int(time_range[0])), int(time_range[1]))
        self.time = t
        self._fraction = 0.0
        if time_range is None or t < int(time_range[1]):
            self.following = False

    def play(self, time_range: tuple[int, int] | None = None) -> None:
        """Start playback (stops following); from the end of ``time_range`` it restarts at its beginning."""
        self.playing = True
        self.following = False
        if time_range is not None and (self.time is None or self.time >= int(time_range[1])):
            self.time = int(time_range[0])
            self._fraction = 0.0

    def pause(self) -> None:
        """Stop playback; the cursor stays where it is."""
        self.playing = False
        self.following = False

    def toggle_play(self, time_range: tuple[int, int] | None = None) -> None:
        """Play if paused (see :meth:`play`), pause if playing."""
        self.pause() if self.playing else self.play(time_range)

    def follow(self) -> None:
        """Track the newest data as it arrives (live tail)."""
        self.following = True
        self.playing = False

    def tick(self, dt_seconds: float, time_range: tuple[int, int] | None) -> bool:
        """Advance playback by ``dt_seconds`` of wall time; returns True when the cursor moved.

        Sequence timelines advance ``fps * speed`` steps per second, time timelines ``speed`` seconds per second.
        At the end: ``LoopMode.OFF`` stops at the last time, ``ALL`` wraps to the first time, ``SELECTION`` wraps
        inside the selected range.
        """
        if not self.playing or time_range is None or self.timeline is None:
            return False
        lo, hi = int(time_range[0]), int(time_range[1])
        if self.loop is LoopMode.SELECTION and self.selection is not None:
            lo, hi = self.selection
        if self.time is None:
            self.time = lo
            return True
        per_second = self.fps if self.timeline.type == "sequence" else float(NANOS_PER_SECOND)
        advance = dt_seconds * self.speed * per_second + self._fraction
        whole = int(np.floor(advance))
        self._fraction = advance - whole
        old = self.time
        t = self.time + whole
        if self.time < lo and self.loop is LoopMode.SELECTION:
            t = lo
        if t > hi:
            if self.loop is LoopMode.OFF:
                t = hi
                self.playing = False
            else:
                span = hi - lo + (1 if self.timeline.type == "sequence" else 0)
                t = lo + ((t - lo) % span if span > 0 else 0)
        self.time = t
        return t != old

    def step(self, direction: int, times_with_data: np.ndarray) -> bool:
        """Move to the previous (``direction < 0``) or next time that has data, wrapping at the ends.

        Returns True when the cursor moved. Pauses playback, as stepping is a manual action.
        """
        times = np.asarray(times_with_data, dtype=np.int64)
        if times.size == 0:
            return False
        self.playing = False
        self.following = False
        old = self.time
        if self.time is None:
            self.time = int(times[0] if direction > 0 else times[-1])
        elif direction > 0:
            i = int(np.searchsorted(times, self.time, side="right"))
            self.time = int(times[i] if i < times.size else times[0])
        else:
            i = int(np.searchsorted(times, self.time, side="left")) - 1
            self.time = int(times[i] if i >= 0 else times[-1])
        return self.time != old

    def set_selection(self, t0: int, t1: int) -> None:
        """Select the loop range [t0, t1] (order-independent)."""
        self.selection = (int(min(t0, t1)), int(max(t0, t1)))

    # -- display -----------------------------------------------------------------------------------------
    def format_time(self, t: int | None = None) -> str:
        """Human-readable label for ``t`` (default: the cursor) on the current timeline."""
        t = self.time if t is None else t
        if t is None or self.timeline is None:
            return "–"
        return format_time(t, self.timeline.type)


def format_time(t: int, timeline_type: str) -> str:
    """``#42`` for sequences; ISO date-time (UTC) for epoch nanoseconds; seconds otherwise."""
    if timeline_type == "sequence":
        return f"#{t}"
    if abs(t) >= _EPOCH_THRESHOLD_NS:
        seconds, nanos = divmod(int(t), NANOS_PER_SECOND)
        stamp = _dt.datetime.fromtimestamp(seconds, tz=_dt.timezone.utc)
        return stamp.strftime("%Y-%m-%d %H:%M:%S") + f".{nanos // 1000:06d}Z"
    return f"{t / NANOS_PER_SECOND:.3f}s"
