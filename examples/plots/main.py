#!/usr/bin/env python3
"""Plots: sine and cosine as line plots, noisy samples as a scatter plot (``log_scalar``), a parabola whose
colour follows its sign, and a bar chart (a 1-D ``log_tensor``), all on the ``frame_nr`` timeline.

``python examples/plots/main.py`` opens the viewer; ``--save plots.rrd`` records to a file instead.
"""

from __future__ import annotations

import argparse

import numpy as np

import rerun as rr


def gaussian_bars(num_bars: int) -> np.ndarray:
    """A bell curve sampled at ``num_bars`` points over [-3, 3], scaled to a peak of 1."""
    x = np.linspace(-3.0, 3.0, num_bars)
    return np.exp(-0.5 * x**2)


def log_bar_chart(num_bars: int) -> None:
    rr.set_time_sequence("frame_nr", 0)
    rr.log_tensor("bar_chart", gaussian_bars(num_bars))


def log_trig(frames: int, period: float) -> None:
    """sin and cos of ``2π·frame/period``, one scalar of each per frame."""
    for frame in range(frames):
        rr.set_time_sequence("frame_nr", frame)
        angle = 2 * np.pi * frame / period
        rr.log_scalar("trig/sin", np.sin(angle), label="sin(t)", color=[255, 0, 0])
        rr.log_scalar("trig/cos", np.cos(angle), label="cos(t)", color=[0, 200, 0])


def log_parabola(frames: int) -> None:
    """A parabola crossing zero, drawn thicker and coloured by its sign."""
    for frame in range(frames):
        rr.set_time_sequence("frame_nr", frame)
        x = (frame - frames / 2) / (frames / 4)
        value = x * x - 1.0
        color = [255, 120, 0] if value < 0 else [0, 120, 255]
        rr.log_scalar("parabola", value, label="x² - 1", color=color, radius=2.0 if value < 0 else 0.5)


def log_scattered_samples(frames: int, seed: int) -> None:
    """Noisy samples of a slow trend, shown as dots (``scattered=True``)."""
    rng = np.random.default_rng(seed)
    for frame in range(0, frames, 2):
        rr.set_time_sequence("frame_nr", frame)
        sample = 0.5 * np.sin(frame / 40.0) + rng.normal(0.0, 0.1)
        rr.log_scalar("scatter/samples", sample, color=[120, 120, 120], scattered=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Log line plots, a scatter plot and a bar chart.")
    parser.add_argument("--frames", type=int, default=1000, help="points per plot (default 1000)")
    parser.add_argument("--period", type=float, default=200.0, help="frames per sin/cos period (default 200)")
    parser.add_argument("--bars", type=int, default=64, help="bars in the bar chart (default 64)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the scatter plot's noise")
    rr.script_add_args(parser)
    args = parser.parse_args(argv)

    rr.script_setup(args, "plots")
    log_bar_chart(args.bars)
    log_trig(args.frames, args.period)
    log_parabola(args.frames)
    log_scattered_samples(args.frames, args.seed)
    rr.script_teardown(args)


if __name__ == "__main__":
    main()
