"""Test hook: run a scripted list of input steps in the real window, dump state JSON and PNGs, then exit.

Enabled by ``RERUN_VIEWER_SCRIPT=steps.json`` (output into ``RERUN_VIEWER_SCRIPT_OUT``). Input is injected by
calling the window's glfw callbacks exactly as glfw would (reference/ui_integration.md §5), so routing between
ImGui and vispy is exercised for real. Steps (JSON objects):

- ``{"frames": n}`` draw n frames; ``{"wait_entities": n, "timeout": s}`` poll until the store has n entities;
- ``{"move": [x, y]}``, ``{"press": [x, y], "button": 0}``, ``{"release": [x, y], "button": 0}``;
- ``{"click": [x, y]}`` or ``{"click_item": "tree-checkbox:world/points"}`` (centre of a recorded ImGui item, or
  ``"at": [fx, fy]`` fractions of its rectangle);
- ``{"drag": [[x0, y0], [x1, y1]], "steps": 10, "button": 0}``; a point may be a view or item name (its centre),
  ``"relative_to_start": [dx, dy]`` sets the end point, ``"shift": true`` holds Shift;
  a point may also be ``{"item": name, "at": [fx, fy]}`` (fractions of an item's rectangle);
- ``{"loop": "off" | "all" | "selection"}`` sets the loop mode;
- ``{"double_click": point}`` (two clicks within vispy's double-click time);
- ``{"scroll": [x, y, dy]}`` or ``{"scroll": [item or view name, dy]}``, ``{"key": "RIGHT"}`` (a glfw key name without ``KEY_``);
- ``{"look_through": pinhole entity}`` (as the 3D toolbar's camera combo);
- ``{"set_time": t}`` (scrub from code), ``{"sleep": s}`` (wall time, frames keep drawing);
- condition waits draw frames until their condition holds in the state a snapshot would dump, then return at once;
  on timeout (``"timeout": s``, default 30) they write ``timeout.json`` (the state dump plus ``"timed_out"``, the
  step) and raise :class:`ScriptTimeout`, so the viewer exits non-zero with the step and what was seen instead:
  ``{"wait_live": true | false}`` (the viewer's live flag); ``{"wait_layer": "entity|layer", "kind": "3d",
  "points": n}`` (a view, of that kind if given, shows the layer, with exactly n points if given);
  ``{"wait_time_after": t}`` (the time cursor is past t; t may name an earlier snapshot, meaning its cursor time);
- ``{"project": [[x, y, z], …], "view": root or name, "as": key}`` records where world points land on the canvas
  (through the view's camera), for pixel checks; a later point may be ``{"projection": key, "index": i}``;
- ``{"run": seconds}`` hands over to the real event loop (idle waits, ingest polling), then closes the window
  and writes ``run.json`` (frames drawn, seconds, layer uploads); it must be the last step; with ``"trace": true``
  run.json also lists every frame drawn as (wall-clock seconds after the draw, time cursor, layer uploads so far);
- ``{"snapshot": "name"}`` writes ``name.png`` and ``name.json`` (see :func:`state_dump`).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
from rerun_scene.batches import PointBatch


def state_dump(viewer) -> dict:
    """What a test needs to check: cursor, visibility, selection, hover, views (rects, cameras, layers)."""
    tc = viewer.time
    views = {}
    for spec, host in viewer.views.items():
        views[spec.name] = {
            "kind": spec.kind,
            "root": spec.root,
            "rect": host.rect,
            "visible": host.visible,
            "camera": host.camera_state(),
            "layers": sorted(f"{p}|{n}" for p, n in host.shown_layers()),
            "set_layer_calls": host.set_layer_calls,
            "builds": host.builder.builds,
            "points": {f"{p}|{n}": len(b) for p, layers in host.entity_layers.items() for n, b in layers.batches.items()
                       if isinstance(b, PointBatch)},
            "image_planes": {p: layers.batches["frustum"].image_plane_distance
                             for p, layers in host.entity_layers.items() if "frustum" in layers.batches},
        }
    hover = viewer.state.hover
    return {
        "points_path": viewer.points_path,
        "timeline": None if tc.timeline is None else [tc.timeline.name, tc.timeline.type],
        "time": tc.time,
        "playing": tc.playing,
        "selection_range": None if tc.selection is None else list(tc.selection),
        "loop": tc.loop.value,
        "following": tc.following,
        "live": viewer.live,
        "hidden": sorted(viewer.state.hidden),
        "selected": viewer.state.selected,
        "selection_panel": list(viewer.panel.selection_lines),
        "hover": None if hover is None else hover.__dict__,
        "warnings": viewer.state.warnings,
        "views": views,
        "plots": viewer.panel.plot_frames,
        "items": viewer.panel.item_rects,
        "view_windows": viewer.view_windows,
        "maximised": viewer.layout.maximised,
        "view_titles": dict(viewer.view_titles),
        "tooltip": list(viewer.tooltip.lines),
        "highlights": list(viewer.highlights),
        "selected_instance": viewer.state.selected_instance,
        "selected_space_view": viewer.state.selected_space_view,
        "stream_rows": list(viewer.panel.stream_rows),
        "stream_tooltip": viewer.panel.stream_tooltip,
        "blueprint": {name: {"title": v.title, "shown": v.shown, "tree": _group_dump(v.tree)}
                      for name, v in viewer.panel.blueprint.items()},
        "view_visibility": {name: {"entities": sorted(v.hidden_entities), "groups": sorted(v.hidden_groups)}
                            for name, v in viewer.state.view_visibility.items()},
        "frame_count": viewer.canvas.frame_count,
        "ui_errors": viewer.canvas.ui_errors,
        "scene_errors": viewer.canvas.scene_errors,
        "events_to_vispy": viewer.input.events_to_vispy if viewer.input else 0,
        "events_to_imgui_only": viewer.input.events_to_imgui_only if viewer.input else 0,
        "entities": [] if viewer.store is None else viewer.store.entity_paths(),
    }


def _group_dump(group) -> dict:
    """A Blueprint group as nested JSON: its path, its entities and its subgroups (iterative: paths may be deep)."""
    root = {"path": group.path, "entities": list(group.entities), "groups": []}
    stack = [(group, root)]
    while stack:
        node, out = stack.pop()
        for child in node.children:
            dumped = {"path": child.path, "entities": list(child.entities), "groups": []}
            out["groups"].append(dumped)
            stack.append((child, dumped))
    return root


class ScriptTimeout(RuntimeError):
    """A condition-wait step of a viewer script did not see its condition within its timeout."""


def _layer_points(dump: dict, layer: str, kind: str | None) -> list:
    """(view name, points or None) for each view (of ``kind`` when given) that shows ``layer``."""
    return [(name, v["points"].get(layer)) for name, v in dump["views"].items()
            if (kind is None or v["kind"] == kind) and layer in v["layers"]]


def _condition(step: dict, dump: dict, snapshots: dict) -> tuple[bool, str]:
    """Whether a condition-wait step holds in ``dump``, and what was seen (for the timeout message)."""
    if "wait_live" in step:
        return dump["live"] == bool(step["wait_live"]), f"live={dump['live']}"
    if "wait_layer" in step:
        shown = _layer_points(dump, step["wait_layer"], step.get("kind"))
        ok = bool(shown) if "points" not in step else any(n == int(step["points"]) for _, n in shown)
        return ok, f"views showing it (name, points): {shown}; views: " + str(
            {name: (v["kind"], v["layers"]) for name, v in dump["views"].items()})
    after = step["wait_time_after"]
    if isinstance(after, str):
        if after not in snapshots:
            raise KeyError(f"wait_time_after: no earlier snapshot named {after!r}; taken: {sorted(snapshots)}")
        after = snapshots[after]["time"]
    if after is None:
        raise ValueError(f"wait_time_after: expected a time (or a snapshot with one), got {step['wait_time_after']!r}"
                         " whose cursor time is None")
    return dump["time"] is not None and dump["time"] > after, f"time={dump['time']} (waiting for > {after})"


def _centre(rect) -> tuple[float, float]:
    x, y, w, h = rect
    return x + w / 2, y + h / 2


def run_script(viewer, script_path: str, out_dir: str) -> int:
    """Run the steps in ``script_path`` against ``viewer``; returns 0 (a failing step raises)."""
    import glfw

    steps = json.loads(Path(script_path).read_text())
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    router = viewer.input
    win = router.window

    def frames(n: int = 1) -> None:
        for _ in range(n):
            viewer.poll()
            viewer.request_redraw(1)
            viewer.draw_frame()

    def button(step, default=0) -> int:
        return {0: glfw.MOUSE_BUTTON_LEFT, 1: glfw.MOUSE_BUTTON_RIGHT, 2: glfw.MOUSE_BUTTON_MIDDLE}[step.get("button", default)]

    def point(value):
        if isinstance(value, dict) and "item" in value:  # {"item": name, "at": [fx, fy]} inside an item's rectangle
            rx, ry, rw, rh = viewer.panel.item_rects[value["item"]]
            fx, fy = value.get("at", (0.5, 0.5))
            return rx + 1 + (rw - 2) * float(fx), ry + 1 + (rh - 2) * float(fy)
        if isinstance(value, dict):  # {"projection": key, "index": i}: a point recorded by a "project" step
            return tuple(projections[value["projection"]][int(value.get("index", 0))])
        if isinstance(value, str):
            if value in viewer.panel.item_rects:
                return _centre(viewer.panel.item_rects[value])
            if value in viewer.view_rects:
                return _centre(viewer.view_rects[value])
            raise KeyError(f"no recorded item or view named {value!r}; known: {sorted(viewer.panel.item_rects)}")
        return float(value[0]), float(value[1])

    def wait_for(step: dict) -> None:
        timeout = float(step.get("timeout", 30))
        deadline = time.monotonic() + timeout
        while True:
            frames(1)
            dump = state_dump(viewer)
            ok, seen = _condition(step, dump, snapshots)
            if ok:
                return
            if time.monotonic() >= deadline:
                dump["timed_out"] = step
                (out / "timeout.json").write_text(json.dumps(dump, default=_jsonable, indent=1))
                viewer.close()
                raise ScriptTimeout(f"script step {step!r} timed out after {timeout:g} s; seen: {seen}")

    projections: dict[str, list] = {}
    snapshots: dict[str, dict] = {}
    frames(3)
    for step in steps:
        if "frames" in step:
            frames(int(step["frames"]))
        elif "wait_entities" in step:
            deadline = time.monotonic() + float(step.get("timeout", 10))
            while time.monotonic() < deadline:
                store = viewer.store
                if store is not None and len(store.entity_paths()) >= int(step["wait_entities"]):
                    break
                time.sleep(0.02)
            frames(3)
        elif "move" in step:
            router.on_cursor_pos(win, *point(step["move"]))
            frames(1)
        elif "press" in step or "release" in step:
            pressing = "press" in step
            router.on_cursor_pos(win, *point(step["press" if pressing else "release"]))
            router.on_mouse_button(win, button(step), glfw.PRESS if pressing else glfw.RELEASE, 0)
            frames(1)
        elif "click" in step or "click_item" in step:
            x, y = point(step.get("click", step.get("click_item")))
            if "at" in step and "click_item" in step:
                rx, ry, rw, rh = viewer.panel.item_rects[step["click_item"]]
                x, y = rx + 1 + (rw - 2) * float(step["at"][0]), ry + 1 + (rh - 2) * float(step["at"][1])
            router.on_cursor_pos(win, x, y)
            frames(1)
            router.on_mouse_button(win, button(step), glfw.PRESS, 0)
            frames(1)
            router.on_mouse_button(win, button(step), glfw.RELEASE, 0)
            frames(2)
        elif "double_click" in step:
            x, y = point(step["double_click"])
            router.on_cursor_pos(win, x, y)
            frames(1)
            for action in (glfw.PRESS, glfw.RELEASE, glfw.PRESS, glfw.RELEASE):
                router.on_mouse_button(win, button(step), action, 0)
            frames(2)
        elif "drag" in step:
            (x0, y0), (x1, y1) = point(step["drag"][0]), point(step["drag"][1])
            if "relative_to_start" in step:
                x1, y1 = x0 + float(step["relative_to_start"][0]), y0 + float(step["relative_to_start"][1])
            n = int(step.get("steps", 10))
            shift = bool(step.get("shift"))
            if shift:
                router.on_key(win, glfw.KEY_LEFT_SHIFT, 0, glfw.PRESS, glfw.MOD_SHIFT)
            router.on_cursor_pos(win, x0, y0)
            frames(1)
            router.on_mouse_button(win, button(step), glfw.PRESS, 0)
            frames(1)
            for i in range(1, n + 1):
                router.on_cursor_pos(win, x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n)
                frames(1)
            router.on_mouse_button(win, button(step), glfw.RELEASE, 0)
            if shift:
                router.on_key(win, glfw.KEY_LEFT_SHIFT, 0, glfw.RELEASE, 0)
            frames(2)
        elif "loop" in step:
            from rerun_app.time_control import LoopMode

            viewer.time.loop = LoopMode(step["loop"])
            frames(1)
        elif "scroll" in step:
            *where, dy = step["scroll"]
            x, y = point(where[0] if len(where) == 1 else where)
            router.on_cursor_pos(win, x, y)
            router.on_scroll(win, 0.0, float(dy))
            frames(2)
        elif "key" in step:
            key = getattr(glfw, "KEY_" + step["key"].upper())
            router.on_key(win, key, 0, glfw.PRESS, 0)
            router.on_key(win, key, 0, glfw.RELEASE, 0)
            frames(2)
        elif "set_time" in step:
            viewer.time.pause()
            viewer.time.set_time(int(step["set_time"]))
            frames(3)
        elif "sleep" in step:
            deadline = time.monotonic() + float(step["sleep"])
            while time.monotonic() < deadline:
                frames(1)
        elif "wait_live" in step or "wait_layer" in step or "wait_time_after" in step:
            wait_for(step)
        elif "project" in step:
            host = next(h for spec, h in viewer.views.items() if spec.name == step["view"] or spec.root == step["view"])
            projections[step.get("as", "projection")] = host.world_to_canvas(step["project"]).tolist()
        elif "look_through" in step:  # what the toolbar's camera combo does
            host = next(h for spec, h in viewer.views.items() if spec.kind == "3d")
            host.look_through(step["look_through"])
            frames(3)
        elif "run" in step:
            frames_before, started = viewer.canvas.frame_count, time.monotonic()
            trace: list[tuple[float, int | None, int]] = []

            def on_frame(v) -> None:  # wall clock after the frame reached the window, cursor, layer uploads so far
                trace.append((time.time(), v.time.time, sum(h.set_layer_calls for h in v.views.values())))

            # the real event loop; closes the window at the end
            viewer.run(max_seconds=float(step["run"]), on_frame=on_frame if step.get("trace") else None)
            (out / "run.json").write_text(json.dumps({
                "seconds": time.monotonic() - started,
                "frames": viewer.canvas.frame_count - frames_before,
                "set_layer_calls": sum(h.set_layer_calls for h in viewer.views.values()),
                "trace": trace,
            }))
            return 0
        elif "snapshot" in step:
            viewer.canvas.capture_next_frame = True
            frames(1)
            import imageio.v3 as iio

            iio.imwrite(out / f"{step['snapshot']}.png", viewer.canvas.last_image[..., :3])
            dump = state_dump(viewer)
            dump["projections"] = dict(projections)
            snapshots[step["snapshot"]] = dump
            (out / f"{step['snapshot']}.json").write_text(json.dumps(dump, default=_jsonable, indent=1))
        else:
            raise ValueError(f"unknown script step {step!r}")
    viewer.close()
    return 0


def _jsonable(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (set, tuple)):
        return list(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)
