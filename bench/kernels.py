"""Benchmark of the numba kernels against their numpy twins and against a memcpy of the same bytes.

Usage: python bench/kernels.py [--repeat N] [--only SUBSTRING]

For each case it prints the best-of-N time of the numba kernel and of its numpy twin (both called through the
public function, argument checks included), their ratio, the kernel's effective bandwidth (bytes read +
written per second) and two memory floors measured in the same run: the issue's floor, those bytes moved at
the bandwidth of a 64 MiB numpy copy (DRAM), and a cache-aware one, a numpy copy of the same bytes at the same
size (half read, half written, into a reused buffer), which is lower for cases whose data stay in cache
between calls. The bytes are the least the kernel must move: input read once (every cache line a strided view
spans), output written once. The last column checks the issue's rule: at least 5x the numpy twin, or within 2x
of the (DRAM) floor. The machine is shared and noisy: compare ratios within one run.
Last, it measures the viewer-start cost in a fresh subprocess: import + first call of every kernel from a warm
numba cache (run ``python -m rerun_kernels.warmup`` first).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time

import numpy as np

import rerun_kernels as rk
from rerun_kernels import warmup


def best_time(call, repeat: int) -> tuple[float, float]:
    """Best of ``repeat`` runs (more for calls under ~1 ms: enough for ~20 ms) as (wall s, CPU s of this thread).

    On a shared machine the minimum is the run least disturbed by other work, and the thread's CPU time leaves
    out the time this process waited for a core; both are printed, ratios use CPU time. Sub-millisecond calls
    get more runs because one scheduler tick disturbs a larger share of them.
    """
    first = time.perf_counter()
    call()
    first = time.perf_counter() - first
    walls, cpus = [], []
    for _ in range(max(repeat, min(500, int(0.02 / max(first, 1e-6))))):
        wall, cpu = time.perf_counter(), time.thread_time()
        call()
        cpus.append(time.thread_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return min(walls), min(cpus)


def copy_bandwidth(repeat: int) -> float:
    """Bytes moved per second (read + write) by a numpy copy of 64 MiB into a reused buffer (DRAM-bound)."""
    src = np.ones(64 << 20, np.uint8)
    dst = np.empty_like(src)
    _, cpu = best_time(lambda: np.copyto(dst, src), max(3, repeat // 3))
    return 2 * src.nbytes / cpu


def copy_floor(nbytes: int, repeat: int) -> float:
    """CPU seconds of a numpy copy of ``nbytes // 2`` bytes into a reused buffer (moves ``nbytes``)."""
    half = max(nbytes // 2, 64)
    src = np.ones(half, np.uint8)
    dst = np.empty_like(src)
    return best_time(lambda: np.copyto(dst, src), repeat)[1]


def spanned_bytes(view: np.ndarray) -> int:
    """Bytes of the cache lines a (strided) view touches, row by row: what reading it really moves."""
    if view.ndim == 2 and view.strides[1] < 64:
        return view.shape[0] * min(abs(view.strides[0]), abs(view.strides[1]) * view.shape[1])
    return view.nbytes


def cases():
    rng = np.random.default_rng(0)
    intrinsics = np.array([[525.0, 0.0, 319.5], [0.0, 525.0, 239.5], [0.0, 0.0, 1.0]])
    hd_intrinsics = np.array([[1050.0, 0.0, 959.5], [0.0, 1050.0, 539.5], [0.0, 0.0, 1.0]])

    def depth(h, w):
        d = rng.integers(300, 8000, (h, w)).astype(np.uint16)
        d[rng.random((h, w)) < 0.1] = 0  # 10 % holes, like a real sensor
        return d

    vga, hd = depth(480, 640), depth(1080, 1920)
    rgb = rng.integers(0, 256, (1080, 1920, 3), dtype=np.uint8)
    gray = rgb[:, :, 0].copy()
    rgb16 = rgb.astype(np.uint16) * 257
    gray32 = gray.astype(np.int32) - 100
    linear = rng.random((1080, 1920, 3), dtype=np.float32)
    nv12 = rng.integers(0, 256, 1920 * 1080 * 3 // 2, dtype=np.uint8)
    tensor = rng.random((64, 256, 256, 3), dtype=np.float32)
    tensor_slice = rk.tensor_slice_view(tensor, 1, 2, {0: 32, 3: 1})  # (256, 256) float32, 12-byte column step
    ids = rng.integers(0, 40, (1080, 1920), dtype=np.uint16)
    table = rk.class_color_table({i: (i, 255 - i, 7) for i in range(20)})
    cloud = rng.normal(size=(1_000_000, 3)).astype(np.float32)
    hd_f32 = hd.astype(np.float32) / 1000
    n_vga, n_hd = int(np.count_nonzero(vga)), int(np.count_nonzero(hd))
    # (name, call, bytes read + written, goal in ms or None)
    return [
        ("backproject 640x480 u16", lambda: rk.backproject_depth(vga, intrinsics, 1000.0),
         vga.nbytes + 12 * n_vga, 1.0),
        ("backproject 1920x1080 u16", lambda: rk.backproject_depth(hd, hd_intrinsics, 1000.0),
         hd.nbytes + 12 * n_hd, 5.0),
        ("depth_cloud 1080p + colour image + radii",
         lambda: rk.depth_cloud(hd, hd_intrinsics, 1000.0, color_image=rgb, radius_scale=1.0),
         hd.nbytes + rgb.nbytes + 4 * rgb.size // 3 * 2 + 20 * n_hd, None),
        ("sRGB u8 RGB -> linear f32 RGBA 1080p", lambda: rk.srgb_to_linear(rgb, rgba=True),
         rgb.nbytes + 16 * gray.size, 4.0),
        ("NV12 -> RGB 1080p", lambda: rk.nv12_to_rgb(nv12, 1920, 1080), nv12.nbytes + rgb.nbytes, 5.0),
        ("NV12 -> RGBA 1080p", lambda: rk.nv12_to_rgb(nv12, 1920, 1080, alpha=True),
         nv12.nbytes + 4 * gray.size, None),
        ("gray u8 -> RGBA8 1080p", lambda: rk.to_rgba8(gray), gray.nbytes * 5, None),
        ("u16 RGB -> RGBA8 1080p", lambda: rk.to_rgba8(rgb16), rgb16.nbytes + 4 * gray.size, None),
        ("i32 gray -> RGBA8 1080p (auto range)", lambda: rk.to_rgba8(gray32), gray32.nbytes * 2 + 4 * gray.size,
         None),
        ("BGR -> RGB u8 1080p", lambda: rk.bgr_to_rgb(rgb), rgb.nbytes * 2, None),
        ("linear f32 RGB -> sRGB u8 1080p", lambda: rk.linear_to_srgb8(linear), linear.nbytes + rgb.nbytes, None),
        ("RGB u8 -> RGBA8 1080p", lambda: rk.to_rgba8(rgb), rgb.nbytes + 4 * gray.size, None),
        ("linear f32 RGB -> RGBA8 1080p (sRGB encode)", lambda: rk.to_rgba8(linear),
         linear.nbytes + 4 * gray.size, None),
        ("tensor slice + colormap 64x256x256x3 -> 256^2",
         lambda: rk.apply_colormap(rk.tensor_slice_view(tensor, 1, 2, {0: 32, 3: 1}), "viridis"),
         spanned_bytes(tensor_slice) + 4 * tensor_slice.size, 0.5),
        ("depth colormap turbo 1080p f32 (auto range)",
         lambda: rk.apply_colormap(hd_f32, "turbo", ignore_zero=True), hd_f32.nbytes * 2, None),
        ("depth colormap turbo 1080p u16 (auto range)",
         lambda: rk.apply_colormap(hd, "turbo", ignore_zero=True), hd.nbytes * 3, None),
        ("class ids u16 -> RGBA8 1080p", lambda: rk.class_ids_to_rgba(ids, table), ids.nbytes * 3, None),
        ("slice_tensor 256x256x3 f32 (numpy copy)", lambda: rk.slice_tensor(tensor, 1, 2, {0: 7},
                                                                                     color_axis=3),
         256 * 256 * 3 * 8, None),
        ("bounds 1M points", lambda: rk.bounds(cloud), cloud.nbytes, None),
        ("finite_mask 1M points", lambda: rk.finite_mask(cloud), cloud.nbytes + cloud.shape[0], None),
        ("voxel_downsample 1M points (0.1)", lambda: rk.voxel_downsample(cloud, 0.1), cloud.nbytes * 2, None),
    ]


def startup_seconds() -> tuple[float, float]:
    """Fresh-process seconds (warm cache) for import + one call per kernel, and for import + the full warm-up."""
    results = []
    for function in ("exercise_each_kernel_once", "exercise_all_kernels"):
        code = ("import time; t = time.perf_counter(); import rerun_kernels; from rerun_kernels import warmup; "
                f"warmup.{function}(); print(time.perf_counter() - t)")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        results.append(float(out))
    return results[0], results[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per kernel (numpy twin: a third)")
    parser.add_argument("--only", default="", help="run only cases whose name contains this")
    args = parser.parse_args()
    if not rk.numba_available():
        print("numba unavailable: nothing to compare")
        return 1
    with rk.use_backend("numba"):
        warmup.exercise_all_kernels()
    bandwidth = copy_bandwidth(args.repeat)
    print(f"DRAM: a numpy copy of 64 MiB moves {bandwidth / 1e9:.1f} GB/s (read + write); "
          f"times are best of {args.repeat} (numpy twin: {max(3, args.repeat // 3)}; more for calls under 1 ms), "
          "CPU time of the thread")
    print(f"{'case':46s} {'numba':>7s} {'(wall)':>7s} {'numpy':>8s} {'speedup':>7s} {'GB/s':>5s} "
          f"{'floor':>6s} {'xfloor':>6s} {'copy':>6s} {'xcopy':>6s} {'goal':>9s} {'rule':>5s}")
    for name, call, nbytes, goal in cases():
        if args.only not in name:
            continue
        with rk.use_backend("numba"):
            fast_wall, fast = best_time(call, args.repeat)
        with rk.use_backend("numpy"):
            _, slow = best_time(call, max(3, args.repeat // 3))
        floor = nbytes / bandwidth
        same_size = copy_floor(nbytes, args.repeat)
        verdict = "" if goal is None else (f"{goal:.1f} ok" if fast * 1e3 <= goal else f"{goal:.1f} MISS")
        rule = "ok" if slow / fast >= 5.0 or fast <= 2.0 * floor else "MISS"
        print(f"{name:46s} {fast * 1e3:7.3f} {fast_wall * 1e3:7.3f} {slow * 1e3:8.2f} {slow / fast:6.1f}x "
              f"{nbytes / fast / 1e9:5.1f} {floor * 1e3:6.3f} {fast / floor:6.2f} {same_size * 1e3:6.3f} "
              f"{fast / same_size:6.2f} {verdict:>9s} {rule:>5s}")
    print("(ms; GB/s = bytes read + written per second; floor = those bytes at the DRAM copy bandwidth above; "
          "copy = a numpy copy\n moving those bytes at the same size; rule = the issue's 'numba >= 5x its numpy "
          "twin or <= 2x the floor')")
    each, every = startup_seconds()
    print(f"viewer start in a fresh process, warm cache: import + first call of each kernel {each:.2f} s "
          f"(goal 1.5 s); import + warm-up signatures {every:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
