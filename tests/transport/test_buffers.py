"""The frame buffer pool: a buffer is reused only when nothing (numpy view, Arrow buffer) still uses it."""

from __future__ import annotations

import time

import numpy as np
import pyarrow as pa

from rerun.transport.buffers import MIN_POOLED_BYTES, BufferPool

SIZE = 3 * MIN_POOLED_BYTES + 123


def test_a_released_buffer_is_reused_and_a_held_one_never_is():
    pool = BufferPool()
    first = pool.take(SIZE)
    first[:] = 7
    held_arrow = pa.py_buffer(first[100:200])  # e.g. a batch the store keeps
    del first
    second = pool.take(SIZE)
    second[:] = 9  # must not touch the memory Arrow still holds
    assert bytes(held_arrow) == b"\x07" * 100
    del held_arrow
    third = pool.take(SIZE)  # now the first buffer is free again
    assert pool.reused == 1
    third[:] = 1
    assert (second == 9).all()


def test_sub_views_keep_their_buffer_busy():
    pool = BufferPool()
    buffer = pool.take(SIZE)
    buffer[:] = 5
    row = buffer[10:20]
    del buffer
    other = pool.take(SIZE)
    other[:] = 6
    assert (row == 5).all()


def test_small_requests_are_plain_allocations_of_the_exact_size():
    pool = BufferPool()
    small = pool.take(1000)
    assert small.nbytes == 1000 and pool.allocated == 0


def test_free_buffers_beyond_the_bound_go_back_to_the_os():
    pool = BufferPool(max_free_bytes=4 * MIN_POOLED_BYTES)
    sizes = [2, 3, 4, 5, 6]
    for n in sizes:
        pool.take(n * MIN_POOLED_BYTES)  # each released at once, none fits the next request
    free_total = sum(o.nbytes for o in pool._owners)
    assert free_total <= 4 * MIN_POOLED_BYTES + max(sizes) * MIN_POOLED_BYTES


def wait_for_spares(pool: BufferPool, nbytes: int, count: int, timeout: float = 30.0) -> None:
    """Wait until the pool's background thread has ``count`` free buffers fitting ``nbytes`` ready (a fixed
    sleep was too short when a loaded 2-core machine descheduled that thread)."""
    deadline = time.monotonic() + timeout
    while True:
        with pool._lock:
            fitting, _ = pool._count_free(nbytes)
        if fitting >= count:
            return
        assert time.monotonic() < deadline, f"only {fitting} of {count} spare buffers made after {timeout} s"
        time.sleep(0.01)


def test_spares_are_ready_for_a_stream_of_same_size_frames():
    pool = BufferPool()
    pool.keep_spares(2)
    kept = []  # like a store keeping every frame: nothing is ever released
    for _ in range(5):
        frame = pool.take(SIZE)
        frame[:] = 1
        kept.append(frame)
        wait_for_spares(pool, SIZE, 2)  # the next frame comes later; the spares are made meanwhile
    assert pool.allocated == 1 and pool.reused == 4  # only the first frame waited for new memory
    assert len({id(f.base) for f in kept}) == 5
