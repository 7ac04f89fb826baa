"""Benchmark of the numba kernels against their numpy twins and against a memcpy of the same bytes.

Usage: python bench/kernels.py [--repeat N] [--only SUBSTRING]

For each case it prints the best-of-N time of the numba kernel and of its numpy twin (both called through the
public function, argument checks included), their ratio, the kernel's effective bandwidth (bytes read +
written per second) and how far it is from the memory floor: a numpy copy of the same number of bytes into a
reused buffer, timed in the same run. The machine is shared and noisy: compare ratios within one run.
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


def best_time(call, repeat: int) -> float:
    """Best of ``repeat`` runs: on a shared machine the minimum is the run least disturbed by other work."""
    call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def memcpy_time(nbytes: int, repeat: int) -> float:
    """Time a copy that moves ``nbytes`` in total (half read, half written) into a reused buffer."""
    half = max(nbytes // 2, 1)
    src = np.ones(half, np.uint8)
    dst = np.empty_like(src)
    return best_time(lambda: np.copyto(dst, src), repeat)


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
    linear = rng.random((1080, 1920, 3), dtype=np.float32)
    nv12 = rng.integers(0, 256, 1920 * 1080 * 3 // 2, dtype=np.uint8)
    tensor = rng.random((64, 256, 256, 3), dtype=np.float32)
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
        ("RGB u8 -> RGBA8 1080p", lambda: rk.to_rgba8(rgb), rgb.nbytes + 4 * gray.size, None),
        ("linear f32 RGB -> RGBA8 1080p (sRGB encode)", lambda: rk.to_rgba8(linear),
         linear.nbytes + 4 * gray.size, None),
        ("tensor slice + colormap 64x256x256x3 -> 256^2",
         lambda: rk.apply_colormap(rk.tensor_slice_view(tensor, 1, 2, {0: 32, 3: 1}), "viridis"),
         256 * 256 * (4 + 4), 0.5),
        ("depth colormap turbo 1080p f32 (auto range)",
         lambda: rk.apply_colormap(hd_f32, "turbo", ignore_zero=True), hd_f32.nbytes * 3, None),
        ("class ids u16 -> RGBA8 1080p", lambda: rk.class_ids_to_rgba(ids, table), ids.nbytes * 3, None),
        ("slice_tensor copy 64x256x256x3 f32 -> 256x256x3", lambda: rk.slice_tensor(tensor, 1, 2, {0: 7},
                                                                                     color_axis=3),
         256 * 256 * 3 * 8, None),
        ("bounds 1M points", lambda: rk.bounds(cloud), cloud.nbytes, None),
        ("voxel_downsample 1M points (0.1)", lambda: rk.voxel_downsample(cloud, 0.1), cloud.nbytes * 2, None),
    ]


def startup_seconds() -> tuple[float, float]:
    """Fresh-process cost of import + first call of every kernel (warm cache), and of a bare interpreter."""
    code = ("import time; t = time.perf_counter(); import rerun_kernels; from rerun_kernels import warmup; "
            "warmup.exercise_all_kernels(); print(time.perf_counter() - t)")
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    whole = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    bare = time.perf_counter() - start
    return float(out), whole - bare


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
    print(f"{'case':48s} {'numba ms':>9s} {'numpy ms':>9s} {'speed-up':>8s} {'GB/s':>6s} {'memcpy ms':>9s} "
          f"{'x floor':>7s} {'goal ms':>7s}")
    for name, call, nbytes, goal in cases():
        if args.only not in name:
            continue
        with rk.use_backend("numba"):
            fast = best_time(call, args.repeat)
        with rk.use_backend("numpy"):
            slow = best_time(call, max(3, args.repeat // 3))
        floor = memcpy_time(nbytes, args.repeat)
        verdict = "" if goal is None else (f"{goal:.1f} ok" if fast * 1e3 <= goal else f"{goal:.1f} MISS")
        print(f"{name:48s} {fast * 1e3:9.3f} {slow * 1e3:9.3f} {slow / fast:7.1f}x {nbytes / fast / 1e9:6.1f} "
              f"{floor * 1e3:9.3f} {fast / floor:7.2f} {verdict:>7s}")
    first_calls, process = startup_seconds()
    print(f"viewer start, warm cache: import + first call of every kernel {first_calls:.2f} s "
          f"(process total minus bare interpreter {process:.2f} s; goal 1.5 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
