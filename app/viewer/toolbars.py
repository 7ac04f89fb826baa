"""Toolbars of the viewer window: the main menu bar and the row above each space view.

Each ``draw_*`` function draws from a :class:`~rerun_app.viewer.context.PanelContext` (its ``viewer`` argument).
"""

from __future__ import annotations

import rerun_kernels
from imgui_bundle import imgui


def draw_menu_bar(viewer) -> None:
    """Recordings (pin one, or follow the newest), View (reset layout / cameras), and a store summary."""
    if not imgui.begin_main_menu_bar():
        return
    if imgui.begin_menu("Recordings"):
        shown = viewer.store
        for rid in viewer.hub.recording_ids():
            clicked, _ = imgui.menu_item(rid, "", shown is not None and viewer.hub.store(rid) is shown)
            if clicked:
                viewer.pinned_recording = rid
                viewer.request_redraw()
        clicked, _ = imgui.menu_item("follow the newest recording", "", viewer.pinned_recording is None)
        if clicked:
            viewer.pinned_recording = None
        imgui.end_menu()
    if imgui.begin_menu("View"):
        if imgui.menu_item("Reset layout", "", False)[0]:
            viewer.reset_layout()
        for spec, host in viewer.views.items():
            if imgui.menu_item(f"Reset camera of {spec.kind.upper()} {spec.root}", "", False)[0]:
                host.reset_camera()
        imgui.end_menu()
    summary = viewer.store_summary()
    if summary:
        imgui.text_colored(imgui.ImVec4(0.6, 0.6, 0.6, 1), "   " + summary)
    imgui.end_main_menu_bar()


def draw_view_toolbar(viewer, spec, host) -> None:
    """A row above the view: reset the camera; in 3D, look through a logged camera and the up axis."""
    imgui.set_cursor_pos(imgui.ImVec2(imgui.get_cursor_pos().x + 4, imgui.get_cursor_pos().y + 2))
    if imgui.small_button("reset camera"):
        host.reset_camera()
        viewer.request_redraw()
    viewer.record_item(f"reset:{spec.name}")
    if spec.kind == "tensor":
        _tensor_toolbar(viewer, host)
    if spec.kind == "3d":
        imgui.same_line()
        changed, host.show_axes = imgui.checkbox("axes", host.show_axes)
        if changed:
            host.scene_view.show_axes(host.show_axes, length=max(host.scene_extent() * 0.1, 0.1))
            viewer.request_redraw()
    if spec.kind == "3d":
        cameras = host.pinhole_paths()
        if cameras:
            imgui.same_line()
            imgui.set_next_item_width(180)
            labels = ["free camera"] + cameras
            current = labels.index(host.looking_through) if host.looking_through in labels else 0
            changed, index = imgui.combo("##look", current, labels)
            if changed:
                host.look_through(None if index == 0 else labels[index])
                viewer.request_redraw()
        if host.up is not None:
            imgui.same_line()
            imgui.text_colored(imgui.ImVec4(0.6, 0.6, 0.6, 1), f"up {host.up}")

def _same_line_if_fits(width: float) -> None:
    """Continue the toolbar row when an item ``width`` px wide still fits, else start a new row (narrow views)."""
    imgui.same_line()
    if imgui.get_content_region_avail().x < width:
        imgui.new_line()
        imgui.set_cursor_pos_x(imgui.get_cursor_pos_x() + 4)


def _tensor_toolbar(viewer, host) -> None:
    """Displayed axes, a slider per other axis, the colormap and keep-aspect (wrapping onto more rows if narrow)."""
    builder = host.builder
    if builder.shape is None:
        return
    state, shape = builder.state, builder.shape
    labels = [f"{i}: {builder.names[i] if i < len(builder.names) and builder.names[i] else 'dim'} ({n})"
              for i, n in enumerate(shape)]
    changed = False
    for title, attr in (("H", "height_axis"), ("W", "width_axis")):
        _same_line_if_fits(125)
        imgui.text(title)
        imgui.same_line()
        imgui.set_next_item_width(105)
        c, index = imgui.combo(f"##{title}", getattr(state, attr), labels)
        if c and index != (state.width_axis if attr == "height_axis" else state.height_axis):
            setattr(state, attr, index)
            changed = True
    for axis in sorted(state.indices):
        if shape[axis] <= 1:
            continue  # nothing to choose (the original shows no selector either)
        # as the original: the dimension's name (its index when unnamed), then the index to cut it at
        name = builder.names[axis] if axis < len(builder.names) and builder.names[axis] else str(axis)
        _same_line_if_fits(imgui.calc_text_size(name).x + 108)
        imgui.align_text_to_frame_padding()
        imgui.text(name)
        viewer.record_item(f"tensor-selector-label:{name}")
        imgui.same_line()
        imgui.set_next_item_width(100)
        c, value = imgui.slider_int(f"##axis{axis}", state.indices[axis], 0, shape[axis] - 1, "%d")
        viewer.record_item(f"tensor-selector:{name}")
        if c:
            state.indices[axis] = value
            changed = True
    _same_line_if_fits(95)
    imgui.set_next_item_width(95)
    names = list(rerun_kernels.COLORMAPS)
    current = names.index(state.colormap) if state.colormap in names else 0
    c, index = imgui.combo("##colormap", current, names)
    viewer.record_item("tensor-colormap")
    if c:
        state.colormap = names[index]
        changed = True
    _same_line_if_fits(150)
    imgui.set_next_item_width(90)
    # the original's brightness slider: logarithmic from 0.1 to 10
    c, state.brightness = imgui.slider_float("brightness", state.brightness, 0.1, 10.0, "%.2f",
                                             imgui.SliderFlags_.logarithmic)
    viewer.record_item("tensor-brightness")
    changed |= c
    _same_line_if_fits(110)
    c, state.keep_aspect = imgui.checkbox("keep aspect", state.keep_aspect)
    viewer.record_item("tensor-keep-aspect")
    changed |= c
    if changed:
        state.fit(shape)
        host.synced_signature = None  # rebuild the slice on this frame
        viewer.request_redraw()
