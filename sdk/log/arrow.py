"""Rerun 0.4.0's ``rerun.log.arrow``: ``log_arrow`` (defined in :mod:`rerun.log.arrows_boxes`)."""

from rerun.log.arrows_boxes import log_arrow

__all__ = ["log_arrow"]
