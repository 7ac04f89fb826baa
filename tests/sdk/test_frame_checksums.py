"""Format 3's per-frame XXH3: every single-bit flip and every burst is caught, and older files still read
(format 2's CRC32C frames, verified; format 1's frames without a checksum)."""

from __future__ import annotations

import struct

import numpy as np
import pytest

import rerun as rr
from rerun import _session, _time
from rerun.recording import load
from rerun.transport.viewer_sink import serialize_log_frame
from rerun.wire.frames import (
    CRC32C,
    DIGEST,
    FLAG_CRC32C,
    FLAG_XXH3,
    FORMAT_VERSION,
    FRAME_HEADER,
    STREAM_MAGIC,
    FrameKind,
    MissingChecksumError,
    WireError,
    checked_payload,
    crc32c_checksum,
    encode_frame_header,
    encode_json_frame,
    iter_frames,
    parse_frame_header,
)
from rerun.wire.log_table import build_log_batch


def _sealed_frame(payload_bytes: int, seed: int) -> bytes:
    """A real LOG frame (as the ring and TCP send it) whose payload holds ``payload_bytes`` random bytes."""
    import pyarrow as pa

    values = np.random.default_rng(seed).integers(0, 256, payload_bytes, dtype=np.uint8)
    cells = pa.ListArray.from_arrays(pa.array([0, payload_bytes], pa.int32()), pa.array(values))
    batch = build_log_batch("blob", "rec", {("frame", "sequence"): [seed]}, {"ext.bytes": cells})
    return serialize_log_frame(batch).tobytes()


def _verifies(frame: bytes | bytearray) -> bool:
    try:
        _kind, length = parse_frame_header(frame, 0)
        if FRAME_HEADER.size + length != len(frame):
            return False
        checked_payload(frame, 0, length)
    except WireError:
        return False
    return True


def test_a_written_frame_carries_an_xxh3_trailer_that_verifies():
    frame = _sealed_frame(1000, 1)
    assert frame[3] == FLAG_XXH3
    _kind, length = parse_frame_header(frame, 0)
    assert FRAME_HEADER.size + length == len(frame)
    payload = checked_payload(frame, 0, length)
    assert len(payload) == length - DIGEST.size
    assert _verifies(frame)


