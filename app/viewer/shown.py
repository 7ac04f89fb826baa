"""What the window shows: which recording of the hub, and where the time cursor is on it.

Pure Python, no GL: the viewer, panels and views all read the store and the cursor through one
:class:`ShownRecording`.
"""

from __future__ import annotations

import numpy as np

from rerun_app.time_control import TimeControl


class ShownRecording:
    """The shown recording (pinned in the Recordings menu, else the hub's newest) and its time cursor.

    Parameters
    ----------
    hub : StoreHub
        All recordings received so far.
    """

    def __init__(self, hub) -> None:
        self.hub = hub
        self.pinned_recording: str | None = None
        self.time = TimeControl()
        self._times_cache = (None, np.empty(0, np.int64))
        self._summary: tuple = (None, "")

    @property
    def store(self):
        """The recording shown: the one picked in the Recordings menu, else the hub's newest; None before data."""
        if self.pinned_recording is not None and self.pinned_recording in self.hub:
            return self.hub.store(self.pinned_recording)
        return self.hub.active

    def reset_time(self) -> None:
        """A fresh cursor (another recording is shown; the old cursor belongs to the old data)."""
        self.time = TimeControl(fps=self.time.fps)

    def timeline_key(self):
        """The current timeline as the store's ``(name, type)`` pair, or None."""
        tl = self.time.timeline
        return None if tl is None else (tl.name, tl.type)

    def time_range(self):
        """(first, last) time with data on the current timeline, or None."""
        store, key = self.store, self.timeline_key()
        return None if store is None or key is None else store.time_range(key)

    def cursor(self):
        """(timeline, time) for store queries; (None, None) shows timeless data only."""
        if self.time.timeline is None or self.time.time is None:
            return None, None
        return (self.time.timeline.name, self.time.timeline.type), self.time.time

    def times_with_data(self) -> np.ndarray:
        """Sorted times with any data or clear on the current timeline (cached per store generation)."""
        store = self.store
        if store is None or self.time.timeline is None:
            return np.empty(0, np.int64)
        key = (store.generation(), self.time.timeline)
        if self._times_cache[0] != key:
            timeline = self.timeline_key()  # log_cleared calls are marked and stepped to like data
            self._times_cache = (key, np.union1d(store.times_with_data(timeline), store.clear_times(timeline)))
        return self._times_cache[1]

    def summary(self) -> str:
        """"N entities · rows · MB" of the shown recording (recomputed only when the store changed)."""
        store = self.store
        if store is None:
            return ""
        key = (id(store), store.generation())
        if self._summary[0] != key:
            stats = store.stats()
            self._summary = (key, f"{len(store.entity_paths())} entities · {stats.total_rows} rows · "
                                  f"{stats.total_bytes / 1e6:.1f} MB")
        return self._summary[1]
