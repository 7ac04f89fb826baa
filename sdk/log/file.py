"""Rerun 0.4.0's ``rerun.log.file``: logging encoded image and mesh files, and their format enums."""

from rerun.enums import ImageFormat, MeshFormat
from rerun.log.image import log_image_file
from rerun.log.mesh import log_mesh_file

__all__ = ["ImageFormat", "MeshFormat", "log_image_file", "log_mesh_file"]
