"""Damage fuzz for rerun-sdk 0.4.0 files: bit flips and truncations, read back with ``recording.load``.

A 0.4.0 file is one zstd frame of blocks, each decodable only after the ones before it. For a damaged copy,
the records *intact before the damage* are those whose decompressed bytes all come out of blocks that end
before the first damaged byte. The reader must return every row of those (``lost`` counts the ones it
did not), and rows it returns beyond them must be rows that were logged (``changed`` counts the others:
damage passed off as data; 0.4.0 files carry no checksum, so a flip inside a stored value can do that).

Run as a script (``python legacy_damage.py FILE CASES SEED``) it prints one JSON line of totals.
"""

from __future__ import annotations

import json
import random
import struct
import sys
import tempfile
from pathlib import Path

HEADER = 8


def _frame_blocks(data: bytes) -> list[tuple[int, int]]:
    """(start, end) in the file of each block of the zstd frame after the 8-byte header."""
    pos = HEADER + 4
    descriptor = data[pos]
    pos += 1
    single_segment = (descriptor >> 5) & 1
    if not single_segment:
        pos += 1  # window descriptor
    pos += (0, 1, 2, 4)[descriptor & 3]  # dictionary id
    pos += ((1 if single_segment else 0), 2, 4, 8)[descriptor >> 6]  # content size
    blocks = []
    while pos < len(data):
        header = int.from_bytes(data[pos : pos + 3], "little")
        kind, size = (header >> 1) & 3, header >> 3
        end = pos + 3 + (1 if kind == 1 else size)
        blocks.append((pos, end))
        pos = end
        if header & 1:
            break
    return blocks


def _output_after_blocks(data: bytes, blocks: list[tuple[int, int]]) -> list[int]:
    """Decompressed bytes available once each block has been read whole."""
    import zstandard

    decompressor = zstandard.ZstdDecompressor().decompressobj()
    produced, pos, after = 0, HEADER, []
    for _start, end in blocks:
        produced += len(decompressor.decompress(data[pos:end]))
        pos = end
        after.append(produced)
    return after


def _record_ends(data: bytes) -> list[int]:
    import zstandard

    raw = zstandard.ZstdDecompressor().decompressobj().decompress(data[HEADER:])
    ends, pos = [], 0
    while pos < len(raw):
        (length,) = struct.unpack_from("<Q", raw, pos)
        pos += 8 + length
        ends.append(pos)
    return ends


def _records(data: bytes) -> list[bytes]:
    import zstandard

    raw = zstandard.ZstdDecompressor().decompressobj().decompress(data[HEADER:])
    out, pos = [], 0
    while pos < len(raw):
        (length,) = struct.unpack_from("<Q", raw, pos)
        out.append(raw[pos : pos + 8 + length])
        pos += 8 + length
    return out


def rows(path: str) -> set:
    """Every logged row of the file as a hashable (entity, row) pair; raises what ``recording.load`` raises."""
    from rerun import recording

    rec = recording.load(path)
    found = set()
    for entity in rec.entity_paths:
        table = rec.table(entity)
        table = table.select([n for n in table.column_names if n != "log_time"])
        for row in table.to_pylist():
            found.add((entity, json.dumps(row, sort_keys=True, default=str)))
    return found


class DamageFuzz:
    """The original file's blocks and records, to say which rows any damaged copy must still give."""

    def __init__(self, data: bytes, workdir: Path) -> None:
        import zstandard

        self.data = data
        self.workdir = workdir
        self.blocks = _frame_blocks(data)
        self.output_after = _output_after_blocks(data, self.blocks)
        self.record_ends = _record_ends(data)
        self.records = _records(data)
        self._zstd = zstandard.ZstdCompressor()
        self.all_rows = rows(self._write("original.rrd", data))
        self._prefix_rows: dict[int, set] = {}

    def _write(self, name: str, data: bytes) -> str:
        path = self.workdir / name
        path.write_bytes(data)
        return str(path)

    def intact_rows(self, first_damaged: int) -> set:
        """Rows of the records decodable before the first damaged byte at file offset ``first_damaged``."""
        output = 0
        for (start, end), after in zip(self.blocks, self.output_after):
            if end > first_damaged:
                break
            output = after
        count = sum(1 for e in self.record_ends if e <= output)
        if count not in self._prefix_rows:
            prefix = self.data[:HEADER] + self._zstd.compress(b"".join(self.records[:count]))
            self._prefix_rows[count] = rows(self._write(f"prefix-{count}.rrd", prefix)) if count else set()
        return self._prefix_rows[count]

    def run(self, cases: int, seed: int) -> dict:
        rng = random.Random(seed)
        totals = {"files": 0, "intact_rows": 0, "recovered_intact": 0, "rows_beyond": 0, "changed": 0, "rejected_whole": 0,
                  "rejected_with_intact_rows": 0, "raw_exceptions": 0}
        for case in range(cases):
            if case % 4 == 3:
                cut = rng.randrange(HEADER + 1, len(self.data))
                damaged, first = self.data[:cut], cut
            else:
                pos = rng.randrange(HEADER, len(self.data))
                flipped = bytearray(self.data)
                flipped[pos] ^= 1 << rng.randrange(8)
                damaged, first = bytes(flipped), pos
            intact = self.intact_rows(first)
            totals["files"] += 1
            totals["intact_rows"] += len(intact)
            try:
                got = rows(self._write("damaged.rrd", damaged))
            except Exception as exc:  # noqa: BLE001 - counted by kind
                from rerun.wire.frames import WireError

                if not isinstance(exc, WireError):
                    totals["raw_exceptions"] += 1
                totals["rejected_whole"] += 1
                totals["rejected_with_intact_rows"] += bool(intact)
                continue
            totals["recovered_intact"] += len(intact & got)
            totals["rows_beyond"] += len((got - intact) & self.all_rows)
            totals["changed"] += len(got - self.all_rows)
        return totals


if __name__ == "__main__":
    file, cases, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with tempfile.TemporaryDirectory() as tmp:
        fuzz = DamageFuzz(Path(file).read_bytes(), Path(tmp))
        print(json.dumps({"blocks": len(fuzz.blocks), "records": len(fuzz.records), "rows": len(fuzz.all_rows), **fuzz.run(cases, seed)}))