def test_every_single_bit_flip_of_a_frame_is_detected():
    frame = _sealed_frame(1500, 2)  # header, Arrow metadata, data and trailer: 2,168 bytes, 17,344 bits
    caught = 0
    for bit in range(len(frame) * 8):
        damaged = bytearray(frame)
        damaged[bit // 8] ^= 1 << (bit % 8)
        assert not _verifies(damaged), f"flip of bit {bit} went unnoticed"
        caught += 1
    assert caught == len(frame) * 8


@pytest.mark.parametrize("max_bits", [64, 1024])
def test_random_bursts_are_detected(max_bits):
    """A burst: a run of up to ``max_bits`` bits whose first and last bit are flipped, any in between at random."""
    frame = _sealed_frame(64 << 10, 3)
    rng = np.random.default_rng(max_bits)
    total_bits = len(frame) * 8
    for _ in range(1500):
        length = int(rng.integers(2, max_bits + 1))
        start = int(rng.integers(0, total_bits - length))
        flips = [start, start + length - 1] + [start + int(i) for i in np.nonzero(rng.random(length - 2) < 0.5)[0] + 1]
        damaged = bytearray(frame)
        for bit in flips:
            damaged[bit // 8] ^= 1 << (bit % 8)
        assert not _verifies(damaged), f"burst of {length} bits at bit {start} went unnoticed"


def test_swapped_and_zeroed_blocks_are_detected():
    """Damage a position-blind sum would miss: two 8-byte words swapped, a 4 KiB page zeroed or repeated."""
    frame = _sealed_frame(64 << 10, 4)
    body = FRAME_HEADER.size
    swapped = bytearray(frame)
    swapped[body + 1000 : body + 1008], swapped[body + 3000 : body + 3008] = frame[body + 3000 : body + 3008], frame[body + 1000 : body + 1008]
    zeroed = bytearray(frame)
    zeroed[8192 : 8192 + 4096] = bytes(4096)
    repeated = bytearray(frame)
    repeated[8192 + 4096 : 8192 + 8192] = frame[8192 : 8192 + 4096]
    for damaged in (swapped, zeroed, repeated):
        assert bytes(damaged) != frame
        assert not _verifies(damaged)


def _save_scalars(path, count: int) -> None:
    _session.shutdown()
    _time.reset_time()
    rr.save(path)
    for i in range(count):
        rr.set_time_sequence("frame", i)
        rr.log_scalar("plot", float(i))
        _session.flush()
    rr.disconnect()


def as_format_2(source, target) -> None:
    """The same frames as format 2 wrote them: CRC32C trailers (4 bytes), stream version 2."""
    data = source.read_bytes()
    out = bytearray(STREAM_MAGIC + struct.pack("<HH", 2, 0))
    for frame in iter_frames(data, 8):
        payload = bytes(frame.payload)
        header = bytearray(encode_frame_header(frame.kind, len(payload) + CRC32C.size))
        header[3] = FLAG_CRC32C
        out += header + payload + CRC32C.pack(crc32c_checksum(bytes(header), payload))
    target.write_bytes(bytes(out))


def test_rr_save_writes_format_3_and_format_2_files_still_read_and_verify(tmp_path):
    _save_scalars(tmp_path / "v3.rrd", 20)
    data = (tmp_path / "v3.rrd").read_bytes()
    assert struct.unpack_from("<H", data, 4)[0] == FORMAT_VERSION == 3
    assert all(data[f.offset + 3] == FLAG_XXH3 for f in iter_frames(data, 8))

    as_format_2(tmp_path / "v3.rrd", tmp_path / "v2.rrd")
    v2 = (tmp_path / "v2.rrd").read_bytes()
    frames = [f for f in iter_frames(v2, 8) if f.kind == FrameKind.LOG]
    assert all(v2[f.offset + 3] == FLAG_CRC32C for f in frames)
    assert load(tmp_path / "v2.rrd").table("plot").column("frame").to_pylist() == list(range(20))

    victim = frames[7]
    damaged = bytearray(v2)
    damaged[victim.offset + FRAME_HEADER.size + len(victim.payload) // 2] ^= 0x20
    (tmp_path / "v2.rrd").write_bytes(bytes(damaged))
    recording = load(tmp_path / "v2.rrd")
    assert recording.table("plot").column("frame").to_pylist() == [i for i in range(20) if i != 7]
    (warning,) = recording.warnings
    assert f"byte {victim.offset}" in warning and "checksum mismatch" in warning


def test_a_flag_pair_a_lost_flag_or_tag_or_a_frame_too_short_for_its_trailer_is_refused():
    both = bytearray(encode_frame_header(FrameKind.LOG, 100, checksum=True))
    both[3] = FLAG_CRC32C | FLAG_XXH3
    with pytest.raises(WireError, match="unknown flags"):
        parse_frame_header(bytes(both), 0)
    short = bytearray(encode_frame_header(FrameKind.LOG, 0, checksum=True))
    short[8:16] = struct.pack("<Q", 5)
    with pytest.raises(WireError, match="too short for its checksum"):
        parse_frame_header(bytes(short), 0)
    short[3] = 0  # the flag lost: the b"XXH3" tag left in the reserved bytes gives it away
    with pytest.raises(WireError, match="reserved bytes 0x33485858"):
        parse_frame_header(bytes(short), 0)
    short[3] = FLAG_XXH3
    short[4:8] = bytes(4)  # the tag lost
    with pytest.raises(WireError, match="reserved bytes 0x0 "):
        parse_frame_header(bytes(short), 0)


def test_a_frame_that_lost_both_its_flag_and_its_tag_is_damaged_in_a_format_3_stream_only():
    """Cleared together, the flag and the tag make a frame look like format 1's: only the stream's version can
    tell. In a format-3 stream it is damaged (skipped; the next frame is read), in a format-1 or 2 one it is read."""
    sealed = encode_json_frame(FrameKind.CLEAR, {"entity_path": "a", "recursive": False}, checksum=True)
    lost = bytearray(sealed)
    lost[3:8] = bytes(5)
    length = len(lost) - FRAME_HEADER.size
    assert parse_frame_header(bytes(lost), 0) == (FrameKind.CLEAR, length)  # the header alone looks fine
    with pytest.raises(MissingChecksumError, match="frame at byte 0: no checksum, although every frame of a format-3 stream"):
        checked_payload(bytes(lost), 0, length)
    assert len(checked_payload(bytes(lost), 0, length, format_version=2)) == length  # read, unverified, as format 2 did
    stream = bytes(lost) + sealed
    corrupt: list = []
    (kept,) = iter_frames(stream, 0, corrupt=corrupt, format_version=FORMAT_VERSION)
    assert kept.offset == len(lost) and kept.json() == {"entity_path": "a", "recursive": False}
    (region,) = corrupt
    assert (region.offset, region.length) == (0, len(lost)) and "no checksum" in region.reason
    with pytest.raises(MissingChecksumError):
        list(iter_frames(stream, 0))
    assert [f.offset for f in iter_frames(stream, 0, format_version=1)] == [0, len(lost)]
