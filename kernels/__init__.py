"""Array kernels for the viewer: numba-compiled loops, each with a numpy twin.

Importing this package is cheap: numba is imported and each kernel compiled (or loaded from the
``cache=True`` cache) on its first call. ``python -m rerun_kernels.warmup`` fills the cache ahead of time.
See ``rerun_kernels._dispatch`` for how the numba / numpy / plain-Python backends are chosen.
"""
from ._dispatch import current_backend, default_backend, numba_available, use_backend
from .classes import class_color_table, class_ids_to_rgba, default_class_colors
from .color import bgr_to_rgb, image_value_range, pack_rgba, to_rgba8, unpack_rgba
from .colormaps import COLORMAPS, apply_colormap, apply_colormap_packed, colormap_table, value_range
from .depth import DepthCloud, backproject_depth, depth_cloud
from .points import bounds, finite_mask, stride_downsample, voxel_downsample
from .srgb import linear_to_srgb8, srgb_to_linear
from .tensor import slice_tensor, tensor_slice_view
from .wire_colors import normalize_colors, pack_rrggbbaa, unpack_rrggbbaa
from .yuv import i420_to_rgb, nv12_to_rgb, yuv420_to_rgb, yuyv_to_rgb

__all__ = [
    "COLORMAPS", "DepthCloud", "apply_colormap", "apply_colormap_packed", "backproject_depth", "bgr_to_rgb",
    "bounds", "class_color_table", "class_ids_to_rgba", "colormap_table", "current_backend", "default_backend",
    "default_class_colors", "depth_cloud", "finite_mask", "i420_to_rgb", "image_value_range", "linear_to_srgb8",
    "normalize_colors", "numba_available", "nv12_to_rgb", "pack_rgba", "pack_rrggbbaa", "slice_tensor",
    "srgb_to_linear", "stride_downsample", "tensor_slice_view", "to_rgba8", "unpack_rgba", "unpack_rrggbbaa",
    "use_backend", "value_range", "voxel_downsample", "yuv420_to_rgb", "yuyv_to_rgb",
]
