"""Sinks: where a logging session's messages go (memory buffer, ``.rrd`` file; TCP and ring in ``rerun.transport``)."""

from rerun.sinks.base import Sink
from rerun.sinks.file import FileSink
from rerun.sinks.memory import MemorySink

__all__ = ["Sink", "MemorySink", "FileSink"]
