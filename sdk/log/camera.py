"""Rerun 0.4.0's ``rerun.log.camera``: ``log_pinhole`` (defined in :mod:`rerun.log.transform`)."""

from rerun.log.transform import log_pinhole

__all__ = ["log_pinhole"]
