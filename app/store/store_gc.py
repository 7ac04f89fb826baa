"""The store's garbage: small chunks compacted into one, and eviction of the oldest chunks (memory limit)."""

from __future__ import annotations

from collections import deque

import numpy as np
import pyarrow as pa

from rerun_app.store.chunk import SEQ_ENTRY_BYTES, Chunk
from rerun_app.store.store_state import EntityData, StoreState, locked


class StoreGc(StoreState):
    """Compaction (called by ingest) and :meth:`evict_below` (called by the memory budget)."""

    def _maybe_compact(self, entity: EntityData, chunk: Chunk) -> None:
        if chunk.nbytes > self._compact_below:
            entity.run = []
            return
        run = entity.run
        if run and not run[-1].batch.schema.equals(chunk.batch.schema):
            run = entity.run = []
        run.append(chunk)
        if len(run) >= self._compact_count:
            entity.run = []
            self._compact(entity, run)

    def _compact(self, entity: EntityData, run: list[Chunk]) -> None:
        """Replace the small chunks of ``run`` (all live, one schema) by one concatenated chunk."""
        try:
            merged = pa.concat_batches([c.batch for c in run])
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return  # schemas that differ only in ways equals() ignores: keep the chunks as they are
        last = run[-1]
        compacted = Chunk(last.seq, merged, last.entity_path, False, last.component_names)
        compacted.seqs = [seq for c in run for seq in c.seqs]
        compacted.index_bytes = sum(c.index_bytes for c in run)
        compacted.nbytes += SEQ_ENTRY_BYTES * len(compacted.seqs)
        base = 0
        freed = 0
        for c in run:
            for seq in c.seqs:
                self._chunks[seq] = (compacted, base + self._chunks[seq][1])
            base += c.num_rows
            freed += c.nbytes
            c.kill()
        entity.nbytes += compacted.nbytes - freed  # the index share moved over unchanged
        self._bytes += compacted.nbytes - freed
        # The compacted chunk takes the newest member's place in arrival order; the dead members
        # stay in the queue until it is pruned (cheaper than removing them from its middle).
        self._timed_chunks.append(compacted)
        self._dead_timed += len(run)
        if self._dead_timed > len(self._timed_chunks) // 2:
            self._timed_chunks = deque(c for c in self._timed_chunks if not c.dead)
            self._dead_timed = 0

    @locked
    def chunks_in_arrival_order(self, timeless: bool) -> list[Chunk]:
        """Live timed (or timeless) chunks, oldest first (a snapshot, for the memory budget)."""
        return [c for c in (self._timeless_chunks if timeless else self._timed_chunks) if not c.dead]

    @locked
    def evict_below(self, cutoff_seq: int, timeless: bool) -> None:
        """Drop every timed (or timeless) chunk whose arrival sequence number is below ``cutoff_seq``."""
        queue = self._timeless_chunks if timeless else self._timed_chunks
        affected: set[str] = set()
        popped: list[int] = []
        while queue and queue[0].seq < cutoff_seq:
            chunk = queue.popleft()
            if chunk.dead:
                self._dead_timed -= 1
                continue
            for seq in chunk.seqs:
                del self._chunks[seq]
            popped.extend(chunk.seqs)
            entity = self._entities[chunk.entity_path]
            entity.num_rows -= chunk.num_rows
            entity.nbytes -= chunk.footprint
            if timeless:
                entity.timeless_rows -= chunk.num_rows
            self._bytes -= chunk.nbytes
            self._evicted_rows += chunk.num_rows
            self._evicted_bytes += chunk.footprint
            affected.add(chunk.entity_path)
        if not affected:
            return
        seqs = np.array(sorted(popped), dtype=np.int64)
        if not timeless:
            for index in self._rows.values():
                index.remove_chunks(seqs)
        for path in affected:
            entity = self._entities[path]
            if timeless:
                for component in entity.components.values():
                    component.timeless.remove_chunks(seqs)
            else:
                entity.run = [c for c in entity.run if c.seq >= cutoff_seq]
                for index in entity.indices():
                    index.remove_chunks(seqs)
            entity.generation += 1
        self._generation += 1
