"""The file sink's block reserve (ext4) is invisible to readers and given back at close."""

from __future__ import annotations

import os

import numpy as np

import rerun as rr
import rerun.recording
from rerun import _session
from rerun.sinks import FileSink
from rerun.wire.frames import STREAM_HEADER


def test_size_while_logging_is_what_was_written_and_the_reserve_is_freed_at_close(fresh, tmp_path):
    path = tmp_path / "big.rrd"
    rr.save(path)
    sink = _session.get_sink()
    assert isinstance(sink, FileSink)
    frames = [np.random.default_rng(i).integers(0, 256, (480, 640, 3), dtype=np.uint8) for i in range(12)]
    for i, frame in enumerate(frames):
        rr.set_time_sequence("frame", i)
        rr.log_image("camera", frame)
        # Every frame is in the file when the call returns, and nothing past it.
        assert os.path.getsize(path) == len(STREAM_HEADER) + sink.stats()["sent_bytes"]

    written = os.path.getsize(path)
    assert written > sum(f.nbytes for f in frames)
    rr.disconnect()

    final = os.stat(path)
    # Blocks still allocated past the end would show as a disk usage well above the size.
    assert final.st_blocks * 512 <= final.st_size + (1 << 20)
    table = rerun.recording.load(path).table("camera")
    assert table.num_rows == len(frames)
    assert table["frame"].to_pylist() == list(range(len(frames)))
    data = table["rerun.tensor"].combine_chunks().flatten().field("data")
    for stored, frame in zip(data.to_pylist(), frames):
        assert stored == frame.tobytes()
