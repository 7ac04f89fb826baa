"""Damaged rerun-sdk 0.4.0 files (issue 9 leftover): everything decoded before the damage is kept, a record
that does not decode costs only itself, and what cannot be recovered is said (the fixture was written by the
reference SDK: tests/fixtures/rrd_v040/make_damage_fixture.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from legacy_damage import HEADER, DamageFuzz, rows
from rerun import recording
from rerun.wire.frames import WireError

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "rrd_v040" / "damage_scalars.rrd"


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory):
    return DamageFuzz(FIXTURE.read_bytes(), tmp_path_factory.mktemp("legacy-damage"))


def test_the_fixture_is_one_zstd_frame_of_many_blocks(fuzz):
    assert len(fuzz.blocks) >= 8 and len(fuzz.all_rows) == 800


def _refused_flip(fuzz, block: int) -> tuple[int, bytes]:
    """The first bit flip inside ``block``'s compressed bytes that zstd refuses (many flips only change a
    value: those pass as data, no checksum protects a 0.4.0 file): its position, and the damaged file."""
    import zstandard

    start, end = fuzz.blocks[block]
    for pos in range(start + 3, end):
        damaged = bytearray(fuzz.data)
        damaged[pos] ^= 0x04
        try:
            zstandard.ZstdDecompressor().decompressobj().decompress(bytes(damaged[HEADER:]))
        except zstandard.ZstdError:
            return pos, bytes(damaged)
    pytest.fail(f"no flip of bit 2 in block {block} is refused by zstd")


def test_a_damaged_block_keeps_every_record_before_it_and_says_what_is_lost(fuzz, tmp_path):
    pos, damaged = _refused_flip(fuzz, 5)
    path = tmp_path / "flipped.rrd"
    path.write_bytes(bytes(damaged))
    rec = recording.load(str(path))
    got = rows(str(path))
    intact = fuzz.intact_rows(pos)
    assert intact and intact <= got and got <= fuzz.all_rows
    assert not rec.complete
    (warning,) = [w for w in rec.warnings if "damaged" in w]
    assert "damaged at byte" in warning
    assert "cannot be decoded" in warning and "compressed bytes lost" in warning


def test_a_truncated_file_keeps_every_complete_record(fuzz, tmp_path):
    cut = fuzz.blocks[3][1] + 10
    path = tmp_path / "cut.rrd"
    path.write_bytes(fuzz.data[:cut])
    got = rows(str(path))
    assert got == fuzz.intact_rows(cut) and got


def test_a_file_damaged_where_nothing_decodes_is_refused_with_a_clear_message(fuzz, tmp_path):
    path = tmp_path / "headless.rrd"
    path.write_bytes(fuzz.data[:HEADER] + b"\0\0\0\0" + fuzz.data[HEADER + 4 :])  # the zstd magic is gone
    with pytest.raises(WireError, match="nothing readable.*damaged at byte 8"):
        recording.load(str(path))


def test_the_viewer_shows_every_row_before_the_damage(fuzz, tmp_path):
    """The viewer's loader (headless, counts from --stats-json): the intact rows are in its store, and the
    damage is reported on the file's source."""
    import json
    import subprocess
    import sys

    from net_support import free_port

    pos, damaged = _refused_flip(fuzz, 6)
    path = tmp_path / "flipped.rrd"
    path.write_bytes(damaged)
    expected: dict[str, int] = {}
    for entity, _row in fuzz.intact_rows(pos):
        expected[entity] = expected.get(entity, 0) + 1
    stats_path = tmp_path / "stats.json"
    result = subprocess.run(
        [sys.executable, "-m", "rerun_app", str(path), "--headless", "--port", str(free_port()), "--exit-after-idle", "0.1",
         "--stats-json", str(stats_path)], capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    stats = json.loads(stats_path.read_text())
    (recording,) = stats["store"]["recordings"].values()
    assert recording["rows_per_entity"] == expected
    (source,) = stats["sources"]
    assert "compressed stream is damaged" in source["last_error"] and source["errors"] == 1


def test_bit_flips_and_truncations_lose_nothing_intact(fuzz):
    totals = fuzz.run(cases=24, seed=9)
    assert totals["raw_exceptions"] == 0
    assert totals["rejected_with_intact_rows"] == 0, totals
    assert totals["recovered_intact"] == totals["intact_rows"] > 0, totals
