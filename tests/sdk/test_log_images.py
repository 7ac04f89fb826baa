"""Images, depth, segmentation, tensors and image files: shapes, dtypes, meaning, bytes as logged."""

import logging

import imageio.v3 as iio
import numpy as np
import pytest

import rerun as rr
from rerun import _session
from rerun import components as C

from _log_roundtrip import recorded


def stored_tensor(rec, path, row=0):
    (tensor,) = rec.cells(path, C.TENSOR)[row]
    return tensor


def decode(tensor):
    return np.frombuffer(tensor["data"], dtype=tensor["dtype"]).reshape(tensor["shape"])


@pytest.mark.parametrize(
    "shape, stored",
    [((4, 5), (4, 5)), ((4, 5, 1), (4, 5)), ((1, 4, 5, 3), (4, 5, 3)), ((4, 5, 4), (4, 5, 4)), ((0, 0), (0, 0))],
)
def test_images_drop_size_one_dimensions_and_keep_pixels(tmp_path, shape, stored):
    image = np.random.default_rng(0).integers(0, 256, size=shape, dtype=np.uint8)
    with recorded(tmp_path) as rec:
        rr.log_image("img", image)
    tensor = stored_tensor(rec, "img")
    assert tuple(tensor["shape"]) == stored
    assert tensor["dtype"] == "uint8" and tensor["meaning"] == "unknown"
    np.testing.assert_array_equal(decode(tensor), image.reshape(stored))


def test_float16_tensor_is_widened_and_names_are_kept(tmp_path):
    tensor = np.linspace(-2, 2, 24, dtype=np.float16).reshape(2, 3, 4)
    with recorded(tmp_path) as rec:
        rr.log_tensor("t", tensor, names=["batch", "row", None])
    stored = stored_tensor(rec, "t")
    assert stored["dtype"] == "float32"
    assert stored["names"] == ["batch", "row", None]
    np.testing.assert_array_equal(decode(stored), tensor.astype(np.float32))


def test_torch_like_objects_and_big_endian_arrays_are_converted(tmp_path):
    class FakeTorchTensor:
        def __init__(self, array):
            self.array = array

        def numpy(self, force=False):
            assert force
            return self.array

    values = np.arange(12, dtype=np.int32).reshape(3, 4)
    with recorded(tmp_path) as rec:
        rr.log_tensor("torch", FakeTorchTensor(values))
        rr.log_tensor("big_endian", values.astype(">u2"))
        rr.log_tensor("scalar0d", np.float64(2.5))
    np.testing.assert_array_equal(decode(stored_tensor(rec, "torch")), values)
    big = stored_tensor(rec, "big_endian")
    assert big["dtype"] == "uint16"
    np.testing.assert_array_equal(decode(big), values)
    zero_d = stored_tensor(rec, "scalar0d")
    assert zero_d["shape"] == [] and decode(zero_d) == 2.5


def test_depth_image_keeps_meter_and_float64_becomes_float32(tmp_path):
    depth_mm = np.random.default_rng(1).integers(0, 5000, size=(48, 64), dtype=np.uint16)
    depth_m = depth_mm / 1000.0
    with recorded(tmp_path) as rec:
        rr.log_depth_image("depth/mm", depth_mm, meter=1000)
        rr.log_depth_image("depth/m", depth_m)
    mm = stored_tensor(rec, "depth/mm")
    assert mm["meaning"] == "depth" and mm["meter"] == 1000.0 and mm["dtype"] == "uint16"
    np.testing.assert_array_equal(decode(mm), depth_mm)
    m = stored_tensor(rec, "depth/m")
    assert m["dtype"] == "float32" and m["meter"] is None
    np.testing.assert_array_equal(decode(m), depth_m.astype(np.float32))


def test_big_depth_image_is_handed_over_without_a_copy(monkeypatch):
    seen = {}
    monkeypatch.setattr(_session, "log", lambda path, components, timeless=False: seen.update(components))
    depth = np.random.default_rng(2).integers(0, 5000, size=(480, 640), dtype=np.uint16)
    rr.log_depth_image("d", depth, meter=1000)
    data_buffer = seen[C.TENSOR].field("data").buffers()[2]
    assert np.shares_memory(np.frombuffer(data_buffer, np.uint16), depth)


def test_segmentation_image_ids_are_kept_and_wide_ints_narrowed(tmp_path):
    ids = np.random.default_rng(3).integers(0, 300, size=(6, 7))
    with recorded(tmp_path) as rec:
        rr.log_segmentation_image("seg/wide", ids)
        rr.log_segmentation_image("seg/u8", ids.astype(np.uint8) % 200)
    wide = stored_tensor(rec, "seg/wide")
    assert wide["meaning"] == "class_id" and wide["dtype"] == "uint16"
    np.testing.assert_array_equal(decode(wide), ids)
    assert stored_tensor(rec, "seg/u8")["dtype"] == "uint8"


def test_jpeg_file_is_stored_encoded_with_its_header_shape(tmp_path):
    rgb = iio.imwrite("<bytes>", np.full((5, 7, 3), 100, np.uint8), extension=".jpg")
    grey = iio.imwrite("<bytes>", np.full((9, 4), 50, np.uint8), extension=".jpg")
    path = tmp_path / "photo.jpg"
    path.write_bytes(rgb)
    with recorded(tmp_path) as rec:
        rr.log_image_file("jpeg/bytes", img_bytes=rgb)
        rr.log_image_file("jpeg/path", img_path=path, img_format="jpeg")
        rr.log_image_file("jpeg/grey", img_bytes=grey)
    for entity in ("jpeg/bytes", "jpeg/path"):
        tensor = stored_tensor(rec, entity)
        assert tensor["dtype"] == "jpeg" and tensor["shape"] == [5, 7, 3]
        assert tensor["names"] == ["height", "width", "depth"]
        assert tensor["data"] == rgb
    assert stored_tensor(rec, "jpeg/grey")["shape"] == [9, 4, 1]


def test_png_file_is_decoded_into_a_pixel_tensor(tmp_path):
    rgba = np.random.default_rng(4).integers(0, 256, size=(6, 5, 4), dtype=np.uint8)
    png = iio.imwrite("<bytes>", rgba, extension=".png")
    with recorded(tmp_path) as rec:
        rr.log_image_file("png", img_bytes=png, img_format=rr.ImageFormat.PNG)
    tensor = stored_tensor(rec, "png")
    assert tensor["dtype"] == "uint8"
    np.testing.assert_array_equal(decode(tensor), rgba)


def test_an_image_no_display_can_show_warns_and_says_what_was_written(tmp_path, caplog):
    """A broadcast view declares a huge image from one byte; it is logged in full, with a warning saying so."""
    image = np.broadcast_to(np.uint8(9), (16385, 4, 3))  # taller than 16384: small enough to test quickly
    with caplog.at_level(logging.WARNING, logger="rerun"):
        with recorded(tmp_path) as rec:
            rr.log_image("huge", image)
            rr.log_image("fine", np.zeros((16384, 2), np.uint8))
    (record,) = [r for r in caplog.records if r.name == "rerun"]
    assert record.pathname == __file__
    message = record.getMessage()
    assert message.startswith("rr.log_image: argument 'image' is 4x16385 pixels")
    assert f"({image.size} bytes, expanded from a broadcast view of 1 bytes)" in message
    (tensor,) = rec.cells("huge", C.TENSOR)[0]
    assert tuple(tensor["shape"]) == (16385, 4, 3)
    assert decode(tensor).size == image.size
