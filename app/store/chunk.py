"""A chunk: one ingested record batch kept alive as is (zero copy), plus lazily built cell accessors.

Every row of the store is named by a *key* ``(chunk sequence << 32) | row offset``; chunk sequence
numbers grow with arrival (store-wide, shared by the stores of a hub), so keys order rows by arrival.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from rerun import components as C

ROW_BITS = 32
ROW_MASK = (1 << ROW_BITS) - 1
INSTANCE_KEY = C.INSTANCE_KEY
#: An instance-key cell holding only this value marks a row whose components are all splats.
SPLAT_KEY = (1 << 64) - 1
#: Accounted per chunk on top of its buffers (the record batch's own objects).
CHUNK_OVERHEAD_BYTES = 8192
#: Accounted per arrival sequence number a compacted chunk answers for (its lookup-table entry).
SEQ_ENTRY_BYTES = 256  # lookup-table entry and the dead chunk shell until it is pruned


def chunk_seq(key: int) -> int:
    """The chunk sequence number of a row key."""
    return key >> ROW_BITS


class ListCells:
    """Zero-copy access to the cells of one ``list<T>`` column: ``cell(i)`` is row i's instance array."""

    __slots__ = ("values", "offsets", "valid")

    def __init__(self, column: pa.Array) -> None:
        if pa.types.is_fixed_size_list(column.type):
            raise TypeError("fixed-size list columns are not cells")  # handled by the caller's check
        # ``offsets`` already accounts for the column's own slice offset; ``values`` is the whole child.
        self.values = column.values
        self.offsets = column.offsets.to_numpy()
        self.valid = None if column.null_count == 0 else column.is_valid().to_numpy(zero_copy_only=False)

    def cell(self, row: int) -> pa.Array:
        start = int(self.offsets[row])
        return self.values.slice(start, int(self.offsets[row + 1]) - start)

    def lengths(self) -> np.ndarray:
        lengths = np.diff(self.offsets)
        if self.valid is not None:
            lengths = np.where(self.valid, lengths, 0)
        return lengths


class Chunk:
    """One record batch of one entity, held zero-copy.

    Attributes
    ----------
    seq : int
        Arrival sequence number (for a compacted chunk: that of the newest batch it holds).
    seqs : list of int
        Every arrival sequence number whose rows it holds (one, unless compacted).
    batch : pa.RecordBatch or None
        The batch as ingested (it references the ring/file/socket buffer it came from), or the
        concatenation of small batches; None once this chunk was merged into another (``dead``).
    entity_path : str
        Canonical entity path.
    timeless : bool
        Whether every row is timeless (a chunk is all timed or all timeless).
    nbytes : int
        Accounted bytes: the batch's buffers and a fixed overhead for its objects.
    index_bytes : int
        An estimate of the index entries its rows hold (the store meters the real index arrays;
        this share is used to choose how many chunks to evict, and for per-entity stats).
    """

    __slots__ = (
        "seq", "seqs", "batch", "entity_path", "timeless", "nbytes", "index_bytes", "component_names",
        "_cells", "_row_max", "_splat_rows",
    )

    def __init__(self, seq: int, batch: pa.RecordBatch, entity_path: str, timeless: bool, component_names: list[str]) -> None:
        self.seq = seq
        self.seqs = [seq]
        self.batch = batch
        self.entity_path = entity_path
        self.timeless = timeless
        self.component_names = component_names
        self.index_bytes = 0
        # Whole buffers (a zero-copy slice keeps all of its buffer alive), plus what the batch's
        # C++ and Python objects cost beyond their buffers (measured about 8 KiB for a batch read
        # from IPC): without it a stream of small batches would outgrow the limit unseen.
        self.nbytes = batch.get_total_buffer_size() + CHUNK_OVERHEAD_BYTES
        self._cells: dict[str, ListCells] = {}
        self._row_max: np.ndarray | None = None
        self._splat_rows: np.ndarray | None = None

    @property
    def num_rows(self) -> int:
        return self.batch.num_rows

    @property
    def footprint(self) -> int:
        """What dropping this chunk frees, about: its bytes and its index share."""
        return self.nbytes + self.index_bytes

    @property
    def dead(self) -> bool:
        """Whether this chunk was merged into a compacted one (its rows live there now)."""
        return self.batch is None

    def kill(self) -> None:
        """Release the batch after it was merged elsewhere."""
        self.batch = None
        self.nbytes = self.index_bytes = 0
        self._cells = {}
        self._row_max = self._splat_rows = None

    def cells(self, component: str) -> ListCells:
        """Accessor for one component column (built once, then cached)."""
        cells = self._cells.get(component)
        if cells is None:
            cells = self._cells[component] = ListCells(self.batch.column(component))
        return cells

    def cell(self, component: str, row: int) -> pa.Array:
        """Row ``row``'s instance array for ``component`` (a zero-copy slice)."""
        return self.cells(component).cell(row)

    def row_instance_count(self, row: int) -> int:
        """Longest cell of the row (the row's instance count; splats are the length-1 cells beside it)."""
        if self._row_max is None:
            longest = np.zeros(self.num_rows, dtype=np.int64)
            for name in self.component_names:
                np.maximum(longest, self.cells(name).lengths(), out=longest)
            self._row_max = longest
        return int(self._row_max[row])

    def is_splat_row(self, row: int) -> bool:
        """Whether the row's instance keys are the single splat key (all its cells are splats)."""
        if INSTANCE_KEY not in self.component_names:
            return False
        if self._splat_rows is None:
            cells = self.cells(INSTANCE_KEY)
            lengths = cells.lengths()
            first = np.zeros(self.num_rows, dtype=np.uint64)
            ones = np.flatnonzero(lengths == 1)
            if len(ones):
                keys = cells.values.to_numpy(zero_copy_only=False).astype(np.uint64, copy=False)
                first[ones] = keys[cells.offsets[ones]]
            self._splat_rows = (lengths == 1) & (first == np.uint64(SPLAT_KEY))
        return bool(self._splat_rows[row])

    def instance_keys(self, row: int) -> np.ndarray | None:
        """Explicit instance keys of the row as uint64, or None when the row has none."""
        if INSTANCE_KEY not in self.component_names:
            return None
        cells = self.cells(INSTANCE_KEY)
        if cells.valid is not None and not cells.valid[row]:
            return None
        return cells.cell(row).to_numpy(zero_copy_only=False).astype(np.uint64, copy=False)
