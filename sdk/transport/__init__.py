"""Network and shared-memory transport (placeholder until the transport work lands)."""


def connect(addr=None):
    """Stream to a viewer over TCP (not implemented yet)."""
    raise NotImplementedError("rr.connect is not implemented yet")


def spawn(port: int = 9876, connect: bool = True):
    """Start a viewer process and stream to it (not implemented yet)."""
    raise NotImplementedError("rr.spawn is not implemented yet")


def serve(open_browser: bool = True):
    """Serve a web viewer (not implemented yet)."""
    raise NotImplementedError("rr.serve is not implemented yet")


def get_sink_stats() -> dict:
    """Counts of sent and dropped messages and bytes (not implemented yet)."""
    raise NotImplementedError("rr.get_sink_stats is not implemented yet")
