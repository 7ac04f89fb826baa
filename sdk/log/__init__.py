"""The ``log_*`` functions (placeholder until the log-functions work lands)."""

__all__: list[str] = []
