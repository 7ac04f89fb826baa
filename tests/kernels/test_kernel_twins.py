"""One table: every kernel, the public call that drives it, and edge-case inputs.

Each case runs three times: compiled by numba, as the kernel's plain-Python body (what NUMBA_DISABLE_JIT=1
runs), and as the numpy twin. The three results must agree; the known-answer tests elsewhere check that
the agreed result is the right one.
"""
from __future__ import annotations

import numpy as np
import pytest

import rerun_kernels as rk
from rerun_kernels import _dispatch, classes, color, colormaps, depth, points, splat, srgb, yuv

RNG = np.random.default_rng(1234)
K = np.array([[5.0, 0.3, 3.5], [0.0, 6.0, 2.0], [0.0, 0.0, 1.0]])
NAN, INF = np.nan, np.inf


def _depth_images():
    values = RNG.integers(0, 4000, (6, 7))
    floats = RNG.uniform(0.0, 5.0, (6, 7))
    floats[0, 0], floats[1, 2], floats[2, 3], floats[3, 3] = NAN, INF, -INF, 0.0
    return {
        "u16": values.astype(np.uint16),
        "u32": values.astype(np.uint32),
        "f32 nan/inf": floats.astype(np.float32),
        "f64 nan/inf": floats,
        "all invalid": np.array([[0.0, NAN], [INF, -1.0]], np.float32),
        "1x1": np.array([[1500]], np.uint16),
        "empty": np.zeros((0, 5), np.uint16),
        "strided view": values.astype(np.uint16)[::2, 1::2],
        "big-endian": values.astype(">u2"),
        "u8": values.astype(np.uint8),
    }


def _images():
    u8 = RNG.integers(0, 256, (5, 6, 4), dtype=np.uint8)
    u16 = RNG.integers(0, 65536, (5, 6, 4), dtype=np.uint16)
    f = RNG.uniform(-0.2, 1.2, (5, 6, 4))
    f[0, 0, 0], f[0, 1, 1], f[1, 1, 3] = NAN, INF, NAN
    return {
        "u8 gray": u8[:, :, 0].copy(), "u8 rgb": u8[:, :, :3].copy(), "u8 rgba": u8, "u8 gray hw1": u8[:, :, :1],
        "u8 rgb view": u8[::-1, ::2, :3], "u16 gray": u16[:, :, 0], "u16 rgb": u16[:, :, :3], "u16 rgba": u16,
        "f32 rgb": f[:, :, :3].astype(np.float32), "f64 rgba": f, "f64 gray": f[:, :, 0],
        "f16 rgb": f[:, :, :3].astype(np.float16), "big-endian f32": f[:, :, :3].astype(">f4"),
        "i32 rgb": (u16[:, :, :3].astype(np.int32) - 30000), "i8 gray": u8[:, :, 0].astype(np.int8),
        "1x1": u8[:1, :1, :3], "empty": np.zeros((0, 3, 3), np.uint8),
    }


def _scalars():
    f = RNG.normal(size=(5, 7))
    f[1, 1], f[2, 2], f[3, 3], f[0, 0] = NAN, INF, -INF, 0.0
    return {
        "f64 nan/inf": f, "f32": f.astype(np.float32), "u16": RNG.integers(0, 60000, (4, 6), dtype=np.uint16),
        "u8": RNG.integers(0, 256, (3, 3), dtype=np.uint8), "i64": RNG.integers(-9, 9, (3, 5)),
        "all nan": np.full((2, 3), NAN), "constant": np.full((3, 2), 7.0), "1-d": f[0], "0-d": np.float64(2.5),
        "3-d": RNG.normal(size=(2, 3, 4)), "strided": f[::2, ::-3], "empty": np.zeros((0, 4)),
        "big-endian": f.astype(">f8"), "1x1": np.ones((1, 1), np.float32),
    }


def _clouds():
    p = RNG.normal(size=(300, 3))
    p[5, 1], p[7, 2] = NAN, INF
    return {
        "f64": p, "f32": p.astype(np.float32), "2-d points": p[:, :2].copy(), "view": p[::3],
        "int": RNG.integers(-50, 50, (40, 3)), "all nan": np.full((3, 3), NAN), "one": p[:1],
        "empty": np.zeros((0, 3)), "big-endian": p.astype(">f4"),
    }


