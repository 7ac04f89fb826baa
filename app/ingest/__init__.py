"""The viewer's ingest: TCP server and shared-memory rings, ``.rrd`` files, ``--save``, per-source counters.

Everything received is decoded by one :class:`~rerun_app.ingest.dispatch.Dispatcher` and handed to a
target (the viewer's ``StoreHub`` through :class:`HubTarget`, or a :class:`RecordingTarget`) while
holding :attr:`Ingest.lock`; readers of the store (the window) take the same lock.

Map: ``tcp_server`` (listener, handshakes; ``ring_reader`` for same-host rings, ``peer_check``), ``file_loader``
(``.rrd`` files, bulk path into the hub), ``dispatch`` (frames → :mod:`rerun.wire.events`, delivered to the target;
``schema_check`` first), ``targets`` (``HubTarget``, ``RecordingTarget``, ``DiscardTarget``), ``limits`` and
``receive_budget`` (what peers may use), ``stats`` (per-source counters), ``log_limit`` (rate-limited warnings).
"""

from __future__ import annotations

import threading
import time

from rerun_app.ingest.dispatch import Dispatcher, FrameSaver
from rerun_app.ingest.file_loader import load_file
from rerun_app.ingest.limits import ConnectionLimits
from rerun_app.ingest.log_limit import ingest_log
from rerun_app.ingest.stats import SourceStats
from rerun_app.ingest.targets import DiscardTarget, HubTarget, IngestTarget, RecordingTarget
from rerun_app.ingest.tcp_server import TcpServer

__all__ = ["Ingest", "DiscardTarget", "HubTarget", "IngestTarget", "RecordingTarget", "SourceStats", "TcpServer", "make_target"]


#: Counters of this many ended sources are kept (for the headless report); older ones are forgotten.
MAX_ENDED_SOURCES = 256


def make_target(memory_limit: int | None = None):
    """``(hub, target)``: a ``StoreHub`` with ``memory_limit`` wrapped in a :class:`HubTarget`."""
    try:
        from rerun_app.store import StoreHub
    except ImportError as exc:  # the store is optional for pure transport use
        import logging

        logging.getLogger("rerun_app.ingest").warning("no store available (%s); keeping raw events", exc)
        return None, RecordingTarget()
    from rerun_app.store import store_budget_for_process_limit

    budget = memory_limit
    if memory_limit is not None:
        try:  # the limit is for the whole process: the store gets what the process does not use yet
            budget = store_budget_for_process_limit(memory_limit)
        except ValueError as exc:
            raise ValueError(f"--memory-limit: {exc}") from None
    # Both limits together: the byte budget alone overshoots RSS on image streams, the process (RSS) limit
    # alone overshoots on many small scalar batches (measured by bench/store.py --memory-soak).
    hub = StoreHub(memory_limit=budget, process_memory_limit=memory_limit)
    return hub, HubTarget(hub)


class Ingest:
    """Owns every source feeding one target.

    Parameters
    ----------
    target : IngestTarget
        A :class:`HubTarget`, :class:`RecordingTarget`, :class:`DiscardTarget` or another :class:`IngestTarget`.
    save_path : str, optional
        Also append every accepted frame to this file (``--save``).
    max_frame_bytes : int, optional
        Frames announcing a larger payload are refused before anything is allocated.
    receive_budget_bytes : int, optional
        Bytes that frames being received over TCP may announce together (within the memory limit).
    """

    def __init__(
        self, target: IngestTarget, *, save_path: str | None = None, max_frame_bytes: int | None = None, receive_budget_bytes: int | None = None
    ) -> None:
        from rerun.transport.buffers import default_pool

        default_pool.keep_spares(2)  # big frames land in faulted-in memory
        self.lock = threading.RLock()
        self.target = target
        self.saver = FrameSaver(save_path) if save_path else None
        self.dispatcher = Dispatcher(target, self.lock, self.saver, max_frame_bytes)
        self.receive_budget_bytes = receive_budget_bytes
        self.server: TcpServer | None = None
        self._sources: list[SourceStats] = []
        self._sources_lock = threading.Lock()
        #: Connections turned away or dropped before their first frame: counted together, not one source each.
        self.refused_connections = 0
        self.last_refusal: str | None = None

    def new_source(self, name: str, kind: str) -> SourceStats:
        source = SourceStats(name, kind)
        with self._sources_lock:
            ended = [s for s in self._sources if s.ended is not None]
            if len(ended) >= MAX_ENDED_SOURCES:  # a long-running viewer forgets the oldest ended ones
                forget = {id(s) for s in ended[: len(ended) - MAX_ENDED_SOURCES + 1]}
                self._sources = [s for s in self._sources if id(s) not in forget]
            self._sources.append(source)
        return source

    def listen(self, bind: str = "127.0.0.1", port: int = 9876, limits: ConnectionLimits | None = None) -> TcpServer:
        """Start the TCP server (raises OSError with a clear message if the port is taken).

        ``limits`` defaults to :class:`ConnectionLimits` with this ingest's ``receive_budget_bytes``.
        """
        if limits is None:
            limits = ConnectionLimits(receive_budget_bytes=self.receive_budget_bytes)
        self.server = TcpServer(self.dispatcher, self.new_source, bind, port, limits=limits, on_refused=self._refused)
        return self.server

    def _refused(self, peer: str, reason: str, source: SourceStats | None) -> None:
        with self._sources_lock:
            self.refused_connections += 1
            self.last_refusal = f"{peer}: {reason}"
            if source is not None:
                self._sources = [s for s in self._sources if s is not source]

    def load_file(self, path: str) -> SourceStats:
        """Ingest a ``.rrd`` file now; problems are on the returned source's counters."""
        source = self.new_source(f"file {path}", "file")
        load_file(path, self.dispatcher, source)
        source.ended = time.time()
        return source

    def sources(self) -> list[SourceStats]:
        with self._sources_lock:
            return list(self._sources)

    def open_sources(self) -> int:
        """Live connections (files don't count)."""
        return self.server.open_connections() if self.server is not None else 0

    def idle_seconds(self) -> float:
        """Seconds since the last frame arrived from any source."""
        return time.monotonic() - self.dispatcher.last_frame_time

    def stats(self) -> dict:
        store_stats = self.target.stats()
        connections = {
            "without_a_frame": self.refused_connections,
            "last_refusal": self.last_refusal,
            "suppressed_log_lines": ingest_log.suppressed_total,
        }
        if self.server is not None:
            budget = self.server.receive_budget
            connections["frames_into"] = {"reused_memory": budget.reused_frames, "fresh_memory": budget.fresh_frames}
        return {"sources": [s.as_dict() for s in self.sources()], "store": store_stats, "connections": connections}

    def close(self) -> None:
        """Stop listening, close connections and the ``--save`` file."""
        if self.server is not None:
            self.server.close()
        if self.saver is not None:
            self.saver.close()
