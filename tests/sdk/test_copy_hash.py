"""The native copy-and-hash (``rerun._copy_hash``, sdk/native/copy_hash.c): what it copies must be the
source byte for byte, and its digest the XXH3-64 that the readers check (python-xxhash), for every size
(around the 16 KiB step and the 256 KiB streaming-store threshold) and every target alignment."""

from __future__ import annotations

import mmap
import os

import numpy as np
import pytest
from xxhash import xxh3_64_intdigest

from rerun.transport.hashing_writer import NATIVE_COPY_HASH

if not NATIVE_COPY_HASH:
    if os.environ.get("RERUN_REQUIRE_NATIVE") == "1":
        pytest.fail("rerun._copy_hash is not built (needs a C compiler and libxxhash-dev; see .ci/system-deps)", pytrace=False)
    pytest.skip("rerun._copy_hash is not built: the SDK uses its Python fallback", allow_module_level=True)

from rerun._copy_hash import CopyHasher  # noqa: E402

SIZES = [0, 1, 15, 16, 17, 63, 64, 65, 16383, 16384, 16385, (256 << 10) - 1, 256 << 10, (256 << 10) + 1, (1 << 20) + 7]


@pytest.mark.parametrize("size", SIZES)
def test_a_copy_hasher_copies_the_source_and_seals_its_xxh3_at_any_alignment(size):
    source = np.random.default_rng(size).integers(0, 256, size, dtype=np.uint8)
    for offset in (0, 1, 8, 13):
        target = np.full(size + offset + 8 + 3, 0xA5, np.uint8)
        writer = CopyHasher(target[offset:])
        writer.write(source)
        assert writer.seal() == xxh3_64_intdigest(source)
        writer.release()
        assert int.from_bytes(target[offset + size : offset + size + 8].tobytes(), "little") == xxh3_64_intdigest(source)
        target[offset + size : offset + size + 8] = 0xA5  # the digest checked: the rest must be untouched
        np.testing.assert_array_equal(target[offset : offset + size], source)
        assert (target[:offset] == 0xA5).all() and (target[offset + size :] == 0xA5).all()  # nothing written outside


@pytest.mark.parametrize("size", SIZES)
def test_a_copy_hasher_fed_in_pieces_seals_the_xxh3_of_all_of_them(size):
    source = np.random.default_rng(size + 1).integers(0, 256, size, dtype=np.uint8)
    mapping = mmap.mmap(-1, size + 8 + 5)  # shared memory, as the ring's
    target = np.frombuffer(mapping, np.uint8)[5:]
    writer = CopyHasher(target)
    for piece in (source[: size // 3].tobytes(), source[size // 3 : size // 2], memoryview(source[size // 2 :])):
        writer.write(piece)
    assert writer.tell() == size
    digest = writer.seal()
    writer.release()
    assert digest == xxh3_64_intdigest(source)
    np.testing.assert_array_equal(target[:size], source)
    assert int.from_bytes(target[size : size + 8].tobytes(), "little") == digest
    del target
    mapping.close()  # BufferError if the writer still held a view of it


def test_writing_past_the_target_raises_and_writes_nothing():
    target = np.zeros(100, np.uint8)
    writer = CopyHasher(target)
    writer.write(b"x" * 95)
    with pytest.raises(ValueError, match="go past the 100-byte target"):
        writer.write(b"y" * 6)
    assert (target[95:] == 0).all()
    with pytest.raises(ValueError, match="no room for the 8-byte digest"):
        writer.seal()
    writer.release()
    assert writer.closed
    with pytest.raises(ValueError, match="released"):
        writer.write(b"z")


def test_a_read_only_target_is_refused():
    with pytest.raises(BufferError):
        CopyHasher(b"read-only bytes")
