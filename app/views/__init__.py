"""View builders: the store at the time cursor → what a space view shows. No GL (import-linter checks it).

- ``heuristics``: which space views a recording gets (space roots, component kinds), as Rerun 0.4 chooses;
- ``space_view_builder``: a 2D / 3D view's layers, memoised per entity; ``spatial``: one entity's components →
  ``rerun_scene`` batches; ``transforms``: the transform hierarchy; ``annotations``: class / keypoint contexts;
  ``meshes``: mesh components and files; ``pixels``: image and depth conversions (``rerun_kernels``);
- ``tensor_view``, ``bar_chart``, ``time_series``, ``text_log``: the other view kinds' data;
  ``column_reader``: a component over a timeline column-wise (plots, text log);
- ``values``: Arrow component arrays → numpy values.
"""
