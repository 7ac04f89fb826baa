"""``log_image``, ``log_depth_image``, ``log_segmentation_image`` and ``log_image_file``."""

from __future__ import annotations

import os
import struct

import numpy as np

from rerun._errors import bad_type, bad_value, describe, log_function, notice, soft_warning
from rerun.enums import ImageFormat, coerce_enum
from rerun.log import _args
from rerun.log.tensor import as_array, log_tensor_row, meter_value, storable, tensor_component

__all__ = ["log_image", "log_depth_image", "log_segmentation_image", "log_image_file"]


#: No display or GPU texture shows more pixels than this along a side (16384 is the common maximum
#: texture size; the largest monitors are 7680 wide). Bigger images are logged, with a warning.
MAX_DISPLAY_PIXELS = 16384


def _note_if_oversized(function_name: str, source: np.ndarray, stored: np.ndarray) -> None:
    """Warn when an image is too large to show, saying how many bytes were logged.

    ``source`` is the caller's array, ``stored`` what was logged: a broadcast view of a few bytes
    (``np.broadcast_to``) is expanded to its full size when stored, which the warning says.
    """
    if stored.ndim < 2 or max(stored.shape[:2]) <= MAX_DISPLAY_PIXELS:
        return
    expanded = ""
    if source.size > 1 and 0 in source.strides:
        held = source.itemsize + sum((n - 1) * abs(st) for n, st in zip(source.shape, source.strides) if n > 0)
        expanded = f", expanded from a broadcast view of {held} bytes"
    notice(
        function_name,
        f"argument 'image' is {stored.shape[1]}x{stored.shape[0]} pixels, more than any display shows "
        f"({MAX_DISPLAY_PIXELS} per side); it was logged in full: {stored.nbytes / 1e9:.2f} GB "
        f"({stored.nbytes} bytes{expanded}). Downscale it before logging to save that.",
        6,  # _emit_warning <- notice <- _note_if_oversized <- log function <- wrapper <- user
    )


def _squeezed(array: np.ndarray) -> np.ndarray:
    """``array`` without its size-1 dimensions (a view, no copy)."""
    return array.reshape([d for d in array.shape if d != 1]) if 1 in array.shape else array


@log_function
def log_image(entity_path: str, image, *, ext=None, timeless: bool = False) -> None:
    """Log a grey, RGB or RGBA image.

    Parameters
    ----------
    entity_path : str
    image : array-like of shape (H, W), (H, W, 1), (H, W, 3) or (H, W, 4)
        uint8/uint16 are sRGB; floats are linear 0-1 (stored unchanged). Size-1 dimensions are
        dropped ((1, H, W, 3) -> (H, W, 3)). Stored without a copy when C-contiguous.
    ext : dict, optional
    timeless : bool

    Notes
    -----
    Another shape is warned about and logged as a plain tensor, as in 0.4.0 (strict mode: raised).
    """
    path = _args.entity_path(entity_path)
    timeless = _args.flag("timeless", timeless)
    source = as_array("image", image)
    array = storable("image", source)
    squeezed = _squeezed(array)
    if squeezed.ndim not in (2, 3):
        soft_warning("rr.log_image", f"argument 'image' must be an image of shape (H, W) or (H, W, 1|3|4), got shape {array.shape}; logged as a tensor")
    elif squeezed.ndim == 3 and squeezed.shape[2] not in (3, 4):
        soft_warning(
            "rr.log_image",
            f"argument 'image' must have 1 (grey), 3 (RGB) or 4 (RGBA) channels, got shape {array.shape}; logged as a tensor",
        )
    else:
        array = squeezed
    log_tensor_row(path, tensor_component(array), ext, timeless)
    _note_if_oversized("rr.log_image", source, array)


