"""Ring frames are written by a LogFrameEncoder: a kept Arrow stream writer per schema, each piece copied
and hashed in one pass (the native ``rerun._copy_hash`` or, without it, the Python chunked copy). The bytes
and the XXH3 trailer must be exactly those of the same frame written by a new stream writer and hashed
afterwards (the wire format does not change). Every test runs with both sinks."""

from __future__ import annotations

import mmap

import numpy as np
import pyarrow as pa
import pytest

from rerun.transport.frame_encoder import LogFrameEncoder
from rerun.wire.kept_writers import MAX_KEPT_SCHEMAS
from rerun.transport.hashing_writer import HASH_CHUNK_BYTES, NATIVE_COPY_HASH
from rerun.transport.ring import RingWriter
from rerun.transport.viewer_sink import serialize_log_frame
from rerun.wire.frames import DIGEST, FRAME_HEADER, ChecksumError, checked_payload, frame_size
from rerun.wire.log_table import build_log_batch, log_payload_size, read_log_payload
from rerun_app.ingest.ring_reader import RingReader


@pytest.fixture(params=["native", "python"])
def native(request) -> bool:
    """Each test once with the native copy-and-hash (it must be built: see tests/sdk/test_copy_hash.py) and
    once with the Python fallback."""
    if request.param == "native" and not NATIVE_COPY_HASH:
        pytest.skip("rerun._copy_hash is not built (tests/sdk/test_copy_hash.py fails in CI for that)")
    return request.param == "native"


def _batch(seed: int, n_points: int, entity: str = "world/cloud") -> pa.RecordBatch:
    """Several columns, buffers of odd sizes (not multiples of the chunk), small ones between big ones."""
    rng = np.random.default_rng(seed)
    positions = rng.standard_normal(n_points * 3).astype(np.float32)
    colors = rng.integers(0, 2**32, n_points, dtype=np.uint32)
    image = rng.integers(0, 256, 3 * HASH_CHUNK_BYTES + 77, dtype=np.uint8)
    columns = {
        "rerun.point3d": pa.ListArray.from_arrays(pa.array([0, n_points], pa.int32()), pa.FixedSizeListArray.from_arrays(pa.array(positions), 3)),
        "rerun.colorrgba": pa.ListArray.from_arrays(pa.array([0, n_points], pa.int32()), pa.array(colors)),
        "rerun.label": pa.ListArray.from_arrays(pa.array([0, 1], pa.int32()), pa.array(["x" * (seed % 7)])),
        "ext.image": pa.ListArray.from_arrays(pa.array([0, image.size], pa.int32()), pa.array(image)),
    }
    return build_log_batch(entity, "rec-big", {("frame", "sequence"): [seed]}, columns)


def _encoded(encoder: LogFrameEncoder, batch: pa.RecordBatch) -> np.ndarray:
    size = encoder.payload_size(batch)
    assert size == log_payload_size(batch)
    target = np.full(frame_size(size), 0xA5, np.uint8)
    encoder.write(target, batch, size)
    return target


@pytest.mark.parametrize("n_points", [10, 100_000, (8 << 20) // 12 + 12_345])
def test_each_frame_equals_the_frame_a_new_writer_writes_and_hashes_after(native, n_points):
    encoder = LogFrameEncoder(native)
    for seed in range(3):  # the first frame makes the kept writer, the next ones reuse it
        batch = _batch(seed, n_points)
        frame = _encoded(encoder, batch)
        np.testing.assert_array_equal(frame, serialize_log_frame(batch))
        checked_payload(frame, 0, frame.nbytes - FRAME_HEADER.size)


def test_interleaved_schemas_and_more_schemas_than_are_kept_all_encode_exactly(native):
    encoder = LogFrameEncoder(native)
    entities = [f"e/{i}" for i in range(MAX_KEPT_SCHEMAS + 5)]
    for round_ in range(2):
        for i, entity in enumerate(entities):
            batch = _batch(round_ * 100 + i, 50 + i, entity)
            frame = _encoded(encoder, batch)
            np.testing.assert_array_equal(frame, serialize_log_frame(batch))
            _, _, decoded = read_log_payload(checked_payload(frame, 0, frame.nbytes - FRAME_HEADER.size))
            assert decoded.equals(batch)


def test_a_failed_write_leaves_no_view_of_its_target_and_the_next_frame_is_whole(native):
    """The frame's buffer is too short for the batch: the write fails, no view of the target outlives it
    (a ring's mapping with a view still exported cannot be closed), and the encoder writes the next frame
    of the same schema correctly (the half-used writer is not kept)."""
    encoder = LogFrameEncoder(native)
    batch = _batch(4, 100_000)
    size = encoder.payload_size(batch)
    mapping = mmap.mmap(-1, frame_size(size) - 4096)
    with pytest.raises(Exception, match="past the") as failure:
        encoder.write(mapping, batch, size)
    assert "past the" in str(failure.value)  # ``failure`` also keeps the traceback and its frames alive here
    mapping.close()  # BufferError if a view of it were still exported
    np.testing.assert_array_equal(_encoded(encoder, batch), serialize_log_frame(batch))


def test_a_big_ring_frame_is_verified_and_decoded_and_a_flip_in_a_late_chunk_is_caught(native):
    batch = _batch(3, (8 << 20) // 12)
    writer = RingWriter(4 * frame_size(log_payload_size(batch)), encoder=LogFrameEncoder(native))
    reader = RingReader(writer.name, writer.capacity)
    try:
        assert writer.try_write_log(batch, log_payload_size(batch))
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


def test_a_dictionary_column_is_encoded_by_a_new_writer_each_frame(native):
    """Dictionaries travel inside each IPC stream, so a kept writer would leave them out of later frames."""
    encoder = LogFrameEncoder(native)
    for words in (["a", "b", "a"], ["c", "c", "d"]):
        cells = pa.ListArray.from_arrays(pa.array([0, 3], pa.int32()), pa.array(words).dictionary_encode())
        batch = build_log_batch("labels", "r", {("frame", "sequence"): [1]}, {"ext.words": cells})
        frame = _encoded(encoder, batch)
        np.testing.assert_array_equal(frame, serialize_log_frame(batch))
        _, _, decoded = read_log_payload(checked_payload(frame, 0, frame.nbytes - FRAME_HEADER.size))
        assert decoded.column("ext.words").to_pylist() == [words]
