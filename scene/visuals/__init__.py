"""Lean vispy visuals: one small shader each, GPU upload only in ``set_data``.

Each visual counts its uploads in ``upload_count`` (tests and the app's stats read it).
Scene-graph node versions (usable with ``parent=``) are in :mod:`rerun_scene.visuals.nodes`.
"""

from ._base import LeanVisual
from .image import ImageVisual
from .lines import LinesVisual
from .mesh import MeshVisual
from .points import PointsVisual

__all__ = ["ImageVisual", "LeanVisual", "LinesVisual", "MeshVisual", "PointsVisual"]