@log_function
def log_depth_image(entity_path: str, image, *, meter=None, ext=None, timeless: bool = False) -> None:
    """Log a depth image.

    Parameters
    ----------
    entity_path : str
    image : array-like of shape (H, W)
        Any numeric dtype (uint16 millimetres is typical); float64 is stored as float32.
        Stored without a copy when C-contiguous (and not float64).
    meter : float, optional
        How many units make one metre (1000 for millimetres).
    ext : dict, optional
    timeless : bool

    Notes
    -----
    Another shape is warned about and logged as a depth tensor (strict mode: raised); unlike 0.4.0
    it keeps ``meter`` and ``ext``.
    """
    path = _args.entity_path(entity_path)
    timeless = _args.flag("timeless", timeless)
    meter = meter_value(meter)
    source = as_array("image", image)
    array = storable("image", source)
    if array.dtype == np.float64:
        array = array.astype(np.float32)
    squeezed = _squeezed(array)
    if squeezed.ndim != 2:
        soft_warning("rr.log_depth_image", f"argument 'image' must be a depth image of shape (H, W), got shape {array.shape}; logged as a tensor")
    else:
        array = squeezed
    log_tensor_row(path, tensor_component(array, meaning="depth", meter=meter), ext, timeless)
    _note_if_oversized("rr.log_depth_image", source, array)


@log_function
def log_segmentation_image(entity_path: str, image, *, ext=None, timeless: bool = False) -> None:
    """Log an image of class ids (looked up in the annotation context for colours and labels).

    Parameters
    ----------
    entity_path : str
    image : array-like of shape (H, W)
        uint8 or uint16 are kept; other integer (or integral float) values in 0..65535 become uint16.
    ext : dict, optional
    timeless : bool

    Notes
    -----
    Values outside 0..65535 or non-integral values are a validation error (0.4.0 wrapped -1 to
    65535 and truncated 1.7 to 1). Another shape is warned about and logged as a plain tensor.
    """
    path = _args.entity_path(entity_path)
    timeless = _args.flag("timeless", timeless)
    array = source = as_array("image", image)
    if array.dtype not in (np.uint8, np.uint16):
        array = storable("image", array)
        if array.size:
            if array.dtype.kind == "f" and not np.array_equal(array, np.floor(array)):
                raise bad_value("image", "integer class ids in 0..65535", "non-integer values")
            low, high = array.min(), array.max()
            if low < 0 or high > 0xFFFF:
                raise bad_value("image", "class ids in 0..65535", f"values from {low} to {high}")
        array = array.astype(np.uint16)
    array = storable("image", array)
    squeezed = _squeezed(array)
    if squeezed.ndim != 2:
        soft_warning(
            "rr.log_segmentation_image",
            f"argument 'image' must be a single-channel image of shape (H, W), got shape {array.shape}; logged as a tensor",
        )
        log_tensor_row(path, tensor_component(array), ext, timeless)
        return
    log_tensor_row(path, tensor_component(squeezed, meaning="class_id"), ext, timeless)
    _note_if_oversized("rr.log_segmentation_image", source, squeezed)


_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_EXTENSION_OF_MAGIC = {_PNG_MAGIC: ".png", b"GIF87a": ".gif", b"GIF89a": ".gif", b"BM": ".bmp", b"II*\x00": ".tif", b"MM\x00*": ".tif"}
# Start-of-frame markers (baseline, progressive, lossless ...); C4, C8 and CC are other segments.
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def jpeg_size(data: bytes | memoryview) -> tuple[int, int, int]:
    """(height, width, channels) read from a JPEG's start-of-frame segment, without decoding pixels.

    Raises
    ------
    ValueError
        If no start-of-frame segment is found before the data ends.
    """
    view = memoryview(data)
    i = 2
    end = len(view)
    while i + 4 <= end:
        if view[i] != 0xFF:
            raise ValueError(f"corrupt JPEG: expected a marker at byte {i}")
        marker = view[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0x01,) or 0xD0 <= marker <= 0xD7:  # markers without a length
            i += 2
            continue
        (length,) = struct.unpack_from(">H", view, i + 2)
        if marker in _SOF_MARKERS:
            if i + 10 > end:
                break
            height, width = struct.unpack_from(">HH", view, i + 5)
            return height, width, view[i + 9]
        i += 2 + length
    raise ValueError("corrupt JPEG: no start-of-frame segment")


