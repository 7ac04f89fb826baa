"""Registers the transport fixtures, which live in transport_kit.py beside the helpers they use."""

from transport_kit import no_leaked_rings, small_rings, viewer, viewer_factory  # noqa: F401  (pytest fixtures)
