"""The shared-memory ring on its own: order, wrap-around, chunking, back-pressure, corruption, cleanup."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pyarrow as pa
import pytest

from rerun.transport.ring import (
    HEADER_BYTES,
    RECORD_HEADER,
    SLOT_HEAD,
    RingWriter,
    align_record,
    ring_path,
    sweep_stale_rings,
)
from rerun.wire.frames import FrameKind, WireError, encode_frame_header
from rerun.wire.log_table import build_log_batch, log_payload_size, read_log_payload
from rerun_app.ingest.ring_reader import RingReader

CAPACITY = 1 << 20


def make_frame(rng: np.random.Generator, payload_len: int) -> np.ndarray:
    payload = rng.integers(0, 256, payload_len, dtype=np.uint8)
    return np.concatenate([np.frombuffer(encode_frame_header(FrameKind.LOG, payload_len), np.uint8), payload])


@pytest.fixture
def ring_pair():
    writer = RingWriter(CAPACITY)
    reader = RingReader(writer.name, writer.capacity)
    yield writer, reader
    reader.close()
    writer.close()


def test_segment_is_unlinked_once_the_consumer_has_mapped_it():
    writer = RingWriter(CAPACITY)
    assert os.path.exists(writer.path)
    reader = RingReader(writer.name, writer.capacity)
    assert not os.path.exists(writer.path)
    # Both still share the memory after the name is gone.
    assert writer.try_write_frame(np.arange(100, dtype=np.uint8))
    assert [f.tolist() for f in reader.frames()] == [list(range(100))]
    reader.close()
    writer.close()


def test_writer_alone_removes_its_segment_on_close():
    writer = RingWriter(CAPACITY)
    path = writer.path
    writer.close()
    assert not os.path.exists(path)


def test_frames_come_out_in_order_across_many_wrap_arounds(ring_pair):
    writer, reader = ring_pair
    rng = np.random.default_rng(0)
    sent, received = [], []
    for _ in range(400):
        frame = make_frame(rng, int(rng.integers(0, 60_000)))
        while not writer.try_write_frame(frame):
            received.extend(reader.frames())  # full: the consumer frees space
        sent.append(frame)
        if rng.random() < 0.3:
            received.extend(reader.frames())
    received.extend(reader.frames())
    assert writer.head > 10 * CAPACITY  # it really wrapped many times
    assert len(received) == len(sent)
    for got, want in zip(received, sent):
        np.testing.assert_array_equal(got, want)


def test_a_frame_larger_than_the_ring_travels_in_chunks(ring_pair):
    writer, reader = ring_pair
    rng = np.random.default_rng(1)
    big = make_frame(rng, 5 * CAPACITY + 12345)
    small = make_frame(rng, 10)
    assert not writer.try_write_frame(big)  # too big for one record
    received, offset = [], 0
    while offset < big.nbytes:
        taken = writer.write_chunk(big[offset:])
        offset += taken
        if not taken:
            received.extend(reader.frames())
    assert writer.try_write_frame(small)
    received.extend(reader.frames())
    assert len(received) == 2
    np.testing.assert_array_equal(received[0], big)
    np.testing.assert_array_equal(received[1], small)


def test_full_ring_refuses_until_the_consumer_releases(ring_pair):
    writer, reader = ring_pair
    frame = np.zeros(100_000, dtype=np.uint8)
    fitted = 0
    while writer.try_write_frame(frame):
        fitted += 1
    assert fitted == CAPACITY // align_record(frame.nbytes)
    assert not writer.try_write_frame(frame)
    first = next(reader.frames())
    assert first.nbytes == frame.nbytes
    assert writer.try_write_frame(frame)


def test_arrow_batches_are_written_straight_into_the_ring(ring_pair):
    writer, reader = ring_pair
    positions = np.arange(30_000, dtype=np.float32)
    cells = pa.ListArray.from_arrays(pa.array([0, 10_000]), pa.FixedSizeListArray.from_arrays(pa.array(positions), 3))
    batch = build_log_batch("world/points", "rec-1", {("frame", "sequence"): [7]}, {"rerun.point3d": cells})
    assert writer.try_write_log(batch, log_payload_size(batch))
    (frame,) = list(reader.frames())
    path, recording_id, got = read_log_payload(frame[16:])
    assert (path, recording_id) == ("world/points", "rec-1")
    assert got.column("timeline:sequence:frame").to_pylist() == [7]
    np.testing.assert_array_equal(got.column("rerun.point3d")[0].values.flatten().to_numpy(), positions)


def test_corrupt_records_raise_wire_errors(ring_pair):
    writer, reader = ring_pair
    assert writer.try_write_frame(np.zeros(64, dtype=np.uint8))
    RECORD_HEADER.pack_into(writer._view, 0, 99, 0, 64)  # an unknown record type
    with pytest.raises(WireError, match="corrupt record"):
        list(reader.frames())


def test_an_impossible_head_raises(ring_pair):
    writer, reader = ring_pair
    writer._slots[SLOT_HEAD] = 3 * CAPACITY
    with pytest.raises(WireError, match="inconsistent"):
        list(reader.frames())


@pytest.mark.parametrize(
    "name, capacity, message",
    [
        ("../../etc/passwd", CAPACITY, "ring name"),
        ("rerun-ring-1-doesnotexist", CAPACITY, "cannot open"),
        ("rerun-ring-1-x", 12, "capacity"),
        ("rerun-ring-1-x", "big", "capacity"),
    ],
)
def test_reader_refuses_bad_ring_announcements(name, capacity, message):
    with pytest.raises(WireError, match=message):
        RingReader(name, capacity)


def test_reader_refuses_a_size_mismatch():
    writer = RingWriter(CAPACITY)
    try:
        with pytest.raises(WireError, match="expected"):
            RingReader(writer.name, CAPACITY * 2)
        assert os.path.exists(writer.path)  # refused: not the reader's to remove (the writer does, on close)
    finally:
        writer.close()
    assert not os.path.exists(writer.path)


def test_sweep_removes_rings_of_dead_processes_only():
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    stale = ring_path(f"rerun-ring-{dead_pid}-deadbeef0001")
    with open(stale, "wb") as fh:
        fh.write(b"\0" * HEADER_BYTES)
    live = RingWriter(CAPACITY)
    try:
        removed = sweep_stale_rings()
        assert os.path.basename(stale) in removed
        assert not os.path.exists(stale)
        assert os.path.exists(live.path)
    finally:
        live.close()
