"""Hover and selection in the real window: a tooltip at the cursor with the hovered instance's components (or an
image pixel's coordinate, value and zoomed patch), outlines of the hovered and the selected instance in the view,
and the selected instance's values in the selection panel. Expectations come from the logged data."""

from __future__ import annotations

import json

import numpy as np
import pytest
from _viewer_kit import CLOUD, CLOUD_COLORS, FRAME_COLORS, run_window
from rerun_app.views.heuristics import SpaceViewSpec

pytestmark = pytest.mark.gl

VIEW_3D = SpaceViewSpec("3d", "/").name
VIEW_2D = SpaceViewSpec("2d", "image").name
RADIUS = 0.35  # kit.scenario_cloud_and_image logs every point with this radius
IMAGE_PIXEL = (30, 20)  # (column, row) hovered in the 60x40 image


@pytest.fixture(scope="module")
def hover_run(xvfb_display, tmp_path_factory):
    import imageio.v3 as iio

    out = tmp_path_factory.mktemp("hover")
    steps = [
        {"wait_entities": 3, "timeout": 20},
        {"frames": 4},
        {"project": CLOUD.tolist(), "view": "/", "as": "cloud"},
        # the centre of the hovered image pixel (the image spans pixel units in its 2D view)
        {"project": [[IMAGE_PIXEL[0] + 0.5, IMAGE_PIXEL[1] + 0.5, 0]], "view": "image", "as": "pixel"},
        {"snapshot": "initial"},
        {"move": {"projection": "cloud", "index": 1}},
        {"frames": 3},
        {"snapshot": "hover"},
        {"click": {"projection": "cloud", "index": 1}},
        {"move": {"projection": "pixel", "index": 0}},
        {"frames": 3},
        {"snapshot": "image"},
        {"move": {"item": "tree-label:world/points", "at": [0.5, 0.5]}},
        {"frames": 3},
        {"snapshot": "left"},
    ]
    result = run_window(xvfb_display, "scenario_cloud_and_image", steps, out, size="1400x700")
    if result.returncode != 0:
        pytest.fail(f"viewer exited with {result.returncode}:\n{result.stderr[-3000:]}")
    return {n: (iio.imread(out / f"{n}.png")[..., :3].astype(int), json.loads((out / f"{n}.json").read_text()))
            for n in ("initial", "hover", "image", "left")}


def _ring_share(img, x, y, r, rgb, tol=40) -> float:
    """Share of the points on the circle (x, y, r) whose pixel is (within ``tol``) colour ``rgb``."""
    angles = np.linspace(0, 2 * np.pi, 72, endpoint=False)
    hit = np.zeros(len(angles), bool)
    for dr in (-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5):  # the 2 px anti-aliased line, wherever it rounds to
        xs = np.round(x + (r + dr) * np.cos(angles)).astype(int)
        ys = np.round(y + (r + dr) * np.sin(angles)).astype(int)
        hit |= np.abs(img[ys, xs] - np.array(rgb)).max(axis=-1) <= tol
    return float(hit.mean())


def _near(img, xy, rgb, tol=40, radius=2) -> bool:
    x, y = int(round(xy[0])), int(round(xy[1]))
    patch = img[y - radius : y + radius + 1, x - radius : x + radius + 1].reshape(-1, 3)
    return bool((np.abs(patch - np.array(rgb)).max(axis=-1) <= tol).any())


