"""Remote sources named on the command line: ``http(s)://…/x.rrd`` (downloaded, then opened as a file) and
``ws://host:port`` (a serving logger's stream, read live)."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field

from rerun_app.web.http_source import download, is_http_url

#: ``--screenshot`` of a ``ws://`` stream waits at most this long for the backlog.
BACKLOG_TIMEOUT_S = 60.0


@dataclass
class RemoteSources:
    """The ``ws://`` streams to read and the temporary files downloaded for ``http(s)://`` arguments."""

    streams: list[str] = field(default_factory=list)
    downloads: list[str] = field(default_factory=list)
    readers: list = field(default_factory=list)

    @classmethod
    def from_args(cls, args) -> "RemoteSources":
        """Split ``args.files``: URLs are taken out (http(s) ones downloaded now, their files put back).

        Raises
        ------
        OSError
            When a download fails (the message names the URL).
        """
        remote = cls()
        local = []
        try:
            for item in args.files:
                if item.startswith(("ws://", "wss://")):
                    remote.streams.append(item)
                elif is_http_url(item):
                    path = download(item)
                    remote.downloads.append(path)
                    local.append(path)
                else:
                    local.append(item)
        except OSError:
            remote.close()
            raise
        args.files = local
        return remote

    def start(self, ingest) -> None:
        """Start reading every ``ws://`` stream into ``ingest``."""
        from rerun_app.web.ws_source import WsSource

        self.readers = [WsSource(url, ingest).start() for url in self.streams]

    def wait_for_backlogs(self, timeout: float = BACKLOG_TIMEOUT_S) -> None:
        """Block until every stream has delivered what was logged before we connected (or failed)."""
        for reader in self.readers:
            reader.backlog_done.wait(timeout)

    def failures(self) -> list[str]:
        """What went wrong with each ``ws://`` stream that could not be read."""
        return [reader.error for reader in self.readers if reader.error is not None]

    def close(self) -> None:
        """Remove the downloaded files (they were opened already)."""
        for path in self.downloads:
            with contextlib.suppress(OSError):
                os.unlink(path)
        self.downloads = []
