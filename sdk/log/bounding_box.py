"""Rerun 0.4.0's ``rerun.log.bounding_box``: ``log_obb`` (defined in :mod:`rerun.log.arrows_boxes`)."""

from rerun.log.arrows_boxes import log_obb

__all__ = ["log_obb"]
