"""Issue 9 item 1, a sibling: the ingest's cache of decoded schemas is bounded in bytes, not only in entries
(a peer chooses each schema's size: one 1 MiB entity path per frame made 1024 cached schemas a gigabyte)."""

from __future__ import annotations

import pyarrow as pa

from rerun.transport.viewer_sink import serialize_log_frame
from rerun.wire.frames import FRAME_HEADER, checked_payload
from rerun.wire.log_table import build_log_batch
from rerun_app.ingest.dispatch import _SCHEMA_CACHE_BYTES, LogPayloadDecoder


def _payload(entity: str) -> pa.Buffer:
    cells = pa.ListArray.from_arrays(pa.array([0, 1], pa.int32()), pa.array([1.5]))
    frame = serialize_log_frame(build_log_batch(entity, "rec", {("frame", "sequence"): [0]}, {"rerun.scalar": cells}))
    return pa.py_buffer(checked_payload(frame, 0, frame.nbytes - FRAME_HEADER.size).tobytes())  # without its checksum


def test_schemas_with_big_metadata_do_not_grow_the_cache_past_its_byte_bound():
    decoder = LogPayloadDecoder()
    for i in range(200):
        entity = f"e{i}/" + "x" * (256 << 10)  # a 256 KiB entity path: a 256 KiB schema message
        path, _rid, batch = decoder.decode(_payload(entity))
        assert path == entity and batch.num_rows == 1
        assert decoder.cached_bytes <= _SCHEMA_CACHE_BYTES
    repeated = _payload("small/entity")
    for _ in range(3):
        assert decoder.decode(repeated)[0] == "small/entity"
    assert 0 < decoder.cached_bytes <= _SCHEMA_CACHE_BYTES
