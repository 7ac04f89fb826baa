"""Damaged .rrd files: every intact frame is kept, a damaged one is skipped with a warning naming its
offset, nothing crashes the reader, and nothing changed by the damage is returned as data (v2 checksums)."""

from __future__ import annotations

import json
import os
import pathlib
import struct
import subprocess
import sys

import pyarrow as pa

import rerun as rr
import rerun.recording
from rerun import _session
from rerun.wire.frames import FRAME_HEADER, STREAM_MAGIC, encode_frame_header, iter_frames

HERE = pathlib.Path(__file__).resolve().parent
FUZZ = HERE / "file_fuzz.py"


def _fuzz(path: pathlib.Path, scratch: pathlib.Path, *extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RERUN")}
    result = subprocess.run(
        [sys.executable, str(FUZZ), str(path), "200", "9", str(scratch), *extra], capture_output=True, text=True, timeout=600, env=env
    )
    assert result.returncode == 0, result.stderr[-3000:]  # a reader crash kills a child, counted below, not this
    return json.loads(result.stdout.splitlines()[-1])


def as_version_1(source: pathlib.Path, target: pathlib.Path) -> None:
    """The same frames in format version 1 (no checksums), as files written before version 2 are."""
    data = source.read_bytes()
    out = bytearray(STREAM_MAGIC + struct.pack("<HH", 1, 0))
    for frame in iter_frames(data, 8):
        out += encode_frame_header(frame.kind, len(frame.payload)) + bytes(frame.payload)
    target.write_bytes(out)


def test_200_damaged_files_keep_every_intact_frame_and_return_no_changed_value(tmp_path):
    totals = _fuzz(tmp_path / "rec.rrd", tmp_path / "scratch.rrd", "--write")
    assert totals["crashed"] == 0 and totals["raw_errors"] == 0 and totals["files_rejected"] == 0, totals
    assert totals["frames_intact"] > 200 * 20  # most of the ~40 frames of each copy were left alone
    assert totals["frames_recovered"] == totals["frames_intact"], totals
    assert totals["rows_changed"] == 0, totals  # every flip inside a frame was caught by its checksum


def test_200_damaged_version_1_files_never_crash_or_raise(tmp_path):
    """Version 1 has no checksums: changed values cannot be told apart, but the reader still survives."""
    subprocess.run([sys.executable, str(FUZZ), str(tmp_path / "v2.rrd"), "0", "0", str(tmp_path / "s.rrd"), "--write"], check=True, capture_output=True)
    as_version_1(tmp_path / "v2.rrd", tmp_path / "v1.rrd")
    assert rerun.recording.load(tmp_path / "v1.rrd").num_rows("scalar/1") > 0
    totals = _fuzz(tmp_path / "v1.rrd", tmp_path / "scratch.rrd")
    assert totals["crashed"] == 0 and totals["raw_errors"] == 0 and totals["files_rejected"] == 0, totals
    assert totals["frames_recovered"] >= 0.9 * totals["frames_intact"], totals


def _three_entity_file(path: pathlib.Path) -> list:
    rr.save(path)
    for i, entity in enumerate(["first", "middle", "last"]):
        rr.set_time_sequence("frame", i)
        rr.log_scalar(entity, float(i))
        _session.flush()
    rr.disconnect()
    return list(iter_frames(path.read_bytes(), 8))


def test_a_flipped_bit_skips_only_its_frame_and_names_its_offset(fresh, tmp_path):
    path = tmp_path / "flip.rrd"
    frames = _three_entity_file(path)
    middle = next(f for f in frames if f.kind.name == "LOG" and b"middle" in bytes(f.payload))
    data = bytearray(path.read_bytes())
    data[middle.offset + FRAME_HEADER.size + len(middle.payload) // 2] ^= 0x10  # a payload byte
    path.write_bytes(data)
    rec = rerun.recording.load(path)
    assert rec.entity_paths == ["first", "last"]
    assert rec.table("last").column("rerun.scalar").to_pylist() == [[2.0]]
    assert rec.complete  # GOODBYE, after the damaged frame, was read
    (warning,) = rec.warnings
    assert f"byte {middle.offset}" in warning and "checksum mismatch" in warning
    printed = subprocess.run([sys.executable, "-m", "rerun", "print", str(path)], capture_output=True, text=True, timeout=120)
    assert printed.returncode == 0, printed.stderr
    assert "first" in printed.stdout and "last" in printed.stdout and "middle" not in printed.stdout.replace(warning, "")
    assert f"warning: {warning}" in printed.stdout


def test_a_damaged_frame_length_is_resynchronised_on_the_next_frame(fresh, tmp_path):
    path = tmp_path / "length.rrd"
    frames = _three_entity_file(path)
    first = next(f for f in frames if f.kind.name == "LOG" and b"first" in bytes(f.payload))
    data = bytearray(path.read_bytes())
    data[first.offset + 8 + 2] ^= 0x10  # bit 20 of the length: 1 MiB more, past the end of the file
    path.write_bytes(data)
    rec = rerun.recording.load(path)
    assert rec.entity_paths == ["last", "middle"]
    assert any(f"byte {first.offset}" in w and "runs past the end" in w for w in rec.warnings), rec.warnings


def test_a_batch_whose_offsets_point_outside_its_data_is_skipped_not_read(fresh, tmp_path):
    """Version 1 has no checksum: a damaged list offset must be caught by validating the batch."""
    path = tmp_path / "v2.rrd"
    rr.save(path)
    rr.log_points("pts", [[1, 2, 3], [4, 5, 6]])
    rr.log_scalar("ok", 1.0)
    rr.disconnect()
    as_version_1(path, tmp_path / "v1.rrd")
    data = bytearray((tmp_path / "v1.rrd").read_bytes())
    frame = next(f for f in iter_frames(bytes(data), 8, format_version=1) if b"pts" in bytes(f.payload))
    batch = rerun.wire.log_table.read_log_payload(bytes(frame.payload))[2]
    offsets = batch.column(batch.schema.get_field_index("rerun.point3d")).offsets.buffers()[1]
    # The list offsets [0, 2] of the only cell, found in the payload and replaced by [0, 2**30].
    needle = struct.pack("<ii", 0, 2)
    start = frame.offset + FRAME_HEADER.size + bytes(frame.payload).index(needle)
    assert offsets is not None
    data[start : start + 8] = struct.pack("<ii", 0, 1 << 30)
    (tmp_path / "v1.rrd").write_bytes(data)
    rec = rerun.recording.load(tmp_path / "v1.rrd")
    assert rec.entity_paths == ["ok"]
    assert any("not valid Arrow data" in w for w in rec.warnings), rec.warnings


def test_pyarrow_errors_never_escape_load(fresh, tmp_path):
    path = tmp_path / "garbage.rrd"
    garbage = bytes(range(256)) * 4
    path.write_bytes(STREAM_MAGIC + struct.pack("<HH", 2, 0) + encode_frame_header(rerun.wire.FrameKind.LOG, len(garbage)) + garbage)
    rec = rerun.recording.load(path)
    assert rec.entity_paths == [] and len(rec.warnings) == 1 and "byte 8" in rec.warnings[0]


def test_a_damaged_0_4_0_file_keeps_the_messages_before_the_damage(tmp_path):
    """rerun-sdk 0.4.0 files are one compressed stream: what decodes before the damage is kept."""
    data = (HERE.parent / "fixtures" / "rrd_v040" / "mixed.rrd").read_bytes()
    outcomes = set()
    for back in range(1, 400, 7):
        damaged = bytearray(data)
        damaged[len(damaged) - back] ^= 0x40
        path = tmp_path / "damaged.rrd"
        path.write_bytes(damaged)
        try:
            rec = rerun.recording.load(path)
        except rerun.wire.WireError:
            outcomes.add("rejected")  # damage before the first message that decodes
            continue
        partial = [w for w in rec.warnings if "damaged .rrd" in w or "skipped record" in w]
        if partial:
            assert not rec.complete and rec.begins  # at least the BEGIN_RECORDING came before the damage
            outcomes.add("partial")
    assert "partial" in outcomes
