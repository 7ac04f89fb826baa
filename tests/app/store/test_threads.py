"""An ingest thread feeds the store while another thread queries it (the viewer's real pattern)."""

from __future__ import annotations

import threading

import numpy as np

from rerun_app.store import Store, Timeline
from store_helpers import batch, frame

FRAME = Timeline("frame", "sequence")


def test_queries_during_ingest_and_eviction_see_consistent_rows():
    store = Store(memory_limit=300_000)
    frames = 300
    errors: list[BaseException] = []
    done = threading.Event()

    def ingest():
        try:
            for t in range(frames):
                # Every row's points all equal its time, so a reader can check what it got.
                pts = np.full((500, 3), t, dtype=np.float32).tolist()
                store.add_log_batch("cloud", batch("cloud", [{"time": frame(t), "rerun.point3d": pts}]))
                if t % 50 == 0:
                    store.clear("cloud", False, [["frame", "sequence", t]])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            done.set()

    seen = 0
    writer = threading.Thread(target=ingest)
    writer.start()
    while not done.is_set() or seen == 0:
        times = store.times_with_data(FRAME)
        if len(times) == 0:
            continue
        cursor = int(times[-1])
        result = store.latest_at("cloud", FRAME, cursor)
        if result is not None:
            got = result.numpy("rerun.point3d")
            assert got.shape == (500, 3) and np.all(got == result.row_time) and result.row_time <= cursor
            seen += 1
        store.range("cloud", "rerun.point3d", FRAME, cursor - 10, cursor)
        store.stats()
    writer.join(timeout=60)
    assert not errors, errors
    assert seen > 0
    final = store.latest_at("cloud", FRAME, frames - 1)
    assert final.row_time == frames - 1 and store.stats().total_bytes <= 300_000
