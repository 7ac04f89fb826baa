"""``rerun_demo``: demo data and helpers, as Rerun 0.4.0 shipped them beside ``rerun``.

- :mod:`rerun_demo.data`: ready-made objects to log (a colour grid cube, a rect pyramid, a colour
  spiral) and the functions that build them with other sizes;
- :mod:`rerun_demo.util`: small helpers the 0.4.0 examples use (``bounce_lerp``, ``interleave``);
- :mod:`rerun_demo.turbo`: the Turbo colormap table;
- ``python -m rerun_demo --cube``: the twisting colour-grid cube, streamed to a spawned viewer.

Like 0.4.0's, this package depends on nothing beyond ``rerun`` and numpy::

    import rerun as rr
    from rerun_demo.data import color_grid

    rr.init("demo", spawn=True)
    rr.log_points("my_points", color_grid.positions, colors=color_grid.colors)
"""

__all__ = ["data", "turbo", "util"]
