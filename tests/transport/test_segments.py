"""Big frames in shared-memory segments: kept by the viewer without a copy, reused once released."""

from __future__ import annotations

import gc
import os

import numpy as np
import pyarrow as pa
import pytest

from rerun.transport.ring import RECORD_HEADER, RECORD_SEGMENT, SHM_DIR, RingWriter
from rerun.transport.segments import SEGMENT_MIN_BYTES, SEGMENT_REF
from rerun.wire.frames import WireError
from rerun.wire.log_table import build_log_batch, log_payload_size, read_log_payload
from rerun_app.ingest.ring_reader import RingReader

N_POINTS = 200_000  # 2.4 MB of float32 positions: above SEGMENT_MIN_BYTES


def points_batch(frame: int) -> tuple[pa.RecordBatch, np.ndarray]:
    positions = (np.arange(N_POINTS * 3, dtype=np.float32) + frame).reshape(-1, 3)
    cells = pa.ListArray.from_arrays(pa.array([0, N_POINTS], pa.int32()), pa.FixedSizeListArray.from_arrays(pa.array(positions.ravel()), 3))
    batch = build_log_batch("seg/points", "rec-seg", {("frame", "sequence"): [frame]}, {"rerun.point3d": cells})
    return batch, positions


def segment_files(ring_name: str) -> list[str]:
    return [n for n in os.listdir(SHM_DIR) if n.startswith(ring_name + "-s")]


@pytest.fixture
def pair():
    writer = RingWriter(1 << 20)
    reader = RingReader(writer.name, writer.capacity)
    writer.enable_segments(64 << 20)
    yield writer, reader
    reader.close()
    writer.close()


def test_big_frames_arrive_whole_without_a_copy_and_their_segment_is_reused_once_released(pair):
    writer, reader = pair
    batch, positions = points_batch(0)
    size = log_payload_size(batch)
    assert 16 + size >= SEGMENT_MIN_BYTES
    seg = writer.segments.acquire(16 + size)  # as the spare thread would
    assert seg is not None and writer.wants_segment(16 + size)
    assert writer.try_write_log_segment(batch, size)
    assert not writer.wants_segment(16 + size)  # busy until the viewer lets go of it

    (frame,) = list(reader.frames())
    assert reader.segment_frames == 1
    assert segment_files(writer.name) == []  # mapped, then unlinked by the viewer
    _, _, got = read_log_payload(pa.py_buffer(frame[16:]))
    values = got.column("rerun.point3d")[0].values.flatten().to_numpy()
    np.testing.assert_array_equal(values.reshape(-1, 3), positions)
    # Zero copy: the decoded values live inside the segment's mapping.
    address = values.ctypes.data
    assert frame.ctypes.data <= address < frame.ctypes.data + frame.nbytes

    batch2, positions2 = points_batch(1)
    assert not writer.try_write_log_segment(batch2, log_payload_size(batch2))  # still held by ``got``
    del frame, got, values
    gc.collect()
    assert writer.wants_segment(16 + size)  # released: the same segment is free again
    assert writer.try_write_log_segment(batch2, log_payload_size(batch2))
    (frame2,) = list(reader.frames())
    _, _, got2 = read_log_payload(pa.py_buffer(frame2[16:]))
    np.testing.assert_array_equal(got2.column("rerun.point3d")[0].values.flatten().to_numpy().reshape(-1, 3), positions2)
    assert sum(1 for s in writer.segments._segments if s is not None) == 1  # reused, not a new one


def test_a_segment_record_naming_another_rings_segment_is_refused(pair):
    writer, reader = pair
    name = b"rerun-ring-1-someone-else-s1"
    data = SEGMENT_REF.pack(0, len(name), 1, 1 << 20, 1000) + name
    offset = writer._reserve(len(data))
    writer._view[offset + RECORD_HEADER.size : offset + RECORD_HEADER.size + len(data)] = data
    writer._publish(offset, RECORD_SEGMENT, len(data))
    with pytest.raises(WireError, match="not this ring's"):
        list(reader.frames())


def test_segments_made_but_never_announced_are_removed_when_the_reader_closes():
    writer = RingWriter(1 << 20)
    reader = RingReader(writer.name, writer.capacity)
    writer.enable_segments(64 << 20)
    assert writer.segments.acquire(2 << 20) is not None
    assert len(segment_files(writer.name)) == 1
    reader.close()  # the producer died before naming it: the viewer cleans up
    assert segment_files(writer.name) == []
    writer.close()


def test_a_full_pool_makes_room_only_by_closing_segments_the_frame_could_not_use():
    writer = RingWriter(1 << 20)
    reader = RingReader(writer.name, writer.capacity)
    MiB = 1 << 20
    try:
        writer.enable_segments(10 * MiB)
        pool = writer.segments
        small = pool.acquire(2 * MiB)
        big = pool.acquire(6 * MiB)  # 8 of 10 MiB in use, both free
        assert small is not None and big is not None
        # A 6 MiB frame can use ``big``: closing ``small`` would not make room, and ``big`` is
        # never traded for another segment of the same use.
        assert pool.count_free(6 * MiB) == 1 and pool.slot_for(6 * MiB, evict=False) is None
        # A 4 MiB frame cannot use ``small``: closing it makes room (8 - 2 + 4 = 10 MiB).
        assert pool.slot_for(4 * MiB, evict=False) == small.index
        # A 7 MiB frame can use neither: ``big`` (the one whose closing makes room) goes.
        assert pool.slot_for(7 * MiB) == big.index
        assert segment_files(writer.name) == [small.name]
    finally:
        reader.close()
        writer.close()


def test_an_announced_segment_loses_its_name_before_its_first_use(pair):
    writer, reader = pair
    batch, positions = points_batch(3)
    size = log_payload_size(batch)
    assert writer.segments.acquire(16 + size) is not None
    writer.announce_segments()
    assert list(reader.frames()) == []  # an announcement carries no frame
    assert segment_files(writer.name) == []  # but the viewer mapped it and removed the name
    assert writer.try_write_log_segment(batch, size)
    (frame,) = list(reader.frames())
    _, _, got = read_log_payload(pa.py_buffer(frame[16:]))
    np.testing.assert_array_equal(got.column("rerun.point3d")[0].values.flatten().to_numpy().reshape(-1, 3), positions)
