"""A connection's kept frame buffer (reused for its next frame): counted against the shared receive
budget, never kept while something still references it, dropped when another frame needs the room
and when its connection goes."""

from __future__ import annotations

import threading

from rerun_app.ingest.receive_budget import ReceiveBudget, lazy_buffer

MiB = 1 << 20


def test_a_buffer_still_referenced_is_not_kept():
    budget = ReceiveBudget(100 * MiB)
    owner = lazy_buffer(8 * MiB)
    view = owner[:10]  # e.g. a decoded Arrow column the store holds
    assert not budget.keep("conn", owner)
    assert budget.kept_bytes == 0
    del view
    assert budget.keep("conn", owner)
    assert budget.kept_bytes == 8 * MiB


def test_the_kept_buffer_is_reused_for_a_fitting_frame_only_by_its_connection():
    budget = ReceiveBudget(100 * MiB)
    owner = lazy_buffer(8 * MiB)
    owner[:4] = [1, 2, 3, 4]
    assert budget.keep("a", owner)
    assert budget.take_kept("b", 8 * MiB) is None
    assert budget.take_kept("a", 20 * MiB) is None  # too small for that frame
    frame = budget.take_kept("a", 8 * MiB - 100)
    assert frame is not None and frame.base is owner and len(frame) == 8 * MiB - 100
    assert budget.kept_bytes == 0 and budget.take_kept("a", 8 * MiB) is None


def test_kept_memory_yields_to_a_frame_that_needs_the_room():
    budget = ReceiveBudget(40 * MiB)
    owner = lazy_buffer(30 * MiB // 3)
    assert budget.keep("idle", owner)
    del owner
    # Kept bytes + this frame exceed the budget: the kept buffer goes, the frame is admitted at once.
    budget.reserve(35 * MiB, timeout=0.0)
    assert budget.kept_bytes == 0 and budget.reserved == 35 * MiB
    # And nothing is kept while frames hold the room.
    assert not budget.keep("idle", lazy_buffer(10 * MiB))


def test_kept_bytes_are_capped_and_returned_when_the_connection_goes():
    budget = ReceiveBudget(40 * MiB)  # keeps at most a quarter: 10 MiB
    assert not budget.keep("a", lazy_buffer(12 * MiB))
    assert budget.keep("a", lazy_buffer(6 * MiB))
    assert not budget.keep("b", lazy_buffer(6 * MiB))  # 12 MiB together would pass the cap
    budget.forget("a")
    assert budget.kept_bytes == 0
    assert budget.keep("b", lazy_buffer(6 * MiB))


def test_a_waiting_frame_is_not_blocked_by_kept_buffers():
    budget = ReceiveBudget(40 * MiB)
    budget.reserve(20 * MiB, timeout=0.0)
    assert budget.keep("idle", lazy_buffer(10 * MiB))
    admitted = threading.Event()

    def second():
        budget.reserve(20 * MiB, timeout=30.0)
        admitted.set()

    thread = threading.Thread(target=second)
    thread.start()
    assert admitted.wait(30.0), "a kept buffer held back a frame"
    thread.join()
    assert budget.reserved == 40 * MiB and budget.kept_bytes == 0