def _file_extension(data: bytes) -> str | None:
    """The file extension of a decodable (non-JPEG) image format, from its magic bytes."""
    for magic, extension in _EXTENSION_OF_MAGIC.items():
        if data.startswith(magic):
            return extension
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    return None


def _decode_with_imageio(data: bytes, extension: str) -> np.ndarray:
    import imageio.v3 as iio  # lazily: keeps `import rerun` light

    return np.asarray(iio.imread(data, extension=extension, plugin="pillow"))


@log_function
def log_image_file(entity_path: str, *, img_bytes=None, img_path=None, img_format=None, timeless: bool = False) -> None:
    """Log an encoded image file.

    Parameters
    ----------
    entity_path : str
    img_bytes : bytes, optional
        The file's contents. Give exactly one of ``img_bytes`` and ``img_path``.
    img_path : str or os.PathLike, optional
        A file to read.
    img_format : ImageFormat or str, optional
        Checked against the bytes; guessed from them when not given.
    timeless : bool

    Notes
    -----
    JPEG (grey or RGB) is stored encoded: only its header is read, for the shape (H, W, C), and the
    viewer decodes it. Other formats (PNG, ...) are decoded here with imageio and logged as a
    tensor like ``log_image`` (0.4.0 accepted only RGB JPEG). A string ``img_format`` is honoured
    (0.4.0 silently ignored it).
    """
    path = _args.entity_path(entity_path)
    timeless = _args.flag("timeless", timeless)
    if (img_bytes is None) == (img_path is None):
        given = "neither" if img_bytes is None else "both"
        raise bad_type("img_bytes", "given, or else 'img_path' (exactly one of them)", given)
    fmt = None if img_format is None else coerce_enum(ImageFormat, img_format, "img_format")
    if img_path is not None:
        if not isinstance(img_path, (str, os.PathLike)):
            raise bad_type("img_path", "a str or os.PathLike path", describe(img_path))
        try:
            with open(img_path, "rb") as file:
                data = file.read()
        except OSError as exc:
            raise bad_value("img_path", "a readable image file", f"{os.fspath(img_path)!r} ({exc.strerror})") from None
        source = "img_path"
    else:
        if not isinstance(img_bytes, (bytes, bytearray, memoryview)):
            raise bad_type("img_bytes", "bytes", describe(img_bytes))
        data = bytes(img_bytes)
        source = "img_bytes"
    is_jpeg = data[:3] == _JPEG_MAGIC
    if fmt is ImageFormat.JPEG and not is_jpeg:
        raise bad_value(source, "JPEG data (img_format is JPEG)", f"data starting with {data[:8]!r}")
    if fmt is ImageFormat.PNG and data[:8] != _PNG_MAGIC:
        raise bad_value(source, "PNG data (img_format is PNG)", f"data starting with {data[:8]!r}")
    if is_jpeg:
        try:
            height, width, channels = jpeg_size(data)
        except (ValueError, struct.error) as exc:
            raise bad_value(source, "a valid JPEG file", str(exc)) from None
        if channels not in (1, 3):
            raise bad_value(source, "a grey or RGB JPEG (1 or 3 channels)", f"{channels} channels")
        from rerun import components as C

        component = C.tensor_array(
            data,
            shape=(height, width, channels),
            dtype="jpeg",
            names=["height", "width", "depth"],
            meaning="unknown",
            )
        log_tensor_row(path, component, None, timeless)
        return
    extension = _file_extension(data)
    if extension is None:
        raise bad_value(source, "a JPEG, PNG, GIF, BMP, TIFF or WebP file", f"data starting with {data[:8]!r}")
    try:
        pixels = _decode_with_imageio(data, extension)
    except Exception as exc:
        raise bad_value(source, "an image file imageio can decode (JPEG, PNG, ...)", f"undecodable data ({type(exc).__name__}: {exc})") from None
    log_tensor_row(path, tensor_component(storable(source, _squeezed(pixels))), None, timeless)
