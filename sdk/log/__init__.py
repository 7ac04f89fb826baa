"""Every ``log_*`` function of the Rerun 0.4 Python API, with the types they take.

``rerun/__init__.py`` re-exports :data:`__all__`. Each function validates its arguments first; see
:mod:`rerun._errors` for what happens to bad input (warn and drop, or raise in strict mode).
"""

from rerun.enums import ImageFormat, LogLevel, MeshFormat, RectFormat
from rerun.log.annotation import (
    AnnotationInfo,
    AnnotationInfoLike,
    ClassDescription,
    ClassDescriptionLike,
    log_annotation_context,
)
from rerun.log.arrows_boxes import log_arrow, log_obb
from rerun.log.cleared import log_cleared
from rerun.log.extension import log_extension_components
from rerun.log.image import log_depth_image, log_image, log_image_file, log_segmentation_image
from rerun.log.lines import log_line_segments, log_line_strip, log_path
from rerun.log.mesh import log_mesh, log_mesh_file, log_meshes
from rerun.log.points import log_point, log_points
from rerun.log.rects import log_rect, log_rects
from rerun.log.scalar import log_scalar
from rerun.log.tensor import log_tensor
from rerun.log.text import LoggingHandler, log_text_entry
from rerun.log.transform import log_pinhole, log_rigid3, log_unknown_transform, log_view_coordinates

__all__ = [
    "AnnotationInfo",
    "AnnotationInfoLike",
    "ClassDescription",
    "ClassDescriptionLike",
    "ImageFormat",
    "LogLevel",
    "LoggingHandler",
    "MeshFormat",
    "RectFormat",
    "log_annotation_context",
    "log_arrow",
    "log_cleared",
    "log_depth_image",
    "log_extension_components",
    "log_image",
    "log_image_file",
    "log_line_segments",
    "log_line_strip",
    "log_mesh",
    "log_mesh_file",
    "log_meshes",
    "log_obb",
    "log_path",
    "log_pinhole",
    "log_point",
    "log_points",
    "log_rect",
    "log_rects",
    "log_rigid3",
    "log_scalar",
    "log_segmentation_image",
    "log_tensor",
    "log_text_entry",
    "log_unknown_transform",
    "log_view_coordinates",
]
