"""Big ring frames are copied and hashed in one pass (the native ``rerun._copy_hash`` or, without it, the
Python chunked copy); the bytes and the XXH3 trailer must be exactly those of the same frame written in
one piece and hashed afterwards (the wire format does not change). Every test runs both ways."""

from __future__ import annotations

import mmap

import numpy as np
import pyarrow as pa
import pytest

import rerun.transport.hashing_writer as hashing_writer
from rerun.transport.hashing_writer import CHUNKED_HASH_MIN_BYTES, HASH_CHUNK_BYTES, write_sealed_log_frame
from rerun.transport.ring import RingWriter
from rerun.transport.viewer_sink import serialize_log_frame
from rerun.wire.frames import DIGEST, FRAME_HEADER, ChecksumError, checked_payload, frame_size
from rerun.wire.log_table import build_log_batch, log_payload_size, read_log_payload
from rerun_app.ingest.ring_reader import RingReader


@pytest.fixture(autouse=True, params=["native", "python"])
def copy_path(request, monkeypatch):
    """Each test once with the native copy-and-hash (it must be built: see test_copy_hash.py) and once
    with the Python fallback."""
    monkeypatch.setattr(hashing_writer, "NATIVE_COPY_HASH", request.param == "native" and hashing_writer.NATIVE_COPY_HASH)
    return request.param


def _big_batch(seed: int) -> pa.RecordBatch:
    """Several columns, buffers of odd sizes (not multiples of the chunk), small ones between big ones."""
    rng = np.random.default_rng(seed)
    n_points = ((8 << 20) // 12) + 12_345  # past both paths' thresholds
    positions = rng.standard_normal(n_points * 3).astype(np.float32)
    colors = rng.integers(0, 2**32, n_points, dtype=np.uint32)
    image = rng.integers(0, 256, 3 * HASH_CHUNK_BYTES + 77, dtype=np.uint8)
    columns = {
        "rerun.point3d": pa.ListArray.from_arrays(pa.array([0, n_points], pa.int32()), pa.FixedSizeListArray.from_arrays(pa.array(positions), 3)),
        "rerun.colorrgba": pa.ListArray.from_arrays(pa.array([0, n_points], pa.int32()), pa.array(colors)),
        "rerun.label": pa.ListArray.from_arrays(pa.array([0, 1], pa.int32()), pa.array(["x" * 5])),
        "ext.image": pa.ListArray.from_arrays(pa.array([0, image.size], pa.int32()), pa.array(image)),
    }
    return build_log_batch("world/cloud", "rec-big", {("frame", "sequence"): [seed]}, columns)


@pytest.mark.parametrize("seed", [1, 2])
def test_chunked_frame_equals_the_frame_written_whole_and_hashed_after(seed):
    batch = _big_batch(seed)
    size = log_payload_size(batch)
    assert size >= CHUNKED_HASH_MIN_BYTES
    expected = serialize_log_frame(batch, size)  # Arrow writes it whole, then one XXH3 pass
    target = np.full(frame_size(size), 0xA5, np.uint8)
    assert write_sealed_log_frame(target, batch, size) == FRAME_HEADER.size + size
    np.testing.assert_array_equal(target, expected)
    checked_payload(target, 0, target.nbytes - FRAME_HEADER.size)


def test_a_big_ring_frame_is_verified_and_decoded_and_a_flip_in_a_late_chunk_is_caught():
    batch = _big_batch(3)
    size = log_payload_size(batch)
    writer = RingWriter(4 * frame_size(size))
    reader = RingReader(writer.name, writer.capacity)
    try:
        assert writer.try_write_log(batch, size)
        (frame,) = [f for f in reader.frames() if f is not None]
        payload = checked_payload(frame, 0, frame.nbytes - FRAME_HEADER.size)
        _, recording_id, got = read_log_payload(payload)
        assert recording_id == "rec-big"
        assert got.equals(batch)
        damaged = frame.copy()
        damaged[damaged.nbytes - DIGEST.size - HASH_CHUNK_BYTES // 2] ^= 0x10  # inside the last chunk hashed
        with pytest.raises(ChecksumError):
            checked_payload(damaged, 0, damaged.nbytes - FRAME_HEADER.size)
    finally:
        reader.close()
        writer.close()


def test_a_failed_chunked_write_leaves_no_view_of_its_target_behind():
    """The frame's buffer is too short for the batch: the write fails, and no view of the target outlives
    it (a ring's mapping with a view still exported cannot be closed)."""
    batch = _big_batch(4)
    size = log_payload_size(batch)
    mapping = mmap.mmap(-1, frame_size(size) - 4096)
    with pytest.raises(Exception, match="past the") as failure:
        write_sealed_log_frame(mapping, batch, size)
    assert "past the" in str(failure.value)  # ``failure`` also keeps the traceback and its frames alive here
    mapping.close()  # BufferError if a view of it were still exported
