"""Cameras with explicit matrices: a 3D orbit (turntable) camera and a 2D pixel camera.

Both expose ``viewbox_from_world()``: the 4x4 matrix (column vectors) from world coordinates to
the view's pixel coordinates (origin top-left, y down, NDC depth in z after dividing by w). The
vispy scene transform is exactly this matrix, so tests and picking use the same numbers the GPU
does.

Mouse (3D): left-drag rotates, right-drag / shift+left-drag / middle-drag pans, wheel zooms.
Mouse (2D): any drag pans, wheel zooms about the cursor.
"""

from __future__ import annotations

import math

import numpy as np
from vispy.scene.cameras import BaseCamera
from vispy.util import keys
from vispy.visuals.transforms import MatrixTransform

from . import geometry

ROTATE_DEG_PER_PX = 0.4
WHEEL_ZOOM_PER_STEP = 0.85  # distance (3D) or 1/scale (2D) multiplier per wheel notch
PITCH_LIMIT_DEG = 89.0

#: Unit vectors of the signed world axes that view coordinates name.
AXIS_VECTORS = {
    "+X": np.array([1.0, 0.0, 0.0]), "-X": np.array([-1.0, 0.0, 0.0]),
    "+Y": np.array([0.0, 1.0, 0.0]), "-Y": np.array([0.0, -1.0, 0.0]),
    "+Z": np.array([0.0, 0.0, 1.0]), "-Z": np.array([0.0, 0.0, -1.0]),
}


def orbit_frame(up: str, right: str | None = None) -> np.ndarray:
    """Rotation (columns: images of x, y, z) from the canonical Z-up orbit frame to the world.

    Canonical z is the world ``up`` axis and canonical x the world ``right`` axis, so the default
    orbit angles show ``up`` pointing up on screen and ``right`` pointing (mostly) right, for any
    handedness: the view looks along up x right, as Rerun 0.4's default eye does. Without a right
    axis (or one parallel to up) the first of +X, +Y, +Z across ``up`` is used.
    """
    z = AXIS_VECTORS[up]
    if right is None or abs(float(AXIS_VECTORS[right] @ z)) > 0.5:
        right = next(a for a in ("+X", "+Y", "+Z") if abs(float(AXIS_VECTORS[a] @ z)) < 0.5)
    x = AXIS_VECTORS[right]
    return np.stack([x, np.cross(z, x), z], axis=1)


def default_angles(frame: np.ndarray, right_given: bool) -> tuple[float, float]:
    """(yaw, pitch) in degrees of Rerun 0.4's default eye in the orbit ``frame`` (columns x, y, z = up).

    With a right axis the eye looks mostly forward (up x right), a little to the right and down; without one it
    looks along the world diagonal (1, 1, 1), bent to look slightly down.
    """
    up = frame[:, 2]
    if right_given:
        right = frame[:, 0]
        look = 0.75 * np.cross(up, right) + 0.25 * right - 0.25 * up
    else:
        diagonal = np.ones(3)
        look = diagonal + up * (-0.5 - float(diagonal @ up))
    offset = frame.T @ (-look / np.linalg.norm(look))  # from the centre towards the eye, canonical frame
    return math.degrees(math.atan2(offset[1], offset[0])), math.degrees(math.asin(float(np.clip(offset[2], -1, 1))))