def test_tooltip_at_the_cursor_lists_the_hovered_instances_components(hover_run):
    img, state = hover_run["hover"]
    _, initial = hover_run["initial"]
    r, g, b, a = CLOUD_COLORS[1]
    assert state["tooltip"] == [
        "entity: world/points",
        "instance: 1",
        f"colorrgba: #{r:02x}{g:02x}{b:02x}{a:02x} (r {r}, g {g}, b {b}, a {a})",
        "point3d: (" + ", ".join(f"{v:.4g}" for v in CLOUD[1]) + ")",
        f"radius: {RADIUS:.4g}",
    ]
    cursor = state["projections"]["cloud"][1]
    tx, ty, tw, th = state["items"]["tooltip"]
    assert 0 <= tx - cursor[0] <= 40 and 0 <= ty - cursor[1] <= 40, ((tx, ty), cursor)  # next to the cursor
    # the tooltip is drawn there: its text (light grey glyphs) appears in that box, which had none before
    inside = (slice(int(ty) + 2, int(ty + th) - 2), slice(int(tx) + 2, int(tx + tw) - 2))

    def text_pixels(picture):
        box = picture[inside]
        return int(((box.min(axis=-1) > 170) & (np.ptp(box, axis=-1) < 30)).sum())

    assert text_pixels(img) > text_pixels(hover_run["initial"][0]) + 300
    assert "tooltip" not in initial["items"] and initial["tooltip"] == []


def test_hovered_point_is_outlined_and_a_clicked_one_stays_outlined_as_selected(hover_run):
    img, state = hover_run["hover"]
    initial_img, _ = hover_run["initial"]
    (ring,) = [h for h in state["highlights"] if h["kind"] == "hover"]
    assert ring["view"] == VIEW_3D
    x, y, r = ring["shape"]
    np.testing.assert_allclose((x, y), state["projections"]["cloud"][1], atol=0.5)
    assert _ring_share(img, x, y, r, (255, 255, 255)) > 0.6
    assert _ring_share(initial_img, x, y, r, (255, 255, 255)) == 0.0
    # after the click the mouse went to the image: the point keeps the selection outline, not the hover one
    img, state = hover_run["image"]
    assert state["selected"] == "world/points" and state["selected_instance"] == 1
    (sel,) = [h for h in state["highlights"] if h["kind"] == "selected"]
    assert _ring_share(img, *sel["shape"], (255, 170, 0)) > 0.6
    # the selection panel shows the instance's own values
    lines = state["selection_panel"]
    assert lines[0] == "Entity instance: world/points[1]"
    assert "point3d: (" + ", ".join(f"{v:.4g}" for v in CLOUD[1]) + ")" in lines


def test_image_hover_shows_pixel_coordinate_value_and_zoomed_patch(hover_run):
    img, state = hover_run["image"]
    rgb = FRAME_COLORS[3]  # the cursor follows the last frame
    assert state["hover"]["pixel"] == list(IMAGE_PIXEL)
    assert state["tooltip"] == ["entity: image", f"pixel: ({IMAGE_PIXEL[0]}, {IMAGE_PIXEL[1]})",
                                "value: R: {}, G: {}, B: {}".format(*rgb), "hex: #" + "".join(f"{v:02x}" for v in rgb)]
    # the zoomed patch: 11 x 11 pixels of 8 px each inside the tooltip, all the image's colour here
    tx, ty, tw, th = (int(v) for v in state["items"]["tooltip"])
    box = img[ty : ty + th, tx : tx + tw]
    assert (np.abs(box - np.array(rgb)).max(axis=-1) <= 10).sum() >= 0.8 * (11 * 8) ** 2
    # the hovered pixel is outlined in the view
    (outline,) = [h for h in state["highlights"] if h["kind"] == "hover"]
    assert outline["view"] == VIEW_2D
    corners = np.array(outline["shape"])
    centre = state["projections"]["pixel"][0]
    np.testing.assert_allclose(corners.mean(axis=0), centre, atol=0.5)
    assert _near(img, corners[0], (255, 255, 255)) and _near(img, corners[2], (255, 255, 255))


def test_leaving_the_views_hides_tooltip_and_hover_outline(hover_run):
    _, state = hover_run["left"]
    assert state["hover"] is None and state["tooltip"] == []
    assert [h["kind"] for h in state["highlights"]] == ["selected"]


