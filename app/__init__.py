"""rerun_app: the viewer process (``python -m rerun_app`` / the ``rerun`` command).

Map, in the order data flows (import-linter keeps each layer from importing the ones above it):

- ``cli``: the ``rerun`` command line (files, ``--port``, ``--memory-limit``, ``--save``, ``--screenshot``,
  ``--web-viewer``); ``__main__`` runs it;
- ``ingest``: TCP server, shared-memory rings and ``.rrd`` files → typed events (:mod:`rerun.wire.events`)
  → a target, normally the store hub;
- ``store``: one :class:`~rerun_app.store.Store` per recording (entity × component × timeline; latest-at and
  range queries, memory limit), in a :class:`~rerun_app.store.StoreHub`;
- ``time_control``: the time cursor (timeline, play / follow / loop); ``views``: view builders, store at the
  cursor → ``rerun_scene`` batches or plot data (no GL);
- ``viewer``: the window (glfw + vispy + Dear ImGui): panels, docked space views, picking, the script test hook;
  ``screenshot``: the same window rendered headless (EGL) into a PNG; ``web``: the web viewer and remote sources.
"""