def _frames():
    return {f"{w}x{h}": (RNG.integers(0, 256, w * h * 2, dtype=np.uint8), w, h) for w, h in ((2, 2), (6, 4), (8, 6))} | {
        "0x0": (np.zeros(0, np.uint8), 0, 0)}


def _nv12(frame):
    data, w, h = frame
    return data[: w * h * 3 // 2], w, h


DEPTHS, IMAGES, SCALARS, CLOUDS, FRAMES = _depth_images(), _images(), _scalars(), _clouds(), _frames()
IDS_U8 = RNG.integers(0, 256, (4, 5), dtype=np.uint8)
IDS_U16 = RNG.integers(0, 65536, (3, 9), dtype=np.uint16)
IDS_SMALL = RNG.integers(0, 9, (6, 6), dtype=np.uint16)
LINEAR_4D = RNG.uniform(0, 1, (2, 3, 2, 2))
TENSOR = RNG.uniform(-2, 2, (3, 5, 4, 6)).astype(np.float32)
TENSOR[1, 2, :, 1] = [NAN, INF, 0.0, -0.0]
DEPTH_BIG = RNG.integers(0, 9000, (512, 512)).astype(np.uint16)
DEPTH_BIG[::7, ::3] = 0

def _splat_scene():
    """A cloud in front of a perspective camera looking down +z, framebuffer 64x48 (x0, y0 = 10, 6 for the rect)."""
    pts = RNG.uniform(-1.0, 1.0, (2000, 3)).astype(np.float32)
    pts[:, 2] = RNG.uniform(1.0, 4.0, 2000)
    pts[3], pts[4] = pts[5], pts[5]  # exact duplicates: the lower colour value wins in every backend
    pts[7, 0], pts[8, 2] = NAN, INF
    fb = np.array([[24.0, 0, 32, 0], [0, 24, 24, 0], [0, 0, 1.2, -1.1], [0, 0, 1, 0]], np.float32)
    fb[0, 2], fb[1, 2] = 32.0, 24.0  # x = 24 x / z + 32, y = 24 y / z + 24
    packed = RNG.integers(0, 2**32, 2000, dtype=np.uint64).astype(np.uint32)
    radii = RNG.uniform(0.0, 1.6, 2000).astype(np.float32)
    return (pts[:, 0], pts[:, 1], pts[:, 2]), fb, fb[2], packed, radii


SPLAT_COLUMNS, SPLAT_FB, SPLAT_Z, SPLAT_COLORS, SPLAT_RADII = _splat_scene()

TABLE = {
    depth._backproject: [
        *[(f"backproject {name}", lambda d=d: rk.backproject_depth(d, K, 1000.0 if d.dtype.kind in "ui" else 1.0))
          for name, d in DEPTHS.items()],
        ("backproject max_depth+step", lambda: rk.backproject_depth(DEPTHS["u16"], K, 1000, max_depth=2.0, step=2)),
        ("depth_cloud colours from a larger image", lambda: rk.depth_cloud(
            DEPTHS["f32 nan/inf"], K, color_image=IMAGES["u8 rgb"].repeat(3, 0), radius_scale=1.5)),
        ("depth_cloud colours from a smaller image", lambda: rk.depth_cloud(
            DEPTHS["u16"], K, 1000, step=3, color_image=IMAGES["f32 rgb"][:2, :3])),
        ("depth_cloud colormap", lambda: rk.depth_cloud(DEPTHS["f64 nan/inf"], K, colormap="viridis")),
    ],
    color._from_u8: [(f"to_rgba8 {n}", lambda i=i: rk.to_rgba8(i)) for n, i in IMAGES.items() if i.dtype == np.uint8],
    color._from_u16: [(f"to_rgba8 {n}", lambda i=i: rk.to_rgba8(i)) for n, i in IMAGES.items() if i.dtype == np.uint16],
    color._from_linear: [(f"to_rgba8 {n}", lambda i=i: rk.to_rgba8(i)) for n, i in IMAGES.items()
                         if i.dtype.kind == "f"],
    color._from_range: [(f"to_rgba8 {n}", lambda i=i: rk.to_rgba8(i)) for n, i in IMAGES.items()
                        if i.dtype.kind == "i"] + [
        ("to_rgba8 u16 with value_range", lambda: rk.to_rgba8(IMAGES["u16 rgb"], value_range=(0, 4095))),
        ("to_rgba8 empty range", lambda: rk.to_rgba8(np.full((2, 2), 5, np.int32))),
    ],
    color._finite_range: [(f"image_value_range {n}", lambda i=i: rk.image_value_range(i)) for n, i in IMAGES.items()],
    color._swap: [(f"bgr_to_rgb {n}", lambda i=i: rk.bgr_to_rgb(i)) for n, i in IMAGES.items()
                  if i.ndim == 3 and i.shape[2] in (3, 4) and i.dtype != np.float16],
    srgb._encode: [(f"linear_to_srgb8 {n}", lambda i=i: rk.linear_to_srgb8(i)) for n, i in IMAGES.items()
                   if i.dtype.kind == "f"] + [
        ("linear_to_srgb8 thresholds", lambda: rk.linear_to_srgb8(np.concatenate(
            [srgb.encode_tables()[0], np.nextafter(srgb.encode_tables()[0], -1.0)]))),
        ("linear_to_srgb8 4-d", lambda: rk.linear_to_srgb8(LINEAR_4D)),
    ],
    srgb._decode: [(f"srgb_to_linear {n} rgba={rgba}", lambda i=i, rgba=rgba: rk.srgb_to_linear(i, rgba=rgba))
                   for n, i in IMAGES.items() if i.dtype in (np.uint8, np.uint16) for rgba in (False, True)],
    colormaps._range_int: [(f"value_range {n} ignore_zero={z}", lambda v=v, z=z: rk.value_range(v, ignore_zero=z))
                           for n, v in SCALARS.items() if v.dtype.kind in "ui" for z in (False, True)] + [
        ("value_range u16 all zero", lambda: rk.value_range(np.zeros((2, 3), np.uint16), ignore_zero=True)),
        ("value_range i16 extremes", lambda: rk.value_range(np.array([[-32768, 32767]], np.int16))),
    ],
    colormaps._range_float: [(f"value_range {n} ignore_zero={z}", lambda v=v, z=z: rk.value_range(v, ignore_zero=z))
                             for n, v in SCALARS.items() if v.dtype.kind == "f" for z in (False, True)] + [
        ("value_range signed zeros and negatives", lambda: rk.value_range(np.array([[-0.0, 0.0, -3.5, -1e-300]]))),
        ("value_range tensor slice", lambda: rk.value_range(TENSOR[1, :, :, 2], ignore_zero=True)),
    ],
    colormaps._map: [(f"apply_colormap {n} {cmap}", lambda v=v, cmap=cmap: rk.apply_colormap(v, cmap))
                     for n, v in SCALARS.items() for cmap in ("turbo", "grayscale")] + [
        ("apply_colormap given range", lambda: rk.apply_colormap(SCALARS["f64 nan/inf"], "magma", -0.5, 0.5)),
        ("apply_colormap ignore_zero", lambda: rk.apply_colormap(SCALARS["u16"], "plasma", ignore_zero=True)),
        ("apply_colormap tensor slice", lambda: rk.apply_colormap(rk.tensor_slice_view(TENSOR, 1, 3, {0: 1, 2: 2}),
                                                                  "viridis")),
        ("apply_colormap strided u16 ignore_zero", lambda: rk.apply_colormap(SCALARS["u16"][::2, ::-1], "turbo",
                                                                              ignore_zero=True)),
        ("apply_colormap tensor slice given range", lambda: rk.apply_colormap(TENSOR[1, :, :, 2], "plasma", -1, 1)),
        ("apply_colormap f32 subnormal range", lambda: rk.apply_colormap(np.array([[1e-45, 3e-45, 0.0]], np.float32),
                                                                         "magma")),
        ("apply_colormap_packed non-contiguous out", lambda: rk.apply_colormap_packed(
            SCALARS["f32"], "inferno", out=np.zeros((7, 5), np.uint32).T)),
        # >= 4 x 65536 values: the per-value table then one gather per pixel (classes._lookup)
        ("apply_colormap big u16 depth", lambda: rk.apply_colormap(DEPTH_BIG, "turbo", ignore_zero=True)),
    ],
    colormaps._colormap_auto: [(f"apply_colormap auto {n} ignore_zero={z}",
                                lambda v=v, z=z: rk.apply_colormap(v, "viridis", ignore_zero=z))
                               for n, v in SCALARS.items() if v.dtype.kind == "f" for z in (False, True)] + [
        ("apply_colormap auto tensor slices", lambda: tuple(rk.apply_colormap_packed(TENSOR[i, :, :, 1], "turbo")
                                                       for i in range(3))),
        ("apply_colormap auto f32 beyond float32 arithmetic", lambda: rk.apply_colormap(
            np.array([[-3e38, 3e38, 1e38]], np.float32), "grayscale")),
    ],
    classes._lookup: [
        ("class ids u8", lambda: rk.class_ids_to_rgba(IDS_U8)),
        ("class ids u16 table", lambda: rk.class_ids_to_rgba(IDS_U16,
                                                             rk.class_color_table({3: (1, 2, 3), 0: (9, 9, 9, 9)}))),
        ("class ids i32 wraps", lambda: rk.class_ids_to_rgba(np.array([[-1, 70000, 5]], np.int32))),
        ("class ids view", lambda: rk.class_ids_to_rgba(IDS_SMALL[::2, ::-1])),
        ("class ids empty", lambda: rk.class_ids_to_rgba(np.zeros((0, 0), np.uint8))),
        ("colormap per-value table u16", lambda: rk.apply_colormap(DEPTH_BIG[::-1], "magma", 100, 5000)),
    ],
    yuv._convert: [
        *[(f"nv12 {n}", lambda f=f: rk.nv12_to_rgb(*_nv12(f))) for n, f in FRAMES.items()],
        *[(f"i420 bt709 full {n}", lambda f=f: rk.i420_to_rgb(*_nv12(f), matrix="bt709", full_range=True, alpha=True))
          for n, f in FRAMES.items()],
        *[(f"yuyv {n}", lambda f=f: rk.yuyv_to_rgb(*f)) for n, f in FRAMES.items()],
    ],
    splat._splat_keys: [
        ("splat per-point px radii, full framebuffer", lambda: rk.splat.splat_points(
            SPLAT_COLUMNS, SPLAT_FB, SPLAT_Z, (0, 0), (48, 64), SPLAT_RADII, 1.0, SPLAT_COLORS)),
        ("splat world radii, perspective, sub-rectangle", lambda: rk.splat.splat_points(
            SPLAT_COLUMNS, SPLAT_FB, SPLAT_Z, (10, 6), (30, 41), SPLAT_RADII * 0.05, 24.0, SPLAT_COLORS,
            perspective=True)),
        ("splat shared radius and colour", lambda: rk.splat.splat_points(
            SPLAT_COLUMNS, SPLAT_FB, SPLAT_Z, (5, 0), (48, 50), np.float32([1.5]), 1.0, SPLAT_COLORS[:1])),
        ("splat too wide: left to GL", lambda: rk.splat.splat_points(
            SPLAT_COLUMNS, SPLAT_FB, SPLAT_Z, (0, 0), (48, 64), SPLAT_RADII, 3.0, SPLAT_COLORS)),
        ("splat nothing in the rectangle", lambda: rk.splat.splat_points(
            SPLAT_COLUMNS, SPLAT_FB, SPLAT_Z, (0, 0), (3, 2), SPLAT_RADII * 0.0, 1.0, SPLAT_COLORS)),
        ("splat empty cloud and empty rectangle", lambda: (
            rk.splat.splat_points((np.zeros(0, np.float32),) * 3, SPLAT_FB, SPLAT_Z, (0, 0), (4, 4),
                                  np.float32([1.0]), 1.0, SPLAT_COLORS[:1]),
            rk.splat.splat_points(SPLAT_COLUMNS, SPLAT_FB, SPLAT_Z, (9, 9), (0, 5), SPLAT_RADII, 1.0,
                                  SPLAT_COLORS))),
    ],
    # the resolve of several threads' key buffers (the same points split into shares; the picture must not change)
    splat._resolve: [
        (f"splat in {threads} threads {name}", lambda threads=threads, kw=kw: rk.splat.splat_points(
            SPLAT_COLUMNS, SPLAT_FB, SPLAT_Z, (0, 0), (48, 64), SPLAT_RADII * kw[0], kw[1], SPLAT_COLORS[:kw[2]],
            perspective=kw[3], threads=threads))
        for threads in (1, 2, 3) for name, kw in (("px radii", (1.0, 1.0, None, False)),
                                                  ("world radii, shared colour", (0.05, 24.0, 1, True)))
    ] + [
        # one shared px size: each point writes its footprint's first pixel, the resolve spreads it
        (f"splat anchors {size} px, {threads} threads", lambda threads=threads, size=size: rk.splat.splat_points(
            SPLAT_COLUMNS, SPLAT_FB, SPLAT_Z, (3, 2), (40, 57), np.float32([size / 2]), 1.0, SPLAT_COLORS,
            threads=threads, anchors=True))
        for size in (1, 2, 3, 4) for threads in (1, 2)
    ],
    splat._locality_order: [
        ("locality_order cloud with nan/inf", lambda: rk.splat.locality_order(SPLAT_COLUMNS)),
        ("locality_order f64 columns, flat in z", lambda: rk.splat.locality_order(
            (CLOUDS["f64"][:, 0], CLOUDS["f64"][:, 1], np.zeros(300)))),
        ("locality_order one point and none", lambda: (
            rk.splat.locality_order(tuple(np.ones(1, np.float32) for _ in range(3))),
            rk.splat.locality_order(tuple(np.zeros(0, np.float32) for _ in range(3))))),
        ("locality_order all nan", lambda: rk.splat.locality_order(tuple(np.full(4, NAN, np.float32) for _ in range(3)))),
    ],
    points._finite: [(f"finite_mask {n}", lambda p=p: rk.finite_mask(p)) for n, p in CLOUDS.items()],
    points._bounds: [(f"bounds {n}", lambda p=p: rk.bounds(p)) for n, p in CLOUDS.items()],
    points._voxel: [(f"voxel_downsample {n} {s}", lambda p=p, s=s: rk.voxel_downsample(p, s))
                    for n, p in CLOUDS.items() for s in (0.25, 3.0)],
}

CASES = [pytest.param(k, call, id=f"{k.py_func.__name__}: {name}") for k, entries in TABLE.items() for name, call in entries]


def assert_same(got, expected, where=""):
    if expected is None or got is None:
        assert got is expected, where
    elif isinstance(expected, tuple):
        assert isinstance(got, tuple) and len(got) == len(expected), where
        for i, (a, b) in enumerate(zip(got, expected)):
            assert_same(a, b, f"{where}[{i}]")
    elif isinstance(expected, float):
        assert got == pytest.approx(expected, rel=1e-12), where
    else:
        got, expected = np.asarray(got), np.asarray(expected)
        assert got.shape == expected.shape and got.dtype == expected.dtype, where
        if expected.dtype.kind == "f":
            np.testing.assert_allclose(got, expected, rtol=2e-6, atol=1e-6, equal_nan=True, err_msg=where)
        else:
            np.testing.assert_array_equal(got, expected, err_msg=where)


def test_every_kernel_has_table_rows():
    assert set(_dispatch.REGISTRY) == set(TABLE)
    assert all(len(rows) >= 3 for rows in TABLE.values())


@pytest.mark.parametrize("backend", ["numba", "python"])
@pytest.mark.parametrize("kernel, call", CASES)
def test_kernel_matches_numpy_twin(kernel, call, backend):
    if backend == "numba" and not _dispatch.numba_available():
        pytest.skip("numba unavailable")
    with rk.use_backend("numpy"):
        expected = call()
    with rk.use_backend(backend):
        got = call()
    assert_same(got, expected)