def test_hovered_line_strip_is_outlined_along_its_own_segments_and_named_in_the_tooltip(xvfb_display, tmp_path):
    import imageio.v3 as iio
    from _viewer_kit import LINE_STRIPS

    strip = LINE_STRIPS[1]
    middle = ((strip[0] + strip[1]) / 2).tolist()  # a point on the strip's first segment
    steps = [
        {"wait_entities": 1, "timeout": 20},
        {"frames": 4},
        {"project": [middle], "view": "/", "as": "middle"},
        {"project": strip.tolist(), "view": "/", "as": "strip"},
        {"move": {"projection": "middle", "index": 0}},
        {"frames": 3},
        {"snapshot": "hover"},
    ]
    result = run_window(xvfb_display, "scenario_lines", steps, tmp_path, size="1400x700")
    assert result.returncode == 0, result.stderr[-3000:]
    img = iio.imread(tmp_path / "hover.png")[..., :3].astype(int)
    state = json.loads((tmp_path / "hover.json").read_text())
    assert state["hover"]["entity_path"] == "world/strips" and state["hover"]["instance"] == 1
    assert state["tooltip"][:2] == ["entity: world/strips", "instance: 1"]
    (outline,) = [h for h in state["highlights"] if h["kind"] == "hover"]
    segments = np.array(outline["shape"])
    corners = np.array(state["projections"]["strip"])
    np.testing.assert_allclose(segments, np.stack([corners[:-1], corners[1:]], axis=1), atol=0.5)
    # white along both segments of the strip (sampled between their ends)
    for (x0, y0), (x1, y1) in segments:
        for t in (0.25, 0.5, 0.75):
            assert _near(img, (x0 + t * (x1 - x0), y0 + t * (y1 - y0)), (255, 255, 255), tol=60), (x0, y0, t)


def _hull_edges(points: np.ndarray) -> set:
    """Edges of the convex hull of 2D ``points`` as frozensets of point indices (monotone chain)."""
    order = sorted(range(len(points)), key=lambda i: (points[i][0], points[i][1]))

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    def half(indices):
        chain = []
        for i in indices:
            while len(chain) >= 2 and cross(points[chain[-2]], points[chain[-1]], points[i]) <= 0:
                chain.pop()
            chain.append(i)
        return chain

    lower, upper = half(order), half(order[::-1])
    ring = lower[:-1] + upper[:-1]
    return {frozenset((ring[k], ring[(k + 1) % len(ring)])) for k in range(len(ring))}


def _outline_edges(segments: np.ndarray, corners: np.ndarray) -> set:
    """The outline's segments as frozensets of the projected corner indices they join (within half a pixel)."""
    edges = set()
    for a, b in segments:
        ia = int(np.argmin(np.linalg.norm(corners - a, axis=1)))
        ib = int(np.argmin(np.linalg.norm(corners - b, axis=1)))
        assert np.linalg.norm(corners[ia] - a) < 0.5 and np.linalg.norm(corners[ib] - b) < 0.5, (a, b)
        edges.add(frozenset((ia, ib)))
    return edges


