"""``rerun ws://host:9877``: pull a serving logger's stream (backlog, then live) into this viewer's ingest."""

from __future__ import annotations

import json
import logging
import threading

import numpy as np

from rerun.wire.frames import WireError, parse_stream_header

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 10.0


class WsSource:
    """Reads one ``ws://`` log stream on a background thread; ``backlog_done`` is set once the backlog is in.

    Parameters
    ----------
    url : str
        ``ws://host:port`` of a log stream server.
    ingest : Ingest
        Where the frames go (counted on a source named after the URL).
    """

    def __init__(self, url: str, ingest) -> None:
        self.url = url
        self.ingest = ingest
        self.source = ingest.new_source(f"ws {url}", "ws")
        self.backlog_done = threading.Event()
        self.ended = threading.Event()
        self.error: str | None = None
        self._thread = threading.Thread(target=self._run, name="rerun-ws-source", daemon=True)

    def start(self) -> "WsSource":
        self._thread.start()
        return self

    def _run(self) -> None:
        from websockets.sync.client import connect

        limit = self.ingest.dispatcher.max_frame_bytes or (4 << 30)
        try:
            with connect(self.url, open_timeout=CONNECT_TIMEOUT_S, max_size=limit, compression=None) as ws:
                self.source.format_version = parse_stream_header(ws.recv())
                for message in ws:
                    if isinstance(message, str):
                        if json.loads(message).get("type") == "backlog_end":
                            self.backlog_done.set()
                        continue
                    self.ingest.dispatcher.handle(self.source, np.frombuffer(message, np.uint8))
            self.source.end_reason = "closed by server"
        except (OSError, WireError, TimeoutError) as exc:
            self.error = f"{self.url}: {exc}"
            self.source.end_reason = "error"
            log.warning("cannot read the log stream at %s", self.error)
        except Exception as exc:  # noqa: BLE001 (websockets' ConnectionClosed and friends)
            self.source.end_reason = f"connection ended ({type(exc).__name__})"
            log.warning("rerun: the log stream at %s ended: %s", self.url, exc)
        finally:
            self.backlog_done.set()
            self.ended.set()