class _MatrixCamera(BaseCamera):
    """A camera whose scene transform is one explicit 4x4 matrix."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._matrix_transform = MatrixTransform()
        self._drag_last = None
        # Set by mouse interaction and by explicit placement (focus, look_through): views stop
        # auto-fitting to new data from then on.
        self.user_moved = False

    def viewbox_from_world(self) -> np.ndarray:
        raise NotImplementedError

    def viewbox_size(self) -> tuple[float, float]:
        if self.viewbox is None:
            return 1.0, 1.0
        w, h = self.viewbox.size
        return max(float(w), 1.0), max(float(h), 1.0)

    def view_changed(self):
        if self.viewbox is not None:
            self._update_transform()

    def viewbox_resize_event(self, event):
        self.view_changed()

    def _update_transform(self):
        if self.viewbox is None:
            return
        self._matrix_transform.matrix = self.viewbox_from_world().T
        self._set_scene_transform(self._matrix_transform)

    def _drag_delta(self, event) -> np.ndarray:
        pos = np.asarray(event.pos[:2], dtype=float)
        last = pos if self._drag_last is None else self._drag_last
        self._drag_last = pos
        return pos - last

    def viewbox_key_event(self, event):
        pass  # keys are the app's business (it routes them through ImGui first)


class OrbitCamera(_MatrixCamera):
    """Turntable camera orbiting ``center`` at ``distance``, with yaw/pitch about the up axis.

    Parameters
    ----------
    fov : float
        Vertical field of view in degrees.
    up : str
        World up axis, one of "+X", "-X", "+Y", "-Y", "+Z", "-Z".
    """

    def __init__(self, fov: float = 45.0, up: str = "+Z", **kwargs):
        super().__init__(**kwargs)
        self.fov_deg = float(fov)
        self.center_point = np.zeros(3)
        self.distance = 5.0
        self.yaw_deg = -60.0
        self.pitch_deg = 25.0
        self.scene_radius = 1.0
        self._up_axis = "+Z"
        self._right_axis: str | None = None
        self._frame = np.eye(3)
        self._default_angles = (-60.0, 25.0)
        self._pinhole = None  # (intrinsics, resolution, eye_from_world) while looking through a camera
        self.set_up(up)

    # -- state ------------------------------------------------------------------------------

    @property
    def up_axis(self) -> str:
        return self._up_axis

    @property
    def right_axis(self) -> str | None:
        return self._right_axis

    def set_up(self, axis: str, right: str | None = None) -> None:
        """Set the world up axis ("+Z", "-Y", ...) and optionally the right axis (view coordinates)."""
        key = str(axis).upper()
        if key not in AXIS_VECTORS:
            raise ValueError(f"axis: expected one of {sorted(AXIS_VECTORS)}, got {axis!r}")
        right_key = None if right is None else str(right).upper()
        if right_key is not None and right_key not in AXIS_VECTORS:
            raise ValueError(f"right: expected one of {sorted(AXIS_VECTORS)} or None, got {right!r}")
        self._up_axis, self._right_axis = key, right_key
        self._frame = orbit_frame(key, right_key)
        self._default_angles = default_angles(self._frame, right_key is not None)
        self.view_changed()

    @property
    def looking_through(self) -> bool:
        """True while the view is the pinhole set by :meth:`look_through` (until the user drags)."""
        return self._pinhole is not None

    def eye_position(self) -> np.ndarray:
        """World position of the camera."""
        if self._pinhole is not None:
            return np.linalg.inv(self._pinhole[2])[:3, 3]
        pitch, yaw = math.radians(self.pitch_deg), math.radians(self.yaw_deg)
        offset = np.array([math.cos(pitch) * math.cos(yaw), math.cos(pitch) * math.sin(yaw), math.sin(pitch)])
        return self.center_point + self.distance * (self._frame @ offset)

    def _clip_planes(self) -> tuple[float, float]:
        reach = np.linalg.norm(self.eye_position() - self.center_point) + 2.0 * self.scene_radius
        # near/far ratio ~1e3: enough depth precision for 16-bit buffers, close enough to zoom in
        near = max(min(self.distance, reach) * 1e-2, 1e-6)
        return near, max(reach * 10.0, near * 10.0)

    def view_matrix(self) -> np.ndarray:
        """eye_from_world (OpenGL eye space)."""
        if self._pinhole is not None:
            return self._pinhole[2]
        up = self._frame[:, 2]
        return geometry.look_at(self.eye_position(), self.center_point, up)

    def projection_matrix(self) -> np.ndarray:
        """clip_from_eye."""
        near, far = self._clip_planes()
        if self._pinhole is not None:
            return geometry.pinhole_projection(self._pinhole[0], self._pinhole[1], near, far)
        w, h = self.viewbox_size()
        return geometry.perspective(self.fov_deg, w / h, near, far)

    def viewport_rect(self) -> tuple[float, float, float, float]:
        """(x0, y0, w, h) of the picture in view pixels: all of it, or the letterboxed pinhole image."""
        w, h = self.viewbox_size()
        if self._pinhole is None:
            return 0.0, 0.0, w, h
        img_w, img_h = self._pinhole[1]
        s = min(w / img_w, h / img_h)
        return (w - img_w * s) / 2.0, (h - img_h * s) / 2.0, img_w * s, img_h * s

    def viewbox_from_world(self) -> np.ndarray:
        x0, y0, w, h = self.viewport_rect()
        return geometry.ndc_to_pixels(w, h, x0, y0) @ self.projection_matrix() @ self.view_matrix()

    # -- commands ---------------------------------------------------------------------------

    def fit(self, lo, hi) -> None:
        """Frame the world box [lo, hi]: centre on it, look from Rerun 0.4's default direction (see
        :func:`default_angles`), back off so it fills the view."""
        lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
        if not (np.isfinite(lo).all() and np.isfinite(hi).all()):
            lo, hi = -np.ones(3), np.ones(3)
        self._pinhole = None
        self.center_point = (lo + hi) / 2.0
        radius = float(np.linalg.norm(hi - lo)) / 2.0
        if not radius > 1e-9:  # a single point: show a unit neighbourhood around it
            radius = 1.0
            lo, hi = self.center_point - 1.0 / math.sqrt(3.0), self.center_point + 1.0 / math.sqrt(3.0)
        self.scene_radius = radius
        self.yaw_deg, self.pitch_deg = self._default_angles
        self.distance = self._fitting_distance(lo, hi, radius)
        self.view_changed()

    def _fitting_distance(self, lo: np.ndarray, hi: np.ndarray, radius: float) -> float:
        """The nearest orbit distance (at the current angles) from which all 8 corners of the box are inside the
        view with a 5 % margin: a flat or long scene fills the view instead of its bounding sphere."""
        w, h = self.viewbox_size()
        tan_y = math.tan(math.radians(self.fov_deg) / 2.0) * 0.95
        tan_x = tan_y * w / h
        self.distance = 1.0
        view = self.view_matrix()  # rows: right, up, back (eye space), independent of the distance
        right, up, back = view[0, :3], view[1, :3], view[2, :3]
        corners = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
        rel = corners - self.center_point
        toward = -(rel @ back)  # how far each corner lies beyond the centre along the view direction
        needed = np.maximum(np.abs(rel @ right) / tan_x, np.abs(rel @ up) / tan_y) - toward
        in_front = float(np.max(-toward)) + 0.05 * radius  # every corner in front of the eye
        return max(float(np.max(needed)), in_front, 0.1 * radius)

    def focus(self, point) -> None:
        """Orbit around ``point`` from the current direction and distance."""
        point = np.asarray(point, dtype=float).reshape(3)
        if not np.isfinite(point).all():
            return
        self._leave_pinhole()
        self.center_point = point
        self.user_moved = True
        self.view_changed()

    def look_through(self, intrinsics, world_from_camera, resolution) -> None:
        """See exactly what a pinhole camera sees (RDF camera frame, ``resolution`` = (W, H)).

        The image is letterboxed into the view; projected points land where the pinhole model
        puts them. Dragging leaves this mode and orbits from the camera's position.
        """
        k = np.asarray(intrinsics, dtype=float)
        pose = np.asarray(world_from_camera, dtype=float)
        if k.shape != (3, 3) or pose.shape != (4, 4):
            raise ValueError(
                f"look_through: expected 3x3 intrinsics and a 4x4 pose, got {k.shape} and {pose.shape}"
            )
        width, height = (float(v) for v in resolution)
        eye_from_world = geometry.RDF_TO_GL_EYE @ np.linalg.inv(pose)
        self._pinhole = (k, (width, height), eye_from_world)
        self.user_moved = True
        self.view_changed()

    def _leave_pinhole(self) -> None:
        """Turn the pinhole pose into orbit parameters (roll is dropped)."""
        if self._pinhole is None:
            return
        world_from_eye = np.linalg.inv(self._pinhole[2])
        eye = world_from_eye[:3, 3]
        forward = -world_from_eye[:3, 2]
        self._pinhole = None
        self.distance = max(self.distance, 1e-3)
        self.center_point = eye + forward * self.distance
        canonical = self._frame.T @ (-forward)
        self.pitch_deg = math.degrees(math.asin(float(np.clip(canonical[2], -1.0, 1.0))))
        self.pitch_deg = float(np.clip(self.pitch_deg, -PITCH_LIMIT_DEG, PITCH_LIMIT_DEG))
        self.yaw_deg = math.degrees(math.atan2(canonical[1], canonical[0]))

    def rotate(self, dx_px: float, dy_px: float) -> None:
        """What a left-drag of (dx, dy) pixels does: the scene turns with the mouse."""
        self._leave_pinhole()
        self.yaw_deg -= dx_px * ROTATE_DEG_PER_PX
        self.pitch_deg = float(np.clip(self.pitch_deg + dy_px * ROTATE_DEG_PER_PX, -PITCH_LIMIT_DEG, PITCH_LIMIT_DEG))
        self.view_changed()

    def pan(self, dx_px: float, dy_px: float) -> None:
        """What a right-drag does: the point under the cursor follows it (at the centre's depth)."""
        self._leave_pinhole()
        view = self.view_matrix()
        right, up = view[0, :3], view[1, :3]
        _, h = self.viewbox_size()
        world_per_px = 2.0 * self.distance * math.tan(math.radians(self.fov_deg) / 2.0) / h
        self.center_point = self.center_point + (-dx_px * right + dy_px * up) * world_per_px
        self.view_changed()

    def zoom(self, steps: float) -> None:
        """What the wheel does: positive steps move closer."""
        self._leave_pinhole()
        self.distance = max(self.distance * WHEEL_ZOOM_PER_STEP ** steps, 1e-6)
        self.view_changed()

    def viewbox_mouse_event(self, event):
        if event.handled or not self.interactive:
            return
        self.user_moved = True
        if event.type == "mouse_wheel":
            self.zoom(event.delta[1])
            event.handled = True
        elif event.type == "mouse_press":
            self._drag_last = np.asarray(event.pos[:2], dtype=float)
            event.handled = True
        elif event.type == "mouse_release":
            self._drag_last = None
        elif event.type == "mouse_move" and event.press_event is not None and self._drag_last is not None:
            dx, dy = self._drag_delta(event)
            # glfw reports held buttons; other backends only the pressed one
            buttons = event.buttons or [getattr(event.press_event, "button", 1)]
            modifiers = event.mouse_event.modifiers or ()
            if 1 in buttons and keys.SHIFT not in modifiers:
                self.rotate(dx, dy)
            elif 1 in buttons or 2 in buttons or 3 in buttons:
                self.pan(dx, dy)
            event.handled = True


class PixelCamera(_MatrixCamera):
    """2D camera with y pointing down: world (x, y) are image pixel coordinates.

    ``scale`` is view pixels per world unit; ``center_point`` is the world point at the view centre.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.center_point = np.zeros(2)
        self.scale = 1.0

    def viewbox_from_world(self) -> np.ndarray:
        w, h = self.viewbox_size()
        m = np.zeros((4, 4))
        m[0, 0] = m[1, 1] = self.scale
        m[0, 3] = w / 2.0 - self.scale * self.center_point[0]
        m[1, 3] = h / 2.0 - self.scale * self.center_point[1]
        # z is squashed to ~0 depth (kept invertible for vispy): 2D layers are ordered by draw
        # order, not depth.
        m[2, 2] = 1e-7
        m[3, 3] = 1.0
        return m

    def fit(self, lo, hi, margin_px: float = 0.0) -> None:
        """Show the world rectangle [lo, hi] (x, y used) whole, centred, with square pixels, ``margin_px`` view
        pixels inside each edge (room for primitives drawn at a size in pixels)."""
        lo, hi = np.asarray(lo, dtype=float)[:2], np.asarray(hi, dtype=float)[:2]
        if not (np.isfinite(lo).all() and np.isfinite(hi).all()):
            lo, hi = np.zeros(2), np.ones(2)
        size = hi - lo
        if not (size > 1e-9).any():  # a single point: show 100 x 100 units around it
            size = np.array([100.0, 100.0])
        size = np.maximum(size, 1e-9)
        w, h = self.viewbox_size()
        margin = min(max(float(margin_px), 0.0), 0.25 * min(w, h))
        self.center_point = (lo + hi) / 2.0
        self.scale = float(min((w - 2 * margin) / size[0], (h - 2 * margin) / size[1]))
        self.view_changed()

    def focus(self, point) -> None:
        """Centre the view on world point ``point`` (x, y)."""
        point = np.asarray(point, dtype=float).reshape(-1)[:2]
        if np.isfinite(point).all():
            self.center_point = point
            self.user_moved = True
            self.view_changed()

    def pan(self, dx_px: float, dy_px: float) -> None:
        """The picture follows the mouse."""
        self.center_point = self.center_point - np.array([dx_px, dy_px]) / self.scale
        self.view_changed()

    def zoom(self, steps: float, anchor_px=None) -> None:
        """Zoom by wheel ``steps`` keeping the world point under ``anchor_px`` (view px) fixed."""
        w, h = self.viewbox_size()
        anchor = np.array([w / 2.0, h / 2.0]) if anchor_px is None else np.asarray(anchor_px[:2], dtype=float)
        world_anchor = self.center_point + (anchor - [w / 2.0, h / 2.0]) / self.scale
        self.scale = float(np.clip(self.scale / WHEEL_ZOOM_PER_STEP ** steps, 1e-6, 1e6))
        self.center_point = world_anchor - (anchor - [w / 2.0, h / 2.0]) / self.scale
        self.view_changed()

    def viewbox_mouse_event(self, event):
        if event.handled or not self.interactive:
            return
        self.user_moved = True
        if event.type == "mouse_wheel":
            self.zoom(event.delta[1], event.pos)
            event.handled = True
        elif event.type == "mouse_press":
            self._drag_last = np.asarray(event.pos[:2], dtype=float)
            event.handled = True
        elif event.type == "mouse_release":
            self._drag_last = None
        elif event.type == "mouse_move" and event.press_event is not None and self._drag_last is not None:
            dx, dy = self._drag_delta(event)
            self.pan(dx, dy)
            event.handled = True