def test_hovered_and_selected_mesh_is_outlined_along_its_silhouette(xvfb_display, tmp_path):
    """As the original outlines meshes like every other instance: white while hovered, orange once selected, around
    the mesh's silhouette (for this convex mesh: the convex hull of its projected corners)."""
    import imageio.v3 as iio
    from _viewer_kit import MESH_VERTICES

    steps = [
        {"wait_entities": 2, "timeout": 20},
        {"frames": 4},
        {"project": MESH_VERTICES.tolist(), "view": "/", "as": "corners"},
        {"project": [MESH_VERTICES.mean(axis=0).tolist()], "view": "/", "as": "centre"},
        {"snapshot": "initial"},
        {"move": {"projection": "centre", "index": 0}},
        {"frames": 3},
        {"snapshot": "hover"},
        {"click": {"projection": "centre", "index": 0}},
        {"move": {"item": "tree-label:world/mesh", "at": [0.5, 0.5]}},
        {"frames": 3},
        {"snapshot": "selected"},
    ]
    result = run_window(xvfb_display, "scenario_mesh", steps, tmp_path, size="1200x700")
    assert result.returncode == 0, result.stderr[-3000:]
    shots = {n: (iio.imread(tmp_path / f"{n}.png")[..., :3].astype(int), json.loads((tmp_path / f"{n}.json").read_text()))
             for n in ("initial", "hover", "selected")}
    img, state = shots["hover"]
    corners = np.array(state["projections"]["corners"])
    assert state["hover"]["entity_path"] == "world/mesh" and state["hover"]["instance"] == 0
    assert state["tooltip"][:2] == ["entity: world/mesh", "instance: 0"]
    for name, kind, rgb in (("hover", "hover", (255, 255, 255)), ("selected", "selected", (255, 170, 0))):
        img, state = shots[name]
        (outline,) = [h for h in state["highlights"] if h["kind"] == kind]
        assert outline["view"] == VIEW_3D
        segments = np.array(outline["shape"])
        assert _outline_edges(segments, corners) == _hull_edges(corners)
        tooltip = state["items"].get("tooltip")
        checked = 0
        for a, b in segments:  # drawn in the outline colour along every silhouette edge, absent before
            for t in (0.25, 0.5, 0.75):
                x, y = a + t * (b - a)
                if tooltip and tooltip[0] - 3 <= x <= tooltip[0] + tooltip[2] + 3 and \
                        tooltip[1] - 3 <= y <= tooltip[1] + tooltip[3] + 3:
                    continue  # under the tooltip
                assert _near(img, (x, y), rgb, tol=60), (name, a, b, t)
                assert not _near(shots["initial"][0], (x, y), rgb, tol=60)
                checked += 1
        assert checked >= 6
    assert shots["selected"][1]["selected"] == "world/mesh" and shots["selected"][1]["selected_instance"] == 0


def test_hovering_a_depth_cloud_point_reads_out_its_source_pixel_and_depth(xvfb_display, tmp_path):
    """A depth image under a pinhole is drawn in 3D as a cloud; a point of it leads back to the pixel it came from:
    the tooltip names the entity, that pixel's coordinate and its depth (raw and in metres), the point is ringed."""
    import imageio.v3 as iio
    from _viewer_kit import DEPTH_IMAGE, DEPTH_METER, depth_cloud_point

    pixels = [(5, 2), (0, 0), (7, 5)]
    steps = [
        {"wait_entities": 3, "timeout": 20},
        {"frames": 4},
        {"project": [depth_cloud_point(c, r) for c, r in pixels], "view": "/", "as": "points"},
    ]
    for k in range(len(pixels)):
        steps += [{"move": {"projection": "points", "index": k}}, {"frames": 3},
                  {"project": [depth_cloud_point(c, r) for c, r in pixels], "view": "/", "as": f"points{k}"},
                  {"snapshot": f"hover{k}"}]
    result = run_window(xvfb_display, "scenario_depth_cloud", steps, tmp_path, size="1200x700")
    assert result.returncode == 0, result.stderr[-3000:]
    for k, (column, row) in enumerate(pixels):
        state = json.loads((tmp_path / f"hover{k}.json").read_text())
        depth = int(DEPTH_IMAGE[row, column])
        assert state["hover"]["entity_path"] == "world/cam/image/depth"
        assert state["hover"]["pixel"] == [column, row]
        assert state["tooltip"] == ["entity: world/cam/image/depth", f"pixel: ({column}, {row})",
                                    f"depth: {depth} ({depth / DEPTH_METER:.4g} m)"]
        (ring,) = [h for h in state["highlights"] if h["kind"] == "hover"]
        np.testing.assert_allclose(ring["shape"][:2], state["projections"][f"points{k}"][k], atol=0.5)
    img = iio.imread(tmp_path / "hover0.png")[..., :3].astype(int)
    (ring,) = [h for h in json.loads((tmp_path / "hover0.json").read_text())["highlights"] if h["kind"] == "hover"]
    assert _ring_share(img, *ring["shape"], (255, 255, 255)) > 0.5
