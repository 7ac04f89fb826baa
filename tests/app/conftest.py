"""Tests of the viewer process (``rerun_app``), laid out as the code is.

- ``store/``: the store and the hub (``rerun_app.store``), no GL.
- ``views/``: view builders, column reader and time control (``rerun_app.views``, ``rerun_app.time_control``):
  GL-free, they build what a view shows from a store without a window.
- ``viewer/``: the window and everything drawn (``rerun_app.viewer``, screenshots, plot views): Xvfb windows and
  EGL renders, marked ``gl``.

Transport and ingest end to end (SDK → socket / ring / file → ingest) are in ``tests/transport``.
Shared helpers live here, imported by name (this folder is on ``sys.path`` because this conftest is):
``_viewer_kit`` (hubs, rows, scenarios, running a scripted window) and ``_plot_kit`` (rendering plot views).
"""
