"""The viewer's side of the frame checksums (format 3's XXH3, format 2's CRC32C): it verifies checksummed
frames when loading a file, skips a damaged one naming its offset (in a format-3 file also one without a
checksum), and its --save checksums frames that arrived without one (a format-1 peer)."""

from __future__ import annotations

import os
import struct
import subprocess
import sys

import numpy as np
import pyarrow as pa

import rerun as rr
from rerun import _session, _time
from rerun.recording import load
from rerun.wire import frames as wire_frames
from rerun.wire.events import LogEvent
from rerun.wire.frames import FLAG_XXH3, FRAME_HEADER, STREAM_HEADER, STREAM_MAGIC, FrameKind, encode_frame_header, iter_frames
from rerun.wire.log_table import build_log_batch, log_payload_size, write_log_payload
from rerun_app.ingest import Ingest, RecordingTarget, make_target
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


def _rerun_print(path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RERUN")}
    return subprocess.run([sys.executable, "-m", "rerun", "print", str(path)], capture_output=True, text=True, timeout=120, env=env)


def test_a_frame_whose_checksum_flag_and_tag_were_cleared_is_skipped_by_every_file_reader(tmp_path):
    """In a format-3 file every frame carries a checksum: one whose flag and b"XXH3" tag a burst cleared is
    damaged, not a format-1 frame to read unverified. load, rerun print and the viewer's loader skip exactly it,
    naming its file offset, and keep every other row."""
    path = tmp_path / "burst.rrd"
    _saved(path)
    data = bytearray(path.read_bytes())
    frames = [f for f in iter_frames(bytes(data), 8) if f.kind.name == "LOG"]
    victim = frames[len(frames) // 2]
    victim_frame = int(load(path).table("plot").column("frame")[len(frames) // 2].as_py())
    assert data[victim.offset + 3] == FLAG_XXH3 and data[victim.offset + 4 : victim.offset + 8] == b"XXH3"
    data[victim.offset + 3 : victim.offset + 8] = bytes(5)  # the flag and the tag beside it
    path.write_bytes(data)
    rest = [i for i in range(30) if i != victim_frame]

    recording = load(path)
    assert recording.table("plot").column("frame").to_pylist() == rest
    assert [c[0] for c in recording.table("plot").column("rerun.scalar").to_pylist()] == [float(i) for i in rest]
    (warning,) = recording.warnings
    assert f"at byte {victim.offset} " in warning and "no checksum" in warning

    printed = _rerun_print(path)
    assert printed.returncode == 0, printed.stderr
    assert "messages: 29" in printed.stdout
    assert f"at byte {victim.offset} " in printed.stdout and "no checksum" in printed.stdout

    recorder = RecordingTarget()
    source = Ingest(recorder).load_file(str(path))
    kept = [e.batch.column("timeline:sequence:frame")[0].as_py() for e in recorder.events if isinstance(e, LogEvent)]
    assert kept == rest
    assert source.errors == 1 and source.format_version == 3
    assert f"at byte {victim.offset} " in source.last_error and "no checksum" in source.last_error


def test_format_1_files_without_checksums_still_read_everywhere(tmp_path):
    _saved(tmp_path / "v3.rrd")
    out = bytearray(STREAM_MAGIC + struct.pack("<HH", 1, 0))
    for frame in iter_frames((tmp_path / "v3.rrd").read_bytes(), 8):
        out += encode_frame_header(frame.kind, len(frame.payload)) + bytes(frame.payload)
    path = tmp_path / "v1.rrd"
    path.write_bytes(out)
    recording = load(path)
    assert recording.table("plot").column("frame").to_pylist() == list(range(30)) and recording.warnings == []
    printed = _rerun_print(path)
    assert printed.returncode == 0 and "messages: 30" in printed.stdout and "warning" not in printed.stdout
    recorder = RecordingTarget()
    source = Ingest(recorder).load_file(str(path))
    assert sum(e.batch.num_rows for e in recorder.events if isinstance(e, LogEvent)) == 30
    assert source.errors == 0 and source.format_version == 1


def test_every_reader_hashes_each_frame_of_a_file_once(tmp_path, monkeypatch):
    """Frames are verified as they are found; the viewer's dispatcher does not hash them again, nor does
    iteration hash again the frame it verified while finding its way past a damaged one."""
    path = tmp_path / "once.rrd"
    _saved(path)
    data = bytearray(path.read_bytes())
    frames = list(iter_frames(bytes(data), 8))
    hashed: list[int] = []
    hash_of = wire_frames.xxh3_64_intdigest
    monkeypatch.setattr(wire_frames, "xxh3_64_intdigest", lambda view: hashed.append(len(view)) or hash_of(view))

    def hashes_while(read) -> int:
        hashed.clear()
        read()
        return len(hashed)

    readers = {
        "recording.load": lambda: load(path),
        "viewer loader into a store": lambda: Ingest(make_target()[1]).load_file(str(path)),
        "viewer loader, frame by frame": lambda: Ingest(RecordingTarget()).load_file(str(path)),
    }
    for name, read in readers.items():
        assert hashes_while(read) == len(frames), name
    victim = frames[len(frames) // 2]
    data[victim.offset + FRAME_HEADER.size + 30] ^= 0x10
    path.write_bytes(data)
    for name, read in readers.items():
        assert hashes_while(read) == len(frames), f"{name}, one frame damaged"
    assert len(load(path).warnings) == 1
