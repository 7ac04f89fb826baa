"""The viewer's side of the frame checksums (format 3's XXH3, format 2's CRC32C): it verifies checksummed
frames when loading a file, skips a damaged one naming its offset, and its --save checksums frames that
arrived without one (a format-1 peer)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

import rerun as rr
from rerun import _session, _time
from rerun.recording import load
from rerun.wire.events import LogEvent
from rerun.wire.frames import FLAG_XXH3, FRAME_HEADER, STREAM_HEADER, FrameKind, encode_frame_header, iter_frames
from rerun.wire.log_table import build_log_batch, log_payload_size, write_log_payload
from rerun_app.ingest import Ingest, RecordingTarget
from rerun_app.ingest.dispatch import FrameSaver


def _saved(path) -> None:
    _session.shutdown()
    _time.reset_time()
    rr.save(path)
    for i in range(30):
        rr.set_time_sequence("frame", i)
        rr.log_scalar("plot", float(i))
        _session.flush()
    rr.disconnect()


def test_the_viewer_skips_a_frame_whose_checksum_fails_and_keeps_the_rest(tmp_path):
    path = tmp_path / "flipped.rrd"
    _saved(path)
    data = bytearray(path.read_bytes())
    frames = [f for f in iter_frames(bytes(data), 8) if f.kind.name == "LOG"]
    assert all(data[f.offset + 3] & FLAG_XXH3 for f in frames)
    victim = frames[10]
    data[victim.offset + FRAME_HEADER.size + 40] ^= 0x04
    path.write_bytes(data)
    recorder = RecordingTarget()
    source = Ingest(recorder).load_file(str(path))
    kept = [e for e in recorder.events if isinstance(e, LogEvent)]
    assert sum(e.batch.num_rows for e in kept) == 29
    assert source.errors == 1
    assert f"byte {victim.offset}" in source.last_error and "checksum mismatch" in source.last_error


def test_save_gives_frames_that_came_without_a_checksum_one(tmp_path):
    batch = build_log_batch("pts", "rec", {("frame", "sequence"): [3]}, {})
    stream = pa.BufferOutputStream()  # as a format-1 peer sends it: no checksum
    stream.write(encode_frame_header(FrameKind.LOG, log_payload_size(batch)))
    write_log_payload(batch, stream)
    plain = np.frombuffer(stream.getvalue(), np.uint8)
    assert plain[3] == 0
    saver = FrameSaver(str(tmp_path / "saved.rrd"))
    saver.write(plain)
    saver.close()
    data = (tmp_path / "saved.rrd").read_bytes()
    assert data.startswith(STREAM_HEADER)
    (frame,) = iter_frames(data, 8)  # verified while iterating
    assert data[frame.offset + 3] & FLAG_XXH3
    assert load(tmp_path / "saved.rrd").table("pts").column("frame").to_pylist() == [3]
    flipped = bytearray(data)
    flipped[-10] ^= 1
    (tmp_path / "saved.rrd").write_bytes(flipped)
    assert "checksum mismatch" in load(tmp_path / "saved.rrd").warnings[0]
